"""The back-office for handling deputies' written opinions (人大代表书面意见办理)."""

from pathlib import Path
from typing import Any

from flask import Flask

from backoffice import inputs
from backoffice.config import defaults, load_secret_key
from backoffice.extensions import (
    babel,
    csrf,
    db,
    enforce_foreign_keys,
    login_manager,
    migrate,
)
from backoffice.writing import orm as writing

MIGRATIONS = str(Path(__file__).parent / "migrations")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, screens, commands."""
    app = Flask(__name__, instance_relative_config=True)
    register_config(app, config)
    register_extensions(app)
    register_views(app)
    register_responses(app)
    register_commands(app)
    return app


def register_config(app: Flask, config: dict[str, Any] | None) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("BACKOFFICE")
    if config:
        app.config.from_mapping(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(app.instance_path)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    enforce_foreign_keys(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True)
    babel.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    inputs.init_app(app)
    writing.listen()


def register_views(app: Flask) -> None:
    from backoffice import admin, formatting, security

    security.init_app(app)
    formatting.init_app(app)
    admin.init_app(app)


def register_responses(app: Flask) -> None:
    from backoffice import errors
    from backoffice.security import headers

    headers.init_app(app)
    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from backoffice import cli

    cli.init_app(app)
