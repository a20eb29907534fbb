"""A signed-in user cannot tie up a worker with the password policy: a password far longer
than any person types is refused at once, and the common-password check takes time in
proportion to the password, not to its square or cube."""

import time

import pytest

from backoffice.security import passwords
from tests.conftest import PASSWORD, csrf_token, sign_in

# About half a minute of work per request for the checks before this was bounded.
LONG = "Aa1!" + "x" * 6000
# The checks' cost is the policy's, not the database's.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_a_very_long_new_password_is_refused_at_once(app) -> None:
    client = app.test_client()
    sign_in(client, "leader")
    token = csrf_token(client, "/account/password")
    started = time.perf_counter()
    response = client.post("/account/password", data={
        "current": PASSWORD, "new": LONG, "confirm": LONG, "csrf_token": token})
    assert time.perf_counter() - started < 3
    assert "密码不能超过128位" in response.get_data(as_text=True)
    assert sign_in(app.test_client(), "leader").status_code == 302  # the old one still works


def test_the_common_password_check_is_linear(app) -> None:
    with app.app_context():
        started = time.perf_counter()
        assert not passwords.is_common(LONG)
        assert passwords.is_common("Zz9!" + "x" * 3000 + "password123" + "x" * 3000)
    assert time.perf_counter() - started < 1
