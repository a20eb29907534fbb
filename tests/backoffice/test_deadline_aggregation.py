"""What the database counts (the dashboard, its overdue-by-unit chart, the lists' conditions)
equals what the per-deadline Python computation finds, on every database, on drawn
opinions: reassigned, with co-handlers added later, second replies after 不同意, progress
reports, concluded. (test_deadline_queries.py does the same on the demo year.)"""

from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backoffice import spans
from backoffice.deadline_queries import months_after
from backoffice.deadlines import (
    WorkingCalendar,
    add_months,
    co_handler_due,
    counted_from,
    due_dates,
)
from backoffice.extensions import db
from backoffice.models import (
    CoHandling,
    CongressSession,
    Deputy,
    Evaluation,
    Opinion,
    ProgressReport,
    Unit,
)
from tests.backoffice.deadline_checks import assert_sql_counts_what_python_finds

YEAR_START = date(2018, 1, 1)
CALENDAR = WorkingCalendar()


def days(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(min_value=low, max_value=high)


def later(low: int = 0, high: int = 150) -> st.SearchStrategy[int | None]:
    """Days after an earlier step, or None: not done."""
    return st.one_of(st.none(), days(low, high))


co_handling = st.fixed_dictionaries({
    "unit": days(0, 3),
    "submitted": later(1, 90),
    "added": later(1, 80),  # a co-handler added later, with its own deadline
})
opinion = st.fixed_dictionaries({
    "assigned": days(0, 200),
    "restarted": later(1, 90),  # reassigned
    "extension": st.one_of(st.none(), days(1, 3)),
    "lead": days(0, 3),
    "accepted": later(0, 20),
    "consulted": later(0, 60),
    "replied": later(10, 150),
    "answer_type": st.sampled_from("ABCD"),
    "concluded": later(10, 200),
    "disagreed": st.lists(days(0, 90), max_size=2),
    "second_replied": later(0, 120),
    "reported": st.lists(days(-20, 200), max_size=3),  # some before the reply
    "co": st.lists(co_handling, max_size=3, unique_by=lambda c: c["unit"]),
})


def _add(session: CongressSession, units: list[int], deputy: int, n: int, drawn: dict) -> None:
    """Add one drawn opinion (without committing), its dates counted from YEAR_START."""
    def on(offset: int | None, after: date | None) -> date | None:
        return None if offset is None or after is None else after + timedelta(days=offset)

    assigned = YEAR_START + timedelta(days=drawn["assigned"])
    restarted = on(drawn["restarted"], assigned)
    start = counted_from(assigned, restarted)
    dues = due_dates(start, session, CALENDAR, drawn["extension"])
    replied = on(drawn["replied"], start)
    opinion_id = db.session.execute(sa.insert(Opinion).returning(Opinion.id), [{
        "session_id": session.id, "number": f"{n:04d}", "title": f"意见{n}", "content": "",
        "category": "城市建设和管理", "lead_deputy_id": deputy,
        "lead_unit_id": units[drawn["lead"]], "assigned_on": assigned,
        "restarted_on": restarted, "reply_extension_months": drawn["extension"],
        "accepted_on": on(drawn["accepted"], start),
        "consulted_on": on(drawn["consulted"], start), "replied_on": replied,
        "answer_type": drawn["answer_type"] if replied else None,
        "concluded_on": on(drawn["concluded"], replied),
        "second_replied_on": on(drawn["second_replied"], replied),
        "accept_due_on": dues.accept, "consult_due_on": dues.consult,
        "co_opinion_due_on": dues.co_opinion, "reply_due_on": dues.reply, "version": 1,
    }]).scalar_one()
    if replied is not None:
        db.session.execute(sa.insert(Evaluation), [
            {"opinion_id": opinion_id, "evaluated_on": replied + timedelta(days=offset),
             "agrees": False, "grade": None, "praised": False,
             "consents_to_publish": False, "note": ""}
            for offset in drawn["disagreed"]
        ] or [{"opinion_id": opinion_id, "evaluated_on": replied, "agrees": True,
               "grade": "好", "praised": False, "consents_to_publish": False, "note": ""}])
        for offset in drawn["reported"]:
            db.session.execute(sa.insert(ProgressReport).values(
                opinion_id=opinion_id, reported_on=replied + timedelta(days=offset), text=""))
    for co in drawn["co"]:
        added = on(co["added"], assigned)
        db.session.execute(sa.insert(CoHandling).values(
            opinion_id=opinion_id, unit_id=units[co["unit"]], version=1,
            submitted_on=on(co["submitted"], assigned), added_on=added,
            co_opinion_due_on=co_handler_due(added, session) if added else None))


@settings(max_examples=6, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(opinions=st.lists(opinion, min_size=1, max_size=8),
       dates=st.lists(days(0, 480), min_size=2, max_size=2))
def test_the_sql_counts_what_the_deadlines_find_on_drawn_opinions(
    app, opinions: list[dict], dates: list[int]
) -> None:
    with app.app_context():
        # A session of its own with a two-month second reply: what is counted is only these.
        session = CongressSession(name="抽样会议", year=2018, second_reply_months=2)
        db.session.add(session)
        db.session.flush()
        units = list(db.session.scalars(sa.select(Unit.id).order_by(Unit.id).limit(4)))
        deputy = db.session.scalar(sa.select(Deputy.id).limit(1))
        for n, drawn in enumerate(opinions):
            _add(session, units, deputy, n, drawn)
        spans.recount_all(db.session)  # the rows went in around the write path
        try:
            for offset in dates:
                assert_sql_counts_what_python_finds(session.id, YEAR_START + timedelta(days=offset))
        finally:
            db.session.rollback()


def test_month_arithmetic_in_sql_clamps_to_the_month_end(app) -> None:
    ends = [date(2016, 1, 1) + timedelta(days=n) for n in range(731)]
    with app.app_context():
        for start in (day for day in ends if day.day >= 28):
            for months in (1, 2, 12):
                found = db.session.scalar(
                    sa.select(months_after(sa.literal(start, sa.Date), months)))
                assert found == add_months(start, months), (start, months)
