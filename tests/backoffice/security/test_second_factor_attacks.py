"""An attacker who has the password still cannot guess the second factor: wrong codes
lock the account however the guesses are spread over sign-ins."""

import re

import pyotp
import pytest

from tests.backoffice.security.events import events
from tests.conftest import csrf_token, sign_in

CHECK = "/login/second-factor"
ENROL = "/login/second-factor/enrol"


@pytest.fixture
def required(app):
    app.config["REQUIRE_2FA_FOR_ADMINS"] = True
    return app


def _code(client, url: str, code: str):
    return client.post(url, data={"code": code, "csrf_token": csrf_token(client, url)})


def _enrol(client) -> tuple[str, list[str]]:
    page = client.get(ENROL).get_data(as_text=True)
    secret = re.search(r'class="enrol-secret">([A-Z2-7]+)<', page)[1]
    response = _code(client, ENROL, pyotp.TOTP(secret).now())
    codes = re.findall(r"<li>([0-9a-f]{4}(?:-[0-9a-f]{4}){4})</li>",
                       response.get_data(as_text=True))
    return secret, codes


def test_a_right_password_between_wrong_codes_does_not_reset_the_count(required) -> None:
    owner = required.test_client()
    sign_in(owner, "operator")
    _enrol(owner)
    guesser = required.test_client()
    wrong_codes = 0
    for _round in range(3):  # up to 3 × 4 wrong codes, the password given again in between
        if not (sign_in(guesser, "operator").location or "").endswith(CHECK):
            break  # refused at the password step: locked
        for _ in range(4):
            wrong_codes += 1
            if _code(guesser, CHECK, "000000").status_code == 302:  # locked: back to sign-in
                break
    # The fifth wrong code locks the account, as five wrong passwords do.
    assert wrong_codes == 5
    assert "账号已被锁定" in sign_in(required.test_client(), "operator").get_data(as_text=True)
    with required.app_context():
        assert events("锁定", "operator")

