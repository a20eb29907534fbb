"""deploy/gunicorn.conf.py as gunicorn reads it, and the app it serves: /healthz, Chinese
failure pages, and a PostgreSQL outage that loses no typed form."""

import html
import re
import sys
from pathlib import Path

import requests
import sqlalchemy as sa
from gunicorn.app.wsgiapp import WSGIApplication

from backoffice.extensions import db
from backoffice.models import CongressSession, Opinion
from tests.backoffice.html_forms import form_data
from tests.backoffice.test_error_pages import ENGLISH
from tests.conftest import PASSWORD, _add_users, _app, database_copy
from tests.database_proxy import proxied
from tests.probe.served import Served, serve, stop

CONFIG = str(Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py")


def _gunicorn_settings(monkeypatch, argv: list[str]):
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-c", CONFIG, *argv])
    return WSGIApplication().cfg


def test_the_gunicorn_config_loads_and_takes_its_settings_from_the_environment(
    monkeypatch,
) -> None:
    settings = _gunicorn_settings(monkeypatch, [])
    assert settings.worker_class_str == "sync" and settings.workers >= 3
    assert (settings.timeout, settings.graceful_timeout) == (30, 30)
    assert (settings.max_requests, settings.max_requests_jitter) == (1000, 100)
    assert settings.forwarded_allow_ips == ["127.0.0.1"]
    assert settings.accesslog == "-" and settings.bind == ["127.0.0.1:8000"]

    for name, value in {"WORKERS": "7", "WORKER_CLASS": "gthread", "THREADS": "4",
                        "TIMEOUT": "60", "MAX_REQUESTS": "50", "BIND": "0.0.0.0:9000",
                        "FORWARDED_ALLOW_IPS": "10.0.0.5"}.items():
        monkeypatch.setenv(f"GUNICORN_{name}", value)
    settings = _gunicorn_settings(monkeypatch, [])
    assert (settings.workers, settings.worker_class_str, settings.threads) == (7, "gthread", 4)
    assert (settings.timeout, settings.max_requests) == (60, 50)
    assert settings.bind == ["0.0.0.0:9000"] and settings.forwarded_allow_ips == ["10.0.0.5"]


def _chinese_page(response: requests.Response, status: int, title: str) -> str:
    assert response.status_code == status, response.text[:500]
    assert title in response.text and f"错误代码 {status}" in response.text
    assert [word for word in ENGLISH if word in response.text] == []
    return response.text


def _health(served: Served) -> tuple[int, dict]:
    response = requests.get(served.url("/healthz"), timeout=15)
    return response.status_code, response.json()


def _kept_form(page: str) -> tuple[str, list[tuple[str, str]]]:
    """Return the action and the fields, repeated ones included, of the kept form."""
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*data-kept-form>(.*?)</form>',
                     page, re.S)
    assert form, "the 503 page keeps the form"
    fields = re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form[2])
    return html.unescape(form[1]), [(html.unescape(n), html.unescape(v)) for n, v in fields]


def test_gunicorn_serves_health_and_chinese_failures_through_a_database_outage(
    templates, tmp_path
) -> None:
    with database_copy(templates("postgresql"), "postgresql", tmp_path) as url, \
            proxied(url) as proxy:
        app = _app(url, tmp_path)  # straight to the database, to look at what was saved
        with app.app_context():
            _add_users("operator")
            opinion_id = db.session.scalar(
                sa.select(Opinion.id).join(Opinion.session)
                .where(CongressSession.year == 2017, Opinion.number == "0039"))
            db.session.remove()
        served = serve(app, proxy.url, tmp_path, ("-c", CONFIG), workers=1,
                       GUNICORN_WORKERS="1", BACKOFFICE_MAX_CONTENT_LENGTH=str(64 * 1024),
                       BACKOFFICE_DATABASE_CONNECT_TIMEOUT="2")
        try:
            _walk_failures(served, proxy, opinion_id)
        finally:
            stop(served)
            with app.app_context():
                assert db.session.get(Opinion, opinion_id).title == "停电后重新提交的标题"
                db.session.remove()
                db.engine.dispose()


def _walk_failures(served: Served, proxy, opinion_id: int) -> None:
    # No worker runs the queue here: jobs would wait, pages still serve.
    assert _health(served) == (200, {"status": "degraded", "checks": {
        "database": True, "migrations": True, "queue": False}})
    _chinese_page(requests.get(served.url("/logout"), timeout=15), 405, "操作方式不正确")
    too_big = requests.post(served.url("/login"), data={"note": "x" * 100 * 1024}, timeout=15)
    assert "64 KB" in _chinese_page(too_big, 413, "上传的内容过大")

    browser = requests.Session()
    login = browser.get(served.url("/login"), timeout=15).text
    browser.post(served.url("/login"), timeout=15, data={
        "username": "operator", "password": PASSWORD, "csrf_token": form_data(login)["csrf_token"]})
    edit = served.url(f"/admin/opinion/edit/?id={opinion_id}")
    data = form_data(browser.get(edit, timeout=15).text)
    data["title"] = "停电后重新提交的标题"

    proxy.cut()
    page = _chinese_page(browser.post(edit, data=data, timeout=15), 503, "系统暂时不可用")
    assert _health(served) == (503, {"status": "unavailable", "checks": {
        "database": False, "migrations": False, "queue": False}})
    action, fields = _kept_form(page)
    assert ("title", "停电后重新提交的标题") in fields

    proxy.restore()
    assert _health(served)[0] == 200
    saved = browser.post(served.url(action), data=fields, timeout=15, allow_redirects=False)
    assert saved.status_code == 302, saved.text[:500]


