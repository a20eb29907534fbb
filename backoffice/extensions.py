"""Unbound extensions, bound to the app in the factory.

Flask-Migrate is bound there too (`register_migrations`), without an instance here:
importing it imports Alembic, which no command but the migrations needs."""

import sqlite3

from flask import Flask
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event

from backoffice.models.base import Base

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()


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
