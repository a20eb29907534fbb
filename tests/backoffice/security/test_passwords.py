"""The password policy, and passwords chosen by someone else changed at first sign-in."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import User
from backoffice.models.base import utcnow
from backoffice.security import passwords
from tests.backoffice.security.events import events, open_sessions
from tests.conftest import PASSWORD, QUICK_HASH, csrf_token, sign_in

# What a password costs to check: scrypt at N=2^15 (Werkzeug's default), which the app uses.
PRODUCTION_HASH = "scrypt:32768:8:1"
# The policy reads the app's settings and the list of common passwords, no table.
POLICY_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.mark.parametrize(("password", "problem"), [
    ("Short-1a", "至少12位"),
    ("alllowercaseletters", "至少三种"),
    ("ALLUPPER-AND-SYMBOLS", "至少三种"),
    ("Password123!", "常见密码"),
    ("P@ssw0rd2024!", "常见密码"),
    ("Qwerty123456!", "常见密码"),
    ("1qaz2wsx3edc!Q", "常见密码"),
    ("Pujiang-liaison-7", "用户名"),
])
@POLICY_ONLY
def test_the_policy_names_what_is_wrong(app, password, problem) -> None:
    with app.app_context():
        found = "；".join(passwords.problems(password, "pujiang"))
    assert problem in found


@POLICY_ONLY
def test_good_passwords_pass(app) -> None:
    with app.app_context():
        for password in ("Correct-horse-battery-7", "民行书面意见-2017a", "Tq8#vLm2!pZr"):
            assert passwords.problems(password, "leader") == [], password


def _signed_in_with_must_change(app):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "leader"))
        user.set_password("Given-by-sysadmin-1")  # someone else's choice
        db.session.commit()
    client = app.test_client()
    response = sign_in(client, "leader", "Given-by-sysadmin-1")
    assert response.location.endswith("/account/password")
    return client


def test_a_password_set_by_someone_else_must_be_changed_first(app) -> None:
    client = _signed_in_with_must_change(app)
    for url in ("/admin/", "/admin/opinion/", "/admin/annual_report/"):
        response = client.get(url)
        assert response.status_code == 302 and response.location.endswith("/account/password")
    page = client.get("/account/password").get_data(as_text=True)
    assert "请先设置一个只有您知道的新密码" in page


def _change(client, current: str, new: str, confirm: str | None = None):
    return client.post("/account/password", data={
        "current": current, "new": new, "confirm": confirm or new,
        "csrf_token": csrf_token(client, "/account/password")})


def test_changing_the_password_checks_it_then_starts_a_new_session(app) -> None:
    client = _signed_in_with_must_change(app)
    assert "当前密码不正确" in _change(client, "nope", "Another-good-one-8").get_data(as_text=True)
    weak = _change(client, "Given-by-sysadmin-1", "password123").get_data(as_text=True)
    assert "至少12位" in weak and "常见密码" in weak
    same = _change(client, "Given-by-sysadmin-1", "Given-by-sysadmin-1").get_data(as_text=True)
    assert "不能与当前密码相同" in same
    mismatch = _change(client, "Given-by-sysadmin-1", "Another-good-one-8", "Another-good-1")
    assert "两次输入的新密码不一致" in mismatch.get_data(as_text=True)
    old_cookie = client.get_cookie("session").value

    response = _change(client, "Given-by-sysadmin-1", "Another-good-one-8")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    thief = app.test_client()
    thief.set_cookie("session", old_cookie)
    assert thief.get("/admin/").status_code == 302
    with app.app_context():
        assert len(open_sessions("leader")) == 1
        assert len(events("修改密码", "leader")) == 4  # three refusals, one change
        user = db.session.scalar(sa.select(User).where(User.username == "leader"))
        assert not user.must_change_password and user.check_password("Another-good-one-8")
        # The fixtures' accounts are hashed cheaply (QUICK_HASH); the app's own are not.
        assert user.password_hash.partition("$")[0] == PRODUCTION_HASH != QUICK_HASH


def test_a_password_older_than_the_maximum_age_must_be_changed(app) -> None:
    app.config["PASSWORD_MAX_AGE_DAYS"] = 90
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "leader"))
        user.password_changed_at = utcnow() - timedelta(days=91)
        db.session.commit()
    client = app.test_client()
    assert sign_in(client, "leader").location.endswith("/account/password")


def test_the_cli_refuses_a_weak_password(app) -> None:
    result = app.test_cli_runner().invoke(
        args=["create-user", "newbie", "--role", "leader"], input="password\n")
    assert result.exit_code == 2 and "密码不符合要求" in result.output
    ok = app.test_cli_runner().invoke(
        args=["create-user", "newbie", "--role", "leader"], input=f"{PASSWORD}\n")
    assert ok.exit_code == 0, ok.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "newbie"))
        assert user.must_change_password
        (created,) = events("新增用户")[-1:]
        assert created.object == "用户 newbie" and created.username == "cli"
