"""SQLite, the embedded default: while a long write holds the database file (an import of
a big list, an undo, a restore of the year), the screens read on, from what was last
committed, rather than wait and fail with the busy page."""

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import Opinion
from tests.conftest import demo_app, sign_in

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_pages_read_the_last_committed_data_while_a_long_write_holds_the_file(
    database_url: str, tmp_path: Path
) -> None:
    with demo_app(database_url, tmp_path, "operator", DATABASE_BUSY_TIMEOUT=0.5) as app:
        client = app.test_client()
        assert sign_in(client, "operator").status_code == 302
        with app.app_context():
            opinion = db.session.scalars(sa.select(Opinion).order_by(Opinion.id)).first()
            opinion_id, title = opinion.id, opinion.title
        writer = sqlite3.connect(sa.make_url(database_url).database, isolation_level=None)
        try:
            # A write bigger than its cache, as an import's is: it spills to the file.
            writer.execute("PRAGMA cache_size = 5")
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("UPDATE opinions SET title = title || '（未提交）', "
                           "content = content || ?", ("补充内容" * 200,))
            for url in ("/admin/", "/admin/opinion/", f"/admin/opinion/details/?id={opinion_id}"):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            page = response.get_data(as_text=True)
            assert title in page and "（未提交）" not in page
        finally:
            writer.execute("ROLLBACK")
            writer.close()
