"""Wrong passwords sent at the same moment (two workers, two threads) are each counted:
guessing in parallel buys no more tries than guessing one after another."""

import contextlib
import threading

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import SignInThrottle
from tests.backoffice.security.events import posted_together
from tests.conftest import csrf_token

WRONG = "Wrong-password-123"


def _failures(scope: str) -> int:
    return db.session.scalar(sa.select(SignInThrottle.failures)
                             .where(SignInThrottle.scope == scope))


def _at_once(app, count: int, username: str) -> list:
    """Send count wrong passwords for username together: each request has read the
    counts before any of them writes (as parallel workers can), unless the database
    makes them wait for each other."""
    clients = [app.test_client() for _ in range(count)]
    tokens = [csrf_token(client, "/login") for client in clients]
    barrier = threading.Barrier(count, timeout=3)

    def together(statement: str) -> None:
        if "SIGN_IN_THROTTLES" in statement.upper() and \
                statement.lstrip().upper().startswith(("UPDATE", "INSERT")):
            # A broken barrier: the others are held by a row lock and come after.
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()

    return posted_together(app, [
        lambda client=client, token=token: client.post("/login", data={
            "username": username, "password": WRONG, "csrf_token": token})
        for client, token in zip(clients, tokens, strict=True)], together)


@pytest.mark.parametrize("first", [True, False], ids=["first failures", "later failures"])
def test_wrong_passwords_sent_together_are_each_counted(app, client, first) -> None:
    if not first:
        client.post("/login", data={"username": "leader", "password": WRONG,
                                    "csrf_token": csrf_token(client, "/login")})
    answers = _at_once(app, 2, "leader")
    assert [answer.status_code for answer in answers] == [200, 200]
    with app.app_context():
        assert _failures("账号") == _failures("地址") == (2 if first else 3)
