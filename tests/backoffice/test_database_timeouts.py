"""A slow statement or a database that never answers costs a web request seconds, not a
worker: the configured timeouts cut it off with the Chinese 503 page."""

import time

import pytest
import sqlalchemy as sa

from backoffice.database import engine_options
from backoffice.extensions import db
from backoffice.models import Opinion
from tests.backoffice.html_forms import form_data
from tests.backoffice.test_error_pages import ENGLISH
from tests.conftest import PG_URL, _app, demo_app, sign_in, unavailable
from tests.database_proxy import proxied


@pytest.fixture
def server_url() -> str:
    """Return the test PostgreSQL server's URL: these tests need no tables."""
    if not PG_URL:
        unavailable("TEST_DATABASE_URL names no PostgreSQL server")
    return PG_URL


def test_timeouts_reach_each_backends_connections_and_commands_run_without_one() -> None:
    settings = {"DATABASE_CONNECT_TIMEOUT": 5, "DATABASE_STATEMENT_TIMEOUT": 1.5,
                "DATABASE_BUSY_TIMEOUT": 0.5, "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}}
    postgresql = {**settings, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://h/d"}
    assert engine_options(postgresql, statement_timeout=True) == {"pool_pre_ping": True,
        "connect_args": {"connect_timeout": 5, "options": "-c statement_timeout=1500"}}
    assert engine_options({**postgresql, "DATABASE_LOCK_TIMEOUT": 0.25},
                          statement_timeout=True)["connect_args"]["options"] == (
        "-c statement_timeout=1500 -c lock_timeout=250")
    assert engine_options(postgresql, statement_timeout=False)["connect_args"] == {
        "connect_timeout": 5}
    sqlite = {**settings, "SQLALCHEMY_DATABASE_URI": "sqlite:///x.sqlite3"}
    assert engine_options(sqlite, statement_timeout=True)["connect_args"] == {"timeout": 0.5}
    # What the deployment sets itself wins.
    own = {**postgresql, "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 9}}}
    assert engine_options(own, statement_timeout=False)["connect_args"] == {"connect_timeout": 9}


def _assert_503_within(response, started: float, seconds: float) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:300]
    assert time.monotonic() - started < seconds
    assert "系统暂时不可用" in page and [word for word in ENGLISH if word in page] == []
    return page


@pytest.mark.postgresql
def test_a_statement_past_the_timeout_is_cancelled_with_the_503_page(server_url, tmp_path):
    app = _app(server_url, tmp_path, DATABASE_STATEMENT_TIMEOUT=0.3,
               PROPAGATE_EXCEPTIONS=False)
    app.add_url_rule("/test-slow", "test_slow",
                     lambda: str(db.session.execute(sa.text("SELECT pg_sleep(10)")).all()))
    started = time.monotonic()
    _assert_503_within(app.test_client().get("/test-slow"), started, 3)
    with app.app_context():  # the connection serves the next request
        assert db.session.execute(sa.text("SELECT 1")).scalar() == 1
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgresql
def test_a_database_that_never_answers_is_given_up_after_the_connect_timeout(
    server_url, tmp_path
) -> None:
    with proxied(server_url) as proxy:
        app = _app(proxy.url, tmp_path, DATABASE_CONNECT_TIMEOUT=2, PROPAGATE_EXCEPTIONS=False)
        proxy.hang()
        started = time.monotonic()
        response = app.test_client().get("/healthz")
        assert time.monotonic() - started < 6
        assert response.status_code == 503
        assert response.get_json()["checks"] == {
            "database": False, "migrations": False, "queue": False}
        with app.app_context():
            db.engine.dispose()


# SQLite's wait for a lock is its busy timeout: tests/browser/test_failure_pages.py.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_save_waiting_on_an_imports_lock_gives_up_soon_and_keeps_its_form(
        database_url, tmp_path) -> None:
    with demo_app(database_url, tmp_path, "operator", DATABASE_LOCK_TIMEOUT=0.5,
                  PROPAGATE_EXCEPTIONS=False) as app:
        client = app.test_client()
        sign_in(client, "operator")
        with app.app_context():
            opinion_id = db.session.scalar(sa.select(sa.func.min(Opinion.id)))
        url = f"/admin/opinion/edit/?id={opinion_id}"
        data = {**form_data(client.get(url).get_data(as_text=True)), "title": "导入时保存的标题"}
        importer = sa.create_engine(database_url)
        with importer.connect() as connection:  # an import holds the table until it commits
            connection.execute(sa.text("LOCK TABLE opinions IN SHARE ROW EXCLUSIVE MODE"))
            started = time.monotonic()
            page = _assert_503_within(client.post(url, data=data), started, 5)
            connection.rollback()
        importer.dispose()
        assert "其他人正在批量写入数据" in page
        assert 'value="导入时保存的标题"' in page  # kept, to post again
        assert client.post(url, data=data).status_code == 302  # the import is over: saved
