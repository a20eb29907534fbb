"""Migrations that copy a table (SQLite's batch mode) keep every row that refers to it,
although the app has SQLite enforce foreign keys: going back a version and forward again
on the demo years loses nothing."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from backoffice.extensions import db
from backoffice.models import User

# Tables the security migration (0005) creates: a step back drops them.
_SECURITY = {"security_events", "user_sessions", "sign_in_throttles", "second_factors",
             "recovery_codes"}


def _counts() -> dict[str, int]:
    tables = set(sa.inspect(db.engine).get_table_names()) - _SECURITY - {"alembic_version"}
    return {name: db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
            for name in sorted(tables)}


def test_a_step_back_and_forward_keeps_every_row(app) -> None:
    with app.app_context():
        # Accounts of the new duties have no role to go back to: the demo's data only.
        db.session.execute(sa.delete(User))
        db.session.commit()
        before = _counts()
        assert before["contacts"] and before["co_handlings"] and before["unit_aliases"]
        db.session.remove()
        downgrade(revision="0004")
        upgrade()
        assert _counts() == before
        if db.engine.dialect.name == "sqlite":  # enforced again once migrated
            assert db.session.scalar(sa.text("PRAGMA foreign_keys")) == 1
