"""Unbound extensions, bound to the app in the factory.

The screens' own (Flask-Babel, Flask-WTF's CSRF protection) are made when first asked
for, so that a command working on data alone does not import them; Flask-Migrate is bound
in the factory (`register_migrations`) without an instance here: importing it imports
Alembic, which no command but the migrations needs.
"""

import sqlite3
from typing import TYPE_CHECKING, Any

from flask import Flask
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event

from backoffice.models.base import Base

if TYPE_CHECKING:
    from flask_babel import Babel
    from flask_wtf import CSRFProtect

    babel: Babel
    csrf: CSRFProtect

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()


def __getattr__(name: str) -> Any:
    """Make `babel` or `csrf` on first use (PEP 562), once."""
    if name == "babel":
        from flask_babel import Babel as made
    elif name == "csrf":
        from flask_wtf import CSRFProtect as made
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    extension = globals()[name] = made()
    return extension


def _configure_sqlite(dbapi_connection: object, _record: object) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
        # Write-ahead logging: readers never wait for a writer. With SQLite's rollback
        # journal a long write (an import) that outgrows its cache locks the file, and
        # every page fails with the busy page until it commits. The mode stays with the
        # file; an in-memory database keeps its own.
        dbapi_connection.execute("PRAGMA journal_mode = WAL")


def configure_sqlite(app: Flask) -> None:
    """Make SQLite refuse to delete a row others still refer to, as PostgreSQL does (it
    checks foreign keys only on connections that ask), and let readers read while a
    writer writes, as PostgreSQL does."""
    with app.app_context():
        for engine in db.engines.values():
            if not event.contains(engine, "connect", _configure_sqlite):
                event.listen(engine, "connect", _configure_sqlite)
