"""How fast deadlines, the dashboard, the annual report and reminders are at 100,000 opinions.

Fills a database like bench_opinion_list.py, plus what follows the replies: a grade for
80% of the answered and a 不同意 for 2%; one to three progress reports, a month or two
apart, for 70% of the B and C replies; 60% of the A and D replies concluded a month later.
Prints the server time of the dashboard and the work-list filters (median and best of 7
requests, and this process's CPU time: all of the work on SQLite, the Python side on
PostgreSQL), the load average (the figures are only as steady as the machine is quiet),
and the time of the computations behind reminders and the report. PostgreSQL:
BENCH_DATABASE_URL names a database that it empties (its public schema dropped) and fills.

    .venv/bin/python bench/bench_follow_up.py [--opinions 100000]
"""

import argparse
import importlib.util
import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from backoffice import create_app
from backoffice.deadlines import load_deadlines
from backoffice.extensions import db
from backoffice.models import CongressSession, Evaluation, Opinion, ProgressReport
from backoffice.reminders import plan_reminders
from backoffice.reporting.annual_loading import session_report
from backoffice.spans import recount_all
from scoring.lateness import OVERDUE_NOW

_spec = importlib.util.spec_from_file_location(
    "bench_opinion_list", Path(__file__).with_name("bench_opinion_list.py")
)
list_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(list_bench)


def add_follow_up() -> None:
    """Add what follows the replies: evaluations, progress reports and conclusions."""
    rng = random.Random(11)
    answered = db.session.execute(
        sa.select(Opinion.id, Opinion.replied_on, Opinion.answer_type)
        .where(Opinion.replied_on.is_not(None))
    ).all()
    rows, reports, concluded = [], [], []
    for opinion_id, replied_on, answer_type in answered:
        if answer_type in ("B", "C") and rng.random() < 0.7:
            reported_on = replied_on
            for _ in range(rng.randint(1, 3)):
                reported_on += timedelta(days=rng.randint(30, 60))
                reports.append({"opinion_id": opinion_id, "reported_on": reported_on,
                                "text": "已完成阶段工作，已与代表沟通"})
        elif answer_type in ("A", "D") and rng.random() < 0.6:
            concluded.append({"id": opinion_id, "version": 1,  # as filled
                              "concluded_on": replied_on + timedelta(days=30)})
        if rng.random() < 0.02:
            rows.append({"opinion_id": opinion_id, "agrees": False, "grade": None,
                         "evaluated_on": replied_on + timedelta(days=10), "praised": False,
                         "consents_to_publish": False, "note": ""})
        if rng.random() < 0.8:
            rows.append({"opinion_id": opinion_id, "agrees": True,
                         "grade": rng.choice(["好", "好", "较好", "一般", "较差"]),
                         "evaluated_on": replied_on + timedelta(days=20),
                         "praised": rng.random() < 0.2, "consents_to_publish": False,
                         "note": ""})
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Evaluation), rows[start : start + 5000])
    for start in range(0, len(reports), 5000):
        db.session.execute(sa.insert(ProgressReport), reports[start : start + 5000])
    db.session.execute(sa.update(Opinion), concluded)  # by primary key, in bulk
    db.session.commit()


def timed(work, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--opinions", type=int, default=100_000)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "REQUIRE_2FA_FOR_ADMINS": False})
    with app.app_context():
        if url.startswith("postgresql"):
            # From nothing: downgrading a database an earlier run filled fails (0005's roles).
            db.session.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        started = time.perf_counter()
        list_bench.fill(args.opinions)
        add_follow_up()
        print(f"filled {args.opinions:,} opinions in {time.perf_counter() - started:.1f} s")
        # Filled around the write path, so counted afresh as `backoffice recount` does.
        started = time.perf_counter()
        recount_all(db.session)
        db.session.commit()
        print(f"counted them (backoffice recount) in {time.perf_counter() - started:.1f} s")
        if url.startswith("postgresql"):
            db.session.execute(sa.text("ANALYZE"))  # as autovacuum would, soon after
            db.session.commit()
    backend = sa.make_url(url).get_backend_name()
    day = "2017-05-25"
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "opinion")
    with app.test_request_context():
        overdue_url = view.filtered_list_url(**{OVERDUE_NOW.label: day})
        progress_url = view.filtered_list_url(**{"进展反馈到期": day})
    print(f"\nfollow-up on {backend}, {args.opinions:,} opinions, as of {day}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'question (ms; median, best of 7)':40} {'median':>8} {'best':>8} {'cpu':>8} "
          f"{'queries':>8}")
    for label, path in (
        ("dashboard (10 figures, 5 charts)", f"/admin/?as_of={day}"),
        ("list: overdue now (as of)", overdue_url),
        ("list: progress reports due", progress_url),
        ("annual report page", f"/admin/annual_report/?as_of={day}"),
    ):
        t = list_bench.measure(app, label, path, repeat=7)
        print(f"{t.label:40} {t.seconds * 1000:8.0f} {t.best * 1000:8.0f} {t.cpu * 1000:8.0f} "
              f"{t.queries:8d}")
    with app.app_context():
        session = db.session.scalars(sa.select(CongressSession)).one()
        as_of = date.fromisoformat(day)
        for label, work in (
            ("load_deadlines (every opinion)", lambda: load_deadlines(db.session, as_of)),
            ("plan_reminders", lambda: plan_reminders(db.session, as_of, session)),
            ("annual report (load + compute)", lambda: session_report(db.session, session,
                                                                      date(2017, 12, 15))),
        ):
            print(f"{label:40} {timed(work) * 1000:8.0f}")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
