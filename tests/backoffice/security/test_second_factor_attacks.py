"""An attacker who has the password still cannot guess the second factor: wrong codes
lock the account however the guesses are spread over sign-ins, one code (or recovery
code) opens one session even when sent twice at the same moment, and a deleted account's
second factor opens no other account."""

import re
import threading
import time

import pyotp
import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import RecoveryCode, User
from backoffice.security import second_factor
from tests.backoffice.html_forms import form_data
from tests.backoffice.security.events import events, open_sessions, posted_together
from tests.backoffice.security.second_factor_steps import CHECK, ENROL, enrol, send_code
from tests.conftest import csrf_token, sign_in


def test_a_right_password_between_wrong_codes_does_not_reset_the_count(required) -> None:
    owner = required.test_client()
    sign_in(owner, "operator")
    enrol(owner)
    guesser = required.test_client()
    wrong_codes = 0
    for _round in range(3):  # up to 3 × 4 wrong codes, the password given again in between
        if not (sign_in(guesser, "operator").location or "").endswith(CHECK):
            break  # refused at the password step: locked
        for _ in range(4):
            wrong_codes += 1
            if send_code(guesser, CHECK, "000000").status_code == 302:  # locked: back to sign-in
                break
    # The fifth wrong code locks the account, as five wrong passwords do.
    assert wrong_codes == 5
    assert "账号已被锁定" in sign_in(required.test_client(), "operator").get_data(as_text=True)
    with required.app_context():
        assert events("锁定", "operator")


def test_an_account_locked_meanwhile_cannot_finish_enrolling(required) -> None:
    """A browser that passed the password before the lock cannot enrol a second factor."""
    first = required.test_client()
    assert sign_in(first, "operator").location.endswith(CHECK)
    page = first.get(ENROL).get_data(as_text=True)
    secret = re.search(r'class="enrol-secret">([A-Z2-7]+)<', page)[1]
    guesser = required.test_client()
    for _ in range(5):
        sign_in(guesser, "operator", "wrong-password")
    answer = send_code(first, ENROL, pyotp.TOTP(secret).now())
    assert answer.status_code == 302 and answer.location.endswith("/login")
    assert "账号已被锁定" in first.get("/login").get_data(as_text=True)
    with required.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "operator"))
        assert second_factor.enrolled(db.session, user) is None
        assert not open_sessions("operator")


def _at_once(app, clients, url: str, code: str, table: str) -> list:
    """Send code from every client at the same moment: each request reads the code as
    unused before any of them marks it used (as two workers can)."""
    tokens = [csrf_token(client, url) for client in clients]
    barrier = threading.Barrier(len(clients), timeout=10)

    def wait_for_the_others(statement: str) -> None:
        if statement.lstrip().upper().startswith(f"UPDATE {table.upper()}"):
            barrier.wait()

    return posted_together(app, [
        lambda client=client, token=token: client.post(url, data={"code": code,
                                                                  "csrf_token": token})
        for client, token in zip(clients, tokens, strict=True)], wait_for_the_others)


@pytest.mark.parametrize("kind", ["recovery code", "app code"])
def test_one_code_sent_twice_at_once_opens_one_session(required, kind) -> None:
    owner = required.test_client()
    sign_in(owner, "auditor")
    secret, recovery = enrol(owner)
    clients = [required.test_client(), required.test_client()]
    for client in clients:
        assert sign_in(client, "auditor").location.endswith(CHECK)
    with required.app_context():
        before = len(open_sessions("auditor"))
    if kind == "recovery code":
        code, table = recovery[0], "recovery_codes"
    else:
        # The next time step's code: enrolment used the current one.
        code, table = pyotp.TOTP(secret).at(time.time() + 30), "second_factors"
    answers = _at_once(required, clients, CHECK, code, table)
    signed_in = [a for a in answers if a is not None and a.status_code == 302
                 and a.location.endswith("/admin/")]
    assert len(signed_in) == 1, [a.status_code if a else None for a in answers]
    with required.app_context():
        assert len(open_sessions("auditor")) == before + 1


def _new_account(admin, username: str, password: str) -> None:
    data = {**form_data(admin.get("/admin/user/new/").get_data(as_text=True)),
            "username": username, "role": "auditor", "unit": "__None", "active": "y",
            "new_password": password}
    assert admin.post("/admin/user/new/", data=data).status_code == 302


def test_a_deleted_accounts_second_factor_does_not_pass_to_the_next_account(required) -> None:
    admin = required.test_client()
    sign_in(admin, "sysadmin")
    enrol(admin)
    _new_account(admin, "leaving", "Sturdy-Kite-Pass-9931")
    with required.app_context():
        leaving = db.session.scalar(sa.select(User).where(User.username == "leaving"))
        leaving.must_change_password, leaving_id = False, leaving.id
        db.session.commit()
    departing = required.test_client()
    sign_in(departing, "leaving", "Sturdy-Kite-Pass-9931")
    enrol(departing)
    admin.post("/admin/user/delete/", data={"id": str(leaving_id),
                                           "csrf_token": csrf_token(admin, "/admin/user/")})
    # SQLite gives the next account the largest id again: the one just deleted.
    _new_account(admin, "arriving", "Sturdy-Bird-Pass-9931")
    with required.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)
                                 .where(RecoveryCode.user_id == leaving_id)) == 0
        arriving = db.session.scalar(sa.select(User).where(User.username == "arriving"))
        arriving.must_change_password = False
        db.session.commit()
    newcomer = required.test_client()
    sign_in(newcomer, "arriving", "Sturdy-Bird-Pass-9931")
    # Asked to enrol a phone of their own, not for the code of the one who left.
    assert newcomer.get(CHECK).location.endswith(ENROL)
