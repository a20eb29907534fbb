"""An attacker's probe against the real thing: gunicorn with two workers on a real database,
spoken to over HTTP as a browser would (cookies, forms, CSRF tokens)."""

import re
import time

import pytest
import requests
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import CoHandling, Unit, User
from tests.backoffice.html_forms import form_data
from tests.backoffice.scoping import co_handled_by
from tests.conftest import PASSWORD
from tests.importers.hostile_files import cells_sheet, deflate_bomb, write_xlsx_parts
from tests.probe.served import Served


def _browser() -> requests.Session:
    return requests.Session()


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]


def _sign_in(server: Served, username: str, password: str = PASSWORD) -> requests.Session:
    browser = _browser()
    page = browser.get(server.url("/login")).text
    browser.post(server.url("/login"), data={"username": username, "password": password,
                                             "csrf_token": _token(page)})
    return browser


def _signed_in(browser: requests.Session, server: Served) -> bool:
    response = browser.get(server.url("/admin/"), allow_redirects=False)
    return response.status_code == 200


def test_a_replayed_cookie_after_logout_is_refused(server: Served) -> None:
    browser = _sign_in(server, "leader")
    copied = browser.cookies.get("session")
    assert _signed_in(browser, server)
    page = browser.get(server.url("/admin/")).text
    browser.post(server.url("/logout"), data={"csrf_token": _token(page)})
    thief = _browser()
    thief.cookies.set("session", copied)
    assert not _signed_in(thief, server)


def test_deactivation_from_the_user_screen_ends_the_open_session(server: Served) -> None:
    victim = _sign_in(server, "victim")
    assert _signed_in(victim, server)
    admin = _sign_in(server, "sysadmin")
    with server.app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.username == "victim"))
    url = server.url(f"/admin/user/edit/?id={user_id}")
    data = form_data(admin.get(url).text)
    data.pop("active")
    assert admin.post(url, data=data, allow_redirects=False).status_code == 302
    assert not _signed_in(victim, server)


def test_twelve_wrong_passwords_then_the_right_one_is_refused(server: Served) -> None:
    for _ in range(12):
        _sign_in(server, "locked", "Not-the-password-1")
    browser = _browser()
    page = browser.get(server.url("/login")).text
    answer = browser.post(server.url("/login"), data={
        "username": "locked", "password": PASSWORD, "csrf_token": _token(page)})
    assert "账号已被锁定" in answer.text
    assert not _signed_in(browser, server)


def test_signed_in_pages_carry_the_security_headers(server: Served) -> None:
    browser = _sign_in(server, "operator")
    for path in ("/admin/", "/admin/opinion/", "/account/password"):
        headers = browser.get(server.url(path)).headers
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in \
            policy.split("script-src")[1].split(";")[0]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "no-store" in headers["Cache-Control"]


@pytest.mark.parametrize("bomb", ["a1_and_xfd", "deflate_bomb"])
def test_bomb_workbooks_are_refused_quickly_and_the_workers_stay_up(server: Served, tmp_path,
                                                                    bomb) -> None:
    if bomb == "a1_and_xfd":
        path = write_xlsx_parts(tmp_path / "清单.xlsx",
                                {"Sheet1": cells_sheet([("A1", 1), ("XFD1048576", 2)])})
    else:  # 2 MB that inflate to 1 GiB
        path = deflate_bomb(tmp_path / "清单.xlsx")
    browser = _sign_in(server, "operator")
    page = browser.get(server.url("/admin/imports/")).text
    workers = server.workers()
    started = time.monotonic()
    response = browser.post(server.url("/admin/imports/upload"), data={
        "csrf_token": _token(page), "kind": "auto", "session": "__new__",
        "new_session_name": "区六届人大二次会议", "new_session_year": "2018",
    }, files={"files": (path.name, path.read_bytes())})
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and "无法导入" in response.text
    assert elapsed < 10
    for _ in range(4):
        assert browser.get(server.url("/admin/")).status_code == 200
    assert server.workers() == workers  # the same two processes: none died


@pytest.mark.parametrize("path", [
    "/admin/opinion/?page=99999999999999999999",
    "/admin/opinion/?flt0_3=abc",
    "/admin/opinion/?sort=999&page_size=-5",
    "/admin/opinion/details/?id=1%27%20OR%201=1",
    "/admin/?as_of=2017-02-30&session=abc",
])
def test_nonsense_parameters_get_a_4xx_or_a_page(server: Served, path: str) -> None:
    browser = _sign_in(server, "operator")
    assert browser.get(server.url(path)).status_code < 500


def test_a_stale_co_handling_form_cannot_undo_a_newer_save(server: Served) -> None:
    with server.app.app_context():
        co = db.session.scalar(sa.select(CoHandling).join(Unit).where(
            Unit.name == "七宝镇", CoHandling.opinion_id == co_handled_by("七宝镇").id))
        co_id = co.id
    url = server.url(f"/admin/co_handling/edit/?id={co_id}")
    office = _sign_in(server, "operator")
    stale = form_data(office.get(url).text)
    unit = _sign_in(server, "qibao")
    fresh = form_data(unit.get(url).text)
    assert unit.post(url, data={**fresh, "submitted_on": "2017-04-01"},
                     allow_redirects=False).status_code == 302
    refused = office.post(url, data={**stale, "submitted_on": "2017-05-01"})
    assert "已被他人修改" in refused.text
    with server.app.app_context():
        assert str(db.session.get(CoHandling, co_id).submitted_on) == "2017-04-01"


@pytest.fixture
def server(served: Served) -> Served:
    return served
