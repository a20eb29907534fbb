"""An empty migrated database on each backend, for imports that start from nothing."""

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from backoffice.extensions import db
from tests.conftest import BACKENDS, PG_URL, _app, _pg_admin, _pg_url, unavailable


@pytest.fixture(scope="session")
def empty_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Return a lazily built migrated, empty template database per backend."""
    built: dict[str, str] = {}
    worker = re.sub(r"\W", "", os.environ.get("PYTEST_XDIST_WORKER", "main"))

    def template(backend: str) -> str:
        if backend not in built:
            folder = tmp_path_factory.mktemp(f"empty-{backend}")
            if backend == "sqlite":
                built[backend] = str(folder / "empty.sqlite3")
                url = f"sqlite:///{built[backend]}"
            else:
                name = f"bo_empty_{worker}"
                with _pg_admin().connect() as conn:
                    conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
                    conn.execute(sa.text(f"CREATE DATABASE {name}"))
                built[backend], url = name, _pg_url(name)
            app = _app(url, folder)
            with app.app_context():
                upgrade()
                db.engine.dispose()
        return built[backend]

    yield template
    if "postgresql" in built:
        with _pg_admin().connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {built['postgresql']}"))


@pytest.fixture(params=BACKENDS)
def empty_app(request: pytest.FixtureRequest, empty_templates, tmp_path: Path) -> Iterator[Flask]:
    """Return an app on a fresh copy of the empty database."""
    backend = request.param
    if backend == "postgresql" and not PG_URL:
        unavailable("TEST_DATABASE_URL names no PostgreSQL server")
    template = empty_templates(backend)
    name = None
    if backend == "sqlite":
        path = tmp_path / "empty.sqlite3"
        shutil.copyfile(template, path)
        url = f"sqlite:///{path}"
    else:
        name = f"bo_test_{uuid.uuid4().hex[:12]}"
        with _pg_admin().connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name} TEMPLATE {template}"))
        url = _pg_url(name)
    app = _app(url, tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if name:
        with _pg_admin().connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
