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


def _enforce_foreign_keys(dbapi_connection: object, _record: object) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA foreign_keys = ON")


def enforce_foreign_keys(app: Flask) -> None:
    """Make SQLite refuse to delete a row others still refer to, as PostgreSQL does:
    SQLite checks foreign keys only on connections that ask for it."""
    with app.app_context():
        for engine in db.engines.values():
            if not event.contains(engine, "connect", _enforce_foreign_keys):
                event.listen(engine, "connect", _enforce_foreign_keys)
