"""Sign-in resists guessing: accounts and addresses lock after repeated failures, and the
answers (words and work) are the same whether the account exists or not."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import SignInThrottle, User
from backoffice.models.base import utcnow
from backoffice.security import passwords
from tests.backoffice.security.events import events
from tests.conftest import PASSWORD, csrf_token, sign_in

LOCKED = re.compile(r"账号已被锁定，请于 (\d{2}:\d{2}) 后再试")


def _message(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_twelve_wrong_passwords_then_the_right_one_is_refused(app, client) -> None:
    for _ in range(12):
        response = sign_in(client, "leader", "Wrong-password-123")
        assert response.status_code == 200
    response = sign_in(client, "leader")
    assert response.status_code == 200 and LOCKED.search(_message(response))
    assert client.get("/admin/").status_code == 302  # still signed out
    with app.app_context():
        (lock, *_rest) = events("锁定", "leader")
        assert lock.object == "账号 leader" and lock.detail.startswith("锁定至 ")
        assert len(events("登录失败", "leader")) == 13
        assert events("登录", "leader") == []


def test_the_lock_ends_after_its_minutes(app, client) -> None:
    for _ in range(5):
        sign_in(client, "leader", "Wrong-password-123")
    assert LOCKED.search(_message(sign_in(client, "leader")))
    with app.app_context():
        db.session.execute(sa.update(SignInThrottle).values(
            locked_until=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert sign_in(client, "leader").status_code == 302


def test_an_unknown_name_gets_the_same_answers_and_locks_the_same(client) -> None:
    known = [_message(sign_in(client, "leader", "Wrong-password-123")) for _ in range(5)]
    unknown = [_message(sign_in(client, "nobody-here", "Wrong-password-123"))
               for _ in range(5)]
    strip = re.compile(r'value="[^"]*"|\d{2}:\d{2}|nobody-here|leader')
    assert [strip.sub("", page) for page in known] == [strip.sub("", page) for page in unknown]
    assert LOCKED.search(unknown[-1])


@pytest.mark.parametrize("username", ["leader", "nobody-here"])
def test_every_answer_costs_exactly_one_password_check(client, monkeypatch, username) -> None:
    checks = []
    real = passwords.check_password_hash
    monkeypatch.setattr(passwords, "check_password_hash",
                        lambda stored, given: checks.append(given) or real(stored, given))
    for _ in range(7):  # wrong, then locked
        sign_in(client, username, "Wrong-password-123")
    assert len(checks) == 7


def test_a_deactivated_account_with_its_password_gets_the_wrong_password_answer(app, client):
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.username == "leader")).active = False
        db.session.commit()
    page = _message(sign_in(client, "leader"))
    assert "用户名或密码错误" in page and "停用" not in page
    with app.app_context():
        assert [e.detail for e in events("登录失败", "leader")] == ["账号已停用"]


def test_an_address_is_throttled_across_names(app, client) -> None:
    app.config["LOGIN_ADDRESS_MAX_FAILURES"] = 6
    for number in range(6):
        sign_in(client, f"guess{number}", "Wrong-password-123")
    response = sign_in(client, "leader")  # a right password, from the locked address
    assert LOCKED.search(_message(response))
    with app.app_context():
        assert any(e.object == "地址 127.0.0.1" for e in events("锁定"))
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert sign_in(other, "leader").status_code == 302


def test_a_success_clears_the_accounts_count_but_not_the_addresses(app, client) -> None:
    for _ in range(4):
        sign_in(client, "leader", "Wrong-password-123")
    assert sign_in(client, "leader").status_code == 302
    with app.app_context():
        counts = dict(db.session.execute(
            sa.select(SignInThrottle.scope, SignInThrottle.failures)).all())
    assert counts == {"账号": 0, "地址": 4}


def test_the_system_administrator_and_the_cli_unlock(app, client) -> None:
    for _ in range(5):
        sign_in(client, "leader", "Wrong-password-123")
    admin = app.test_client()
    sign_in(admin, "sysadmin")
    with app.app_context():
        leader_id = db.session.scalar(sa.select(User.id).where(User.username == "leader"))
    response = admin.post("/admin/user/action/", data={
        "action": "unlock", "rowid": str(leader_id),
        "csrf_token": csrf_token(admin, "/admin/user/")})
    assert "已解除锁定：leader" in admin.get(response.location).get_data(as_text=True)
    assert sign_in(client, "leader").status_code == 302

    for _ in range(5):
        sign_in(app.test_client(), "pujiang", "Wrong-password-123")
    result = app.test_cli_runner().invoke(args=["unlock", "pujiang"])
    assert result.exit_code == 0 and "已解除 pujiang 的锁定" in result.output
    assert sign_in(app.test_client(), "pujiang", PASSWORD).status_code == 302
    with app.app_context():
        assert [e.object for e in events("解除锁定")] == ["账号 leader", "账号 pujiang"]
