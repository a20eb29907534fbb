"""A gunicorn server per backend, shared by the module's probes (each probe uses its own
accounts, so that a lock or a deactivation in one does not touch another)."""

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import Role, Unit, User
from tests.conftest import BACKENDS, PASSWORD, _add_users, _app, database_copy
from tests.probe.served import Served, serve, stop

# Accounts a probe locks or deactivates, beside the usual one per role.
PROBE_ACCOUNTS = (("locked", Role.LEADER, None), ("victim", Role.UNIT, "浦江镇"))


@pytest.fixture(scope="module", params=BACKENDS)
def served(request: pytest.FixtureRequest, templates, tmp_path_factory) -> Iterator[Served]:
    backend = request.param
    folder = tmp_path_factory.mktemp(f"served-{backend}")
    with database_copy(templates(backend), backend, folder) as url:
        app = _app(url, folder)
        with app.app_context():
            _add_users()
            for username, role, unit in PROBE_ACCOUNTS:
                user = User(username=username, role=role.value, unit=db.session.scalar(
                    sa.select(Unit).where(Unit.name == unit)) if unit else None)
                user.set_password(PASSWORD, chosen_by_user=True)
                db.session.add(user)
            db.session.commit()
            db.session.remove()
        server = serve(app, url, folder)
        try:
            yield server
        finally:
            stop(server)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
