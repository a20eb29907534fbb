"""Administrators sign in with a TOTP app code (or a one-time recovery code) when
REQUIRE_2FA_FOR_ADMINS is on; a code is accepted once."""

import time

import pyotp
import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import RecoveryCode, SecondFactor, User
from tests.backoffice.security.events import events, open_sessions
from tests.backoffice.security.second_factor_steps import CHECK, ENROL, enrol, send_code
from tests.conftest import csrf_token, sign_in


def _next_code(secret: str) -> str:
    # The code of the next time step: the current one was just used, and is not again.
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_an_operator_enrols_at_first_sign_in_then_needs_a_code(required) -> None:
    client = required.test_client()
    response = sign_in(client, "operator")
    assert response.location.endswith(CHECK)
    assert client.get("/admin/").status_code == 302  # not signed in yet
    assert client.get(CHECK).location.endswith(ENROL)
    secret, codes = enrol(client)
    assert len(codes) == 10
    assert client.get("/admin/").status_code == 200
    with required.app_context():
        assert events("启用双因素认证", "operator")
        stored = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
        assert len(stored) == 10 and not set(codes) & set(stored)  # hashes only

    again = required.test_client()
    assert sign_in(again, "operator").location.endswith(CHECK)
    assert send_code(again, CHECK, _next_code(secret)).status_code == 302
    assert again.get("/admin/").status_code == 200


def test_a_code_is_accepted_once(required) -> None:
    client = required.test_client()
    sign_in(client, "sysadmin")
    secret, _codes = enrol(client)
    code = _next_code(secret)
    first = required.test_client()
    sign_in(first, "sysadmin")
    assert send_code(first, CHECK, code).status_code == 302
    second = required.test_client()
    sign_in(second, "sysadmin")
    refused = send_code(second, CHECK, code)
    assert "验证码不正确" in refused.get_data(as_text=True)
    with required.app_context():
        assert len(open_sessions("sysadmin")) == 2
        assert events("双因素认证失败", "sysadmin")


def test_a_recovery_code_stands_in_once(required) -> None:
    client = required.test_client()
    sign_in(client, "auditor")
    _secret, codes = enrol(client)
    for expected in (302, 200):
        other = required.test_client()
        sign_in(other, "auditor")
        assert send_code(other, CHECK, codes[0].upper()).status_code == expected
    with required.app_context():
        (used,) = events("使用恢复码", "auditor")
        assert used.detail == "剩余 9 个恢复码"


def test_wrong_codes_count_towards_the_lock(required) -> None:
    client = required.test_client()
    sign_in(client, "operator")
    enrol(client)
    guesser = required.test_client()
    sign_in(guesser, "operator")
    for _ in range(4):
        assert "验证码不正确" in send_code(guesser, CHECK, "000000").get_data(as_text=True)
    locked = send_code(guesser, CHECK, "000000")
    assert locked.location.endswith("/login")
    assert "账号已被锁定" in sign_in(required.test_client(), "operator").get_data(as_text=True)


def test_units_and_leaders_need_no_second_factor(required) -> None:
    for username in ("pujiang", "leader"):
        assert sign_in(required.test_client(), username).location.endswith("/admin/")


def test_the_password_step_expires(required) -> None:
    client = required.test_client()
    sign_in(client, "operator")
    with client.session_transaction() as session:
        session["pending"] = {**session["pending"], "since": time.time() - 3600}
    response = client.get(ENROL)
    assert response.location.endswith("/login")


@pytest.mark.parametrize("way", ["cli", "screen"])
def test_a_lost_phone_is_reset_by_the_cli_or_the_system_administrator(required, way) -> None:
    client = required.test_client()
    sign_in(client, "operator")
    enrol(client)
    if way == "cli":
        result = required.test_cli_runner().invoke(args=["reset-2fa", "operator"])
        assert result.exit_code == 0, result.output
    else:
        admin = required.test_client()
        sign_in(admin, "sysadmin")
        enrol(admin)
        with required.app_context():
            operator_id = db.session.scalar(sa.select(User.id)
                                            .where(User.username == "operator"))
        admin.post("/admin/user/action/", data={
            "action": "reset_second_factor", "rowid": str(operator_id),
            "csrf_token": csrf_token(admin, "/admin/user/")})
    assert client.get("/admin/").status_code == 302  # its sessions ended
    with required.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SecondFactor)
                                 .join(User).where(User.username == "operator")) == 0
        assert events("重置双因素认证")
    again = required.test_client()
    sign_in(again, "operator")
    assert again.get(CHECK).location.endswith(ENROL)
