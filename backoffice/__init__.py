"""The back-office for handling deputies' written opinions (人大代表书面意见办理)."""

from pathlib import Path
from typing import Any

from flask import Flask

MIGRATIONS = str(Path(__file__).parent / "migrations")


def create_app(config: dict[str, Any] | None = None, *, web: bool = True) -> Flask:
    """Build the application: configuration, extensions, rules, screens, commands.

    `web=False` builds the app a command that works on data alone runs in (an import,
    an export, a report): the same models, rules and commands, without the screens, the
    sign-in pages and the migrations, whose imports (Flask-Admin, pandas, plotly,
    Alembic) would cost that command more than a second before it starts.
    """
    app = Flask(__name__, instance_relative_config=True)
    register_config(app, config)
    register_extensions(app, web)
    register_rules(app)
    if web:
        register_migrations(app)
        register_views(app)
        register_responses(app)
    register_commands(app)
    return app


def register_config(app: Flask, config: dict[str, Any] | None) -> None:
    from backoffice.config import defaults, load_secret_key

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("BACKOFFICE")
    if config:
        app.config.from_mapping(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(app.instance_path)


def register_extensions(app: Flask, web: bool) -> None:
    from backoffice.database import engine_options
    from backoffice.extensions import configure_sqlite, db

    # Only a web request's statements are cut short: a command's are its work.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config, statement_timeout=web)
    db.init_app(app)
    configure_sqlite(app)


def register_rules(app: Flask) -> None:
    """Keep the write path's rules, the security log's watch and staged files in every session."""
    from backoffice.security import watched
    from backoffice.storage import staging
    from backoffice.writing import orm as writing

    writing.listen()
    watched.listen()
    staging.listen()


def register_migrations(app: Flask) -> None:
    from flask_migrate import Migrate

    from backoffice.extensions import db

    Migrate(app, db, directory=MIGRATIONS, render_as_batch=True)


def register_views(app: Flask) -> None:
    from backoffice import admin, formatting, health, inputs, public, security
    from backoffice.extensions import babel, csrf, login_manager

    babel.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    inputs.init_app(app)
    security.init_app(app)
    formatting.init_app(app)
    admin.init_app(app)
    health.init_app(app)
    public.init_app(app)


def register_responses(app: Flask) -> None:
    from backoffice import errors
    from backoffice.security import headers

    headers.init_app(app)
    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from backoffice import cli

    cli.init_app(app)
