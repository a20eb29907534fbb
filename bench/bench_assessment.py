"""Time the year-end assessment from the database: 10,000 opinions of a year, 200 units.

Builds a database (SQLite in a temporary folder, or the PostgreSQL database named by
BENCH_DATABASE_URL, which it empties), fills one year with opinions, co-handlings,
contacts, evaluation histories, notices and liaison terms, then times building the facts
from the database (`year_facts`) and `assess()`, and counts the queries.

    .venv/bin/python bench/bench_assessment.py [--opinions 10000] [--units 200] [--runs 5]
"""

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

import scoring
from backoffice import create_app
from backoffice.assessment import ruleset_for_year, year_facts
from backoffice.deadlines import WorkingCalendar, due_dates
from backoffice.extensions import db
from backoffice.models import (
    CoHandling,
    CongressSession,
    Contact,
    Deputy,
    Evaluation,
    LiaisonTerm,
    Notice,
    Opinion,
    Unit,
)
from importers.vocabulary import Category

YEAR = 2017
AS_OF = date(YEAR, 12, 15)
ASSIGNED = date(YEAR, 2, 20)
GRADES = ("好", "较好", "一般", "较差", "差")
GRADE_WEIGHTS = (70, 20, 7, 2, 1)
STAGES = ("办前", "办中", "办后")
BATCH = 5000


def around(rng: random.Random, due: date, late_share: float) -> date:
    """Return a day before due, or after it for about `late_share` of the calls."""
    if rng.random() < late_share:
        return due + timedelta(days=rng.randint(1, 40))
    return due - timedelta(days=rng.randint(0, 10))


def insert(model: type, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(model), rows[start : start + BATCH])


def fill(opinions: int, units: int) -> None:
    """Fill one year with realistic shares of late, unanswered, returned and praised ones."""
    rng = random.Random(2017)
    session = CongressSession(name="区六届人大一次会议", year=YEAR)
    unit_rows = [Unit(name=f"单位{i:03d}", kind="委办局") for i in range(units)]
    deputies = [Deputy(name=f"代表{i:04d}", delegation=f"代表团{i % 14}") for i in range(500)]
    db.session.add_all([session, *unit_rows, *deputies])
    db.session.commit()
    due = due_dates(ASSIGNED, session, WorkingCalendar())
    unit_ids = [unit.id for unit in unit_rows]
    opinion_rows = []
    for n in range(1, opinions + 1):
        answered = rng.random() > 0.01
        answer_type = rng.choices("ABCD", weights=(43, 29, 14, 14))[0] if answered else None
        replied_on = around(rng, due.reply, 0.01) if answered else None
        concluded = answer_type in ("A", "D") or (answer_type is not None and rng.random() < 0.7)
        opinion_rows.append(
            {
                "session_id": session.id,
                "number": f"{n:05d}",
                "title": f"关于第{n}号道路改造的建议",
                "content": "",
                "category": rng.choice(list(Category)).value,
                "lead_deputy_id": rng.choice(deputies).id,
                "lead_unit_id": rng.choice(unit_ids),
                "assigned_on": ASSIGNED,
                "accepted_on": around(rng, due.accept, 0.005),
                "consulted_on": around(rng, due.consult, 0.01),
                "replied_on": replied_on,
                "answer_type": answer_type,
                "concluded_on": replied_on if concluded else None,
                "signed_off_on": (
                    replied_on - timedelta(days=2)
                    if answer_type == "D" and rng.random() < 0.9
                    else None
                ),
                "accept_due_on": due.accept,
                "consult_due_on": due.consult,
                "co_opinion_due_on": due.co_opinion,
                "reply_due_on": due.reply,
                "version": 1,
            }
        )
    insert(Opinion, opinion_rows)
    ids = db.session.execute(sa.select(Opinion.id, Opinion.lead_unit_id, Opinion.replied_on)).all()
    co_rows, contact_rows, evaluation_rows = [], [], []
    for opinion_id, lead_unit_id, replied_on in ids:
        others = [u for u in rng.sample(unit_ids, 3) if u != lead_unit_id]
        for unit_id in others[: rng.choices((0, 1, 2), weights=(45, 35, 20))[0]]:
            co_rows.append(
                {
                    "opinion_id": opinion_id,
                    "unit_id": unit_id,
                    "submitted_on": around(rng, due.co_opinion, 0.02),
                    "lead_grade": rng.choices(GRADES, GRADE_WEIGHTS)[0],
                    "deputy_grade": rng.choices(GRADES, GRADE_WEIGHTS)[0]
                    if rng.random() < 0.8
                    else None,
                }
            )
        for number, stage in enumerate(STAGES):
            if rng.random() < 0.93:
                contact_rows.append(
                    {
                        "opinion_id": opinion_id,
                        "stage": stage,
                        "method": "走访",
                        "contacted_on": ASSIGNED + timedelta(days=20 + 60 * number),
                        "note": "",
                    }
                )
        if replied_on is None or rng.random() > 0.97:
            continue
        if rng.random() < 0.03:
            evaluation_rows.append(
                {
                    "opinion_id": opinion_id,
                    "evaluated_on": replied_on + timedelta(days=10),
                    "agrees": False,
                    "praised": False,
                    "consents_to_publish": False,
                    "note": "",
                }
            )
        evaluation_rows.append(
            {
                "opinion_id": opinion_id,
                "evaluated_on": replied_on + timedelta(days=40),
                "agrees": True,
                "grade": rng.choices(GRADES, GRADE_WEIGHTS)[0],
                "praised": rng.random() < 0.15,
                "consents_to_publish": False,
                "note": "",
            }
        )
    insert(CoHandling, co_rows)
    insert(Contact, contact_rows)
    insert(Evaluation, evaluation_rows)
    notices = [
        {
            "issued_on": date(YEAR, rng.randint(3, 11), rng.randint(1, 28)),
            "kind": rng.choice(("通报批评", "情况专报")),
            "unit_id": rng.choice(unit_ids),
            "reason": "代表反馈不满意",
        }
        for _ in range(60)
    ]
    insert(Notice, notices)
    terms = []
    for unit_id in unit_ids:
        # Most units keep their liaison all year; some change once or twice in the year.
        changes = rng.choices((0, 1, 2), weights=(80, 15, 5))[0]
        starts = [
            date(2014, 7, 1),
            *sorted(date(YEAR, m, 1) for m in rng.sample(range(2, 12), changes)),
        ]
        ends = [start - timedelta(days=1) for start in starts[1:]] + [None]
        terms += [
            {"unit_id": unit_id, "person": f"联络员{n}", "started_on": start, "ended_on": end}
            for n, (start, end) in enumerate(zip(starts, ends, strict=True))
        ]
    insert(LiaisonTerm, terms)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # As autovacuum would soon: the planner needs to know the tables are not empty.
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    print(
        f"filled {len(ids):,} opinions, {len(co_rows):,} co-handlings, "
        f"{len(contact_rows):,} contacts, {len(evaluation_rows):,} evaluations, "
        f"{len(terms)} liaison terms, {units} units"
    )


def timed_run(rules: scoring.Ruleset) -> tuple[float, float, int]:
    """Return (facts seconds, assess seconds, queries) of one assessment from the database."""
    statements: list[str] = []

    def count(*args) -> None:
        statements.append(args[2])

    db.session.expire_all()
    sa.event.listen(db.engine, "before_cursor_execute", count)
    started = time.perf_counter()
    facts = year_facts(db.session, YEAR, AS_OF)
    built = time.perf_counter()
    sa.event.remove(db.engine, "before_cursor_execute", count)
    scoring.assess(facts, rules)
    assessed = time.perf_counter()
    return built - started, assessed - built, len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--opinions", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        if url.startswith("postgresql"):
            downgrade(revision="base")
        upgrade()
        fill(args.opinions, args.units)
        rules = ruleset_for_year(db.session, YEAR)
        runs = [timed_run(rules) for _ in range(args.runs)]
    backend = sa.make_url(url).get_backend_name()
    facts = [run[0] for run in runs]
    assess = [run[1] for run in runs]
    total = [run[0] + run[1] for run in runs]
    print(f"\nassessment from the database on {backend} ({args.runs} runs)")
    print(f"{'step':28} {'best s':>8} {'median s':>9}")
    for label, times in (("facts (year_facts)", facts), ("assess()", assess), ("total", total)):
        print(f"{label:28} {min(times):8.3f} {statistics.median(times):9.3f}")
    print(f"queries for the facts: {runs[0][2]}")


if __name__ == "__main__":
    main()
