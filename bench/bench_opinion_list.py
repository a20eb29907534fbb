"""How fast the opinions list is on a 100,000-opinion database.

Builds a database (SQLite in a temporary folder, or the PostgreSQL database named by
BENCH_DATABASE_URL, which it empties), fills it with 100,000 opinions, then asks the
list page the questions an office asks, and prints the server time and query count.

    .venv/bin/python bench/bench_opinion_list.py [--opinions 100000]
"""

import argparse
import os
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from backoffice import create_app
from backoffice.deadlines import WorkingCalendar, due_dates
from backoffice.extensions import db
from backoffice.models import (
    CoHandling,
    CongressSession,
    Deputy,
    Opinion,
    Role,
    Unit,
    User,
)
from importers.vocabulary import Category

PASSWORD = "Bench-password-2017"


def fill(count: int) -> None:
    rng = random.Random(7)
    session = CongressSession(name="区六届人大一次会议", year=2017)
    units = [Unit(name=f"单位{i:03d}", kind="委办局") for i in range(200)]
    deputies = [Deputy(name=f"代表{i:04d}", delegation=f"代表团{i % 14}") for i in range(2000)]
    admin = User(username="admin", role=Role.OPERATOR.value)
    admin.set_password(PASSWORD, chosen_by_user=True)
    db.session.add_all([session, *units, *deputies, admin])
    db.session.commit()
    assigned = date(2017, 2, 20)
    due = due_dates(assigned, session, WorkingCalendar())
    rows = []
    for n in range(1, count + 1):
        answered = rng.random() < 0.95
        rows.append(
            {
                "session_id": session.id,
                "number": f"{n:06d}",
                "title": f"关于加快推进第{n}号道路改造的建议",
                "content": "建议尽快制定实施方案，建议加大资金投入。" * 5,
                "category": rng.choice(list(Category)).value,
                "lead_deputy_id": rng.choice(deputies).id,
                "lead_unit_id": rng.choice(units).id,
                "assigned_on": assigned,
                "accepted_on": assigned + timedelta(days=rng.randint(1, 12)),
                "consulted_on": assigned + timedelta(days=rng.randint(5, 40)),
                "replied_on": assigned + timedelta(days=rng.randint(30, 100)) if answered else None,
                "answer_type": rng.choice("ABCD") if answered else None,
                "accept_due_on": due.accept,
                "consult_due_on": due.consult,
                "co_opinion_due_on": due.co_opinion,
                "reply_due_on": due.reply,
                "version": 1,
            }
        )
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Opinion), rows[start : start + 5000])
    ids = db.session.scalars(sa.select(Opinion.id)).all()
    co_rows = [
        {"opinion_id": i, "unit_id": rng.choice(units).id}
        for i in rng.sample(ids, len(ids) // 2)
    ]
    for start in range(0, len(co_rows), 5000):
        db.session.execute(sa.insert(CoHandling), co_rows[start : start + 5000])
    db.session.commit()


@dataclass(frozen=True)
class Timing:
    """Server times of one page over several requests, and its query count."""

    label: str
    seconds: float  # median
    queries: int
    best: float  # the fastest request: the least disturbed by a busy machine
    cpu: float  # median CPU seconds of this process (all of the work on SQLite)


def measure(app, label: str, url: str, repeat: int = 5) -> Timing:
    client = app.test_client()
    token_page = client.get("/login").get_data(as_text=True)
    token = token_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    with app.app_context():
        engine = db.engine
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    times, cpu = [], []
    for _ in range(repeat):
        statements.clear()
        sa.event.listen(engine, "before_cursor_execute", listener)
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        sa.event.remove(engine, "before_cursor_execute", listener)
        assert response.status_code == 200, (url, response.status_code)
    return Timing(label, statistics.median(times), len(statements), min(times),
                  statistics.median(cpu))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--opinions", type=int, default=100_000)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    folder = tempfile.mkdtemp()
    url = url or f"sqlite:///{folder}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "REQUIRE_2FA_FOR_ADMINS": False})
    with app.app_context():
        if url.startswith("postgresql"):
            downgrade(revision="base")
        upgrade()
        started = time.perf_counter()
        fill(args.opinions)
        print(f"filled {args.opinions:,} opinions in {time.perf_counter() - started:.1f} s")
        unit_id = db.session.scalar(sa.select(Unit.id).limit(1))
    backend = sa.make_url(url).get_backend_name()
    checks = [
        ("first page (default order)", "/admin/opinion/"),
        ("page 1000", "/admin/opinion/?page=1000"),
        ("sorted by reply date, desc", "/admin/opinion/?sort=8&desc=1"),
        ("filter: lead unit", f"/admin/opinion/?flt0_2={unit_id}"),
        ("filter: co-handler", f"/admin/opinion/?flt0_3={unit_id}"),
        ("filter: overdue now", "/admin/opinion/?flt0_8=now"),
        ("search: number", "/admin/opinion/?search=012345"),
        ("search: title words", "/admin/opinion/?search=道路改造"),
    ]
    print(f"\nopinions list on {backend}, {args.opinions:,} opinions (median of 5 requests)")
    print(f"{'question':32} {'server ms':>10} {'queries':>8}")
    for label, path in checks:
        timing = measure(app, label, path)
        print(f"{label:32} {timing.seconds * 1000:10.0f} {timing.queries:8d}")


if __name__ == "__main__":
    main()
