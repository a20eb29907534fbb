"""How long a failed sign-in takes, by what failed: a wrong password of an existing account,
an unknown name, a locked account. The three should take about as long (one password hash
check each), so that timing tells nobody which names exist.

Runs the app on a SQLite file (or BENCH_DATABASE_URL) with two accounts; prints the median
and spread of each kind over --tries attempts, measured around the whole request.
"""

import argparse
import os
import statistics
import tempfile
import time

from flask_migrate import upgrade

from backoffice import create_app
from backoffice.extensions import db
from backoffice.models import Role, User

PASSWORD = "Bench-password-2017"


def _attempt(app, username: str, password: str) -> float:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    started = time.perf_counter()
    client.post("/login", data={"username": username, "password": password,
                                "csrf_token": token})
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tries", type=int, default=20)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or \
        f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "REQUIRE_2FA_FOR_ADMINS": False,
                      # Locks by address would stop the run: only the account locks.
                      "LOGIN_ADDRESS_MAX_FAILURES": 10**6})
    with app.app_context():
        upgrade()
        for name in ("existing", "locked"):
            user = User(username=name, role=Role.LEADER.value)
            user.set_password(PASSWORD, chosen_by_user=True)
            db.session.add(user)
        db.session.commit()
    for _ in range(5):
        _attempt(app, "locked", "Wrong-password-1")
    kinds = {
        "existing account, wrong password": lambda: _attempt(app, "existing",
                                                             "Wrong-password-1"),
        "unknown name": lambda: _attempt(app, "nobody-here", "Wrong-password-1"),
        "locked account, right password": lambda: _attempt(app, "locked", PASSWORD),
    }
    backend = url.split(":")[0].split("+")[0]
    print(f"failed sign-ins on {backend}, {args.tries} tries each (ms: median, min–max)")
    for label, attempt in kinds.items():
        times = []
        for _ in range(args.tries):
            times.append(attempt() * 1000)
            if label.startswith("existing"):
                with app.app_context():  # keep the account below its lock
                    db.session.execute(db.text("DELETE FROM sign_in_throttles"))
                    db.session.commit()
        print(f"{label:36} {statistics.median(times):7.0f}   {min(times):.0f}–{max(times):.0f}")


if __name__ == "__main__":
    main()
