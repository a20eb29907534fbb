"""Sessions end on the server: a copied cookie is worthless after logout, a timeout, or a
change to the account; there is no remember-me cookie; sign-in renews the CSRF token."""

import re

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import User, UserSession
from tests.backoffice.html_forms import form_data
from tests.backoffice.security.events import age_sessions, events, open_sessions
from tests.conftest import csrf_token, sign_in

HOME = "/admin/"


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str):
    """Return what a second browser holding a copy of cookie gets on the home page."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get(HOME)


def test_a_cookie_copied_before_logout_is_refused_after_it(app, client) -> None:
    sign_in(client, "leader")
    copied = _cookie(client)
    assert _replay(app, copied).status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, HOME)})
    response = _replay(app, copied)
    assert response.status_code == 302 and "/login" in response.location
    with app.app_context():
        assert open_sessions("leader") == []
        assert [e.detail for e in events("退出登录", "leader")] == [""]


def test_sign_in_sets_no_remember_cookie_and_renews_the_csrf_token(client) -> None:
    before = csrf_token(client, "/login")
    response = sign_in(client, "leader")
    assert "remember_token" not in response.headers.get("Set-Cookie", "")
    assert client.get_cookie("remember_token") is None
    after = csrf_token(client, HOME)
    assert after != before
    assert "记住我" not in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(("since", "reason"), [
    ({"minutes": 31}, "空闲超时"),
    ({"hours": 13}, "超过最长登录时间"),
])
def test_a_session_ends_when_idle_or_too_old(app, client, since, reason) -> None:
    sign_in(client, "leader")
    with app.app_context():
        age_sessions("leader", **since)
        if reason == "超过最长登录时间":  # active a minute ago, but signed in long before
            db.session.execute(sa.update(UserSession).values(last_seen_at=sa.func.now()))
            db.session.commit()
    response = client.get(HOME)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "您已自动退出" in page
    with app.app_context():
        assert open_sessions("leader") == []
        assert [e.detail for e in events("会话超时", "leader")] == [reason]


def test_the_timeouts_are_configurable(app, client) -> None:
    app.config["SESSION_IDLE_MINUTES"] = 120
    sign_in(client, "leader")
    with app.app_context():
        age_sessions("leader", minutes=90)
    assert client.get(HOME).status_code == 200


def _user_form(admin, user_id: int) -> dict:
    return form_data(admin.get(f"/admin/user/edit/?id={user_id}").get_data(as_text=True))


@pytest.mark.parametrize(("change", "reason"), [
    ({"active": None}, "账号已停用"),
    ({"role": "operator", "unit": ""}, "角色或单位已变更"),
    ({"new_password": "Reset-for-the-town-42"}, "密码已变更"),
])
def test_the_user_screen_saves_and_ends_the_users_sessions(app, change, reason) -> None:
    victim = app.test_client()
    sign_in(victim, "pujiang")
    copied = _cookie(victim)
    admin = app.test_client()
    sign_in(admin, "sysadmin")
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.username == "pujiang"))
    data = _user_form(admin, user_id)
    for key, value in change.items():
        if value is None:
            data.pop(key, None)  # an unticked box is not sent
        else:
            data[key] = value
    response = admin.post(f"/admin/user/edit/?id={user_id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert victim.get(HOME).status_code == 302
    assert _replay(app, copied).status_code == 302
    with app.app_context():
        ended = db.session.scalars(sa.select(UserSession.end_reason)
                                   .where(UserSession.user_id == user_id)).all()
        assert ended == [reason]
        assert events("修改用户" if "new_password" not in change else "重置密码", "sysadmin")


def test_saving_a_user_under_its_own_name_is_not_a_duplicate(app) -> None:
    admin = app.test_client()
    sign_in(admin, "sysadmin")
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.username == "leader"))
    data = {**_user_form(admin, user_id), "display_name": "分管副区长"}
    response = admin.post(f"/admin/user/edit/?id={user_id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user_id).display_name == "分管副区长"


def test_the_system_administrator_sees_and_ends_sessions(app) -> None:
    victim = app.test_client()
    sign_in(victim, "qibao")
    admin = app.test_client()
    sign_in(admin, "sysadmin")
    page = admin.get("/admin/user_session/").get_data(as_text=True)
    assert "qibao" in page and "127.0.0.1" in page
    with app.app_context():
        (session,) = open_sessions("qibao")
    token = csrf_token(admin, "/admin/user_session/")
    response = admin.post("/admin/user_session/action/",
                          data={"action": "end", "rowid": str(session.id), "csrf_token": token})
    assert response.status_code == 302
    assert "已结束 1 个登录会话" in admin.get(response.location).get_data(as_text=True)
    assert victim.get(HOME).status_code == 302
    with app.app_context():
        (entry,) = events("结束会话", "sysadmin")
        assert entry.object == "用户 qibao" and "管理员结束" in entry.detail


def test_only_the_system_administrator_opens_the_sessions_list(app) -> None:
    for username in ("operator", "auditor", "leader", "pujiang"):
        client = app.test_client()
        sign_in(client, username)
        assert client.get("/admin/user_session/").status_code == 403, username
    client = app.test_client()
    sign_in(client, "operator")
    token = csrf_token(client, HOME)
    with app.app_context():
        session_id = db.session.scalar(sa.select(UserSession.id).limit(1))
    response = client.post("/admin/user_session/action/",
                           data={"action": "end", "rowid": str(session_id), "csrf_token": token})
    assert response.status_code == 403


def test_the_session_list_shows_beijing_time(app) -> None:
    admin = app.test_client()
    sign_in(admin, "sysadmin")
    page = admin.get("/admin/user_session/").get_data(as_text=True)
    assert "登录时间（北京时间）" in page
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d{6}|\+00:00", page)
