"""Account changes made on the user screen, as an attacker or a careless administrator
would try them: a unit moved by its select box ends the liaison's sessions and is
logged with both names; nobody changes their own role or stops their own account."""

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import Unit, User, UserSession
from tests.backoffice.html_forms import form_data
from tests.backoffice.security.events import events
from tests.conftest import sign_in

HOME = "/admin/"


def _ids(*where) -> int:
    return db.session.scalar(sa.select(User.id).where(*where))


def _unit_id(name: str) -> int:
    return db.session.scalar(sa.select(Unit.id).where(Unit.name == name))


def _signed_in(app, username: str):
    client = app.test_client()
    sign_in(client, username)
    return client


def test_moving_a_liaison_to_another_unit_ends_their_sessions_and_is_logged(app) -> None:
    liaison = _signed_in(app, "pujiang")
    admin = _signed_in(app, "sysadmin")
    with app.app_context():
        user_id, qibao = _ids(User.username == "pujiang"), _unit_id("七宝镇")
    url = f"/admin/user/edit/?id={user_id}"
    data = {**form_data(admin.get(url).get_data(as_text=True)), "unit": str(qibao)}
    assert admin.post(url, data=data).status_code == 302
    # Still signed in, the liaison would now work on another town's opinions.
    assert liaison.get(HOME).status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id).unit_id == qibao
        ended = db.session.scalars(sa.select(UserSession.end_reason)
                                   .where(UserSession.user_id == user_id)).all()
        assert ended == ["角色或单位已变更"]
        (change,) = events("修改用户", "sysadmin")
        assert change.object == "用户 pujiang" and "单位：浦江镇 → 七宝镇" in change.detail


def test_a_new_liaison_is_logged_with_their_unit(app) -> None:
    admin = _signed_in(app, "sysadmin")
    with app.app_context():
        qibao = _unit_id("七宝镇")
    data = {**form_data(admin.get("/admin/user/new/").get_data(as_text=True)),
            "username": "qibao2", "role": "unit", "unit": str(qibao), "active": "y",
            "new_password": "Sturdy-Town-Pass-9931"}
    assert admin.post("/admin/user/new/", data=data).status_code == 302
    with app.app_context():
        (created,) = [e for e in events("新增用户", "sysadmin") if e.object == "用户 qibao2"]
        assert created.detail == "角色：承办单位联络员；单位：七宝镇"


def test_the_system_administrator_cannot_give_themselves_another_duty_or_stop_themselves(
        app) -> None:
    admin = _signed_in(app, "sysadmin")
    with app.app_context():
        own_id = _ids(User.username == "sysadmin")
    url = f"/admin/user/edit/?id={own_id}"
    for duty in ("operator", "auditor"):
        data = {**form_data(admin.get(url).get_data(as_text=True)), "role": duty}
        refused = admin.post(url, data=data)
        assert refused.status_code == 200 and "不能修改自己的角色" in refused.get_data(
            as_text=True)
    data = form_data(admin.get(url).get_data(as_text=True))
    del data["active"]  # an unticked box is not sent
    assert "不能停用自己的账号" in admin.post(url, data=data).get_data(as_text=True)
    with app.app_context():
        own = db.session.get(User, own_id)
        assert own.role == "sysadmin" and own.active
    assert _signed_in(app, "sysadmin").get("/admin/opinion/").status_code == 403
