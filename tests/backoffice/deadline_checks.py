"""Checks that hold what SQL counts equal to what the per-deadline Python computation finds."""

from collections import Counter
from datetime import date

import sqlalchemy as sa

from backoffice.deadline_queries import conditions_as_of, units_needing_attention
from backoffice.deadlines import ATTENTION, UNDONE, Status, Step, load_deadlines
from backoffice.extensions import db
from backoffice.models import Opinion
from backoffice.reporting.dashboard import dashboard

OVERDUE = {Status.OVERDUE}
STATUS_SETS = (OVERDUE, {Status.DUE_SOON}, ATTENTION, set(UNDONE))
# The dashboard's work lists that deadlines decide, and the steps and statuses each counts.
WORK_LISTS = {
    "overdue": (tuple(Step), OVERDUE),
    "due_soon": (tuple(Step), {Status.DUE_SOON}),
    "second_reply": ((Step.SECOND_REPLY,), set(UNDONE)),
    "progress": ((Step.PROGRESS,), ATTENTION),
}


def _holding(schedules, steps, statuses) -> set[int]:
    return {s.opinion_id for s in schedules
            for d in s.deadlines if d.step in steps and d.status in statuses}


def _by_unit(schedules, statuses) -> dict[int, int]:
    counted = Counter()
    for schedule in schedules:
        counted.update({schedule.unit_of(d) for d in schedule.deadlines if d.status in statuses})
    return dict(counted)


def assert_sql_counts_what_python_finds(session_id: int, as_of: date) -> None:
    """Hold the SQL of a session's opinions as of a date equal to `load_deadlines`."""
    in_session = Opinion.session_id == session_id
    schedules = load_deadlines(db.session, as_of, in_session)
    conditions = conditions_as_of(as_of)
    asked = [(step, statuses) for statuses in STATUS_SETS for step in Step]
    # Every list condition at once: one row per opinion, a flag per condition.
    rows = db.session.execute(sa.select(Opinion.id, *(
        sa.case((conditions.step(step, statuses), 1), else_=0) for step, statuses in asked
    )).where(in_session)).all()
    for i, (step, statuses) in enumerate(asked, start=1):
        found = {row[0] for row in rows if row[i]}
        assert found == _holding(schedules, (step,), statuses), (as_of, step, statuses)
    # The dashboard's chart counts the overdue by unit; reminders ask for more.
    assert units_needing_attention(db.session, as_of, ATTENTION, where=in_session) == \
        _by_unit(schedules, ATTENTION), as_of
    assert_dashboard_counts(session_id, as_of, schedules)


def assert_dashboard_counts(session_id: int, as_of: date, schedules) -> None:
    """Hold the dashboard's deadline figures equal to the session's schedules, and the
    dashboard read from the stored counts equal to the one counted from the opinions."""
    board = dashboard(db.session, session_id, as_of, sa.true())
    assert dashboard(db.session, session_id, as_of, None) == board, as_of
    counts = {w.key: w.count for w in board.work_lists}
    for key, (steps, statuses) in WORK_LISTS.items():
        assert counts[key] == len(_holding(schedules, steps, statuses)), (as_of, key)
    by_unit = {unit: count for unit, _, count in board.overdue_by_unit}
    assert by_unit == _by_unit(schedules, OVERDUE), as_of
