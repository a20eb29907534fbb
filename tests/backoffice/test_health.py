"""/healthz answers anyone, says which checks pass and nothing else, and 503 when one fails
(through gunicorn and with the database gone: tests/deploy)."""

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from tests.conftest import _app


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_health_says_whether_the_schema_is_at_the_newest_migration(database_url, tmp_path):
    app = _app(database_url, tmp_path)
    client = app.test_client()
    healthy = client.get("/healthz")
    assert healthy.status_code == 200
    assert healthy.get_json() == {  # with SQLite the app runs its own jobs: always a queue
        "status": "ok", "checks": {"database": True, "migrations": True, "queue": True}}
    with app.app_context():
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = '0005'"))
        db.session.commit()
    behind = client.get("/healthz")
    assert behind.status_code == 503
    assert behind.get_json() == {"status": "unavailable", "checks": {
        "database": True, "migrations": False, "queue": False}}
    with app.app_context():
        db.engine.dispose()
