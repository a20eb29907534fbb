"""The SQL conditions and the dashboard select exactly what the pure deadlines say, on every
database."""

from collections import Counter
from datetime import date

import sqlalchemy as sa

from backoffice.deadline_queries import conditions_as_of, units_needing_attention
from backoffice.deadlines import ATTENTION, UNDONE, Status, Step, load_deadlines
from backoffice.extensions import db
from backoffice.models import CoHandling, CongressSession, Evaluation, Opinion
from tests.backoffice.deadline_checks import assert_dashboard_counts

DATES = (date(2017, 2, 24), date(2017, 3, 18), date(2017, 5, 16), date(2017, 6, 20),
         date(2017, 9, 1), date(2017, 12, 15), date(2026, 11, 27))


def _vary_the_demo() -> None:
    """Add what the demo lacks: an extension, a late co-opinion, a fresh 不同意."""
    opinions = db.session.scalars(
        sa.select(Opinion).join(Opinion.session).where(CongressSession.year == 2017)
        .where(Opinion.replied_on.is_(None))
    ).all()
    opinions[0].reply_extension_months = 3
    opinions[1].consulted_on = None
    co = db.session.scalars(sa.select(CoHandling).order_by(CoHandling.id)).first()
    co.submitted_on = None
    answered = db.session.scalars(
        sa.select(Opinion).where(Opinion.answer_type == "A").order_by(Opinion.id)
    ).first()
    answered.evaluations.append(Evaluation(evaluated_on=date(2017, 6, 1), agrees=False))
    db.session.commit()


def test_sql_conditions_select_what_the_pure_deadlines_find(app) -> None:
    with app.app_context():
        _vary_the_demo()
        session_2017 = db.session.scalar(
            sa.select(CongressSession.id).where(CongressSession.year == 2017))
        in_2017 = set(db.session.scalars(
            sa.select(Opinion.id).where(Opinion.session_id == session_2017)))
        seen = Counter()
        for as_of in DATES:
            schedules = load_deadlines(db.session, as_of)
            seen.update((d.step, d.status) for s in schedules for d in s.deadlines)
            conditions = conditions_as_of(as_of)
            for statuses in ({Status.OVERDUE}, {Status.DUE_SOON}, ATTENTION, set(UNDONE)):
                for step in Step:
                    expected = {
                        s.opinion_id for s in schedules
                        for d in s.deadlines if d.step is step and d.status in statuses
                    }
                    found = set(db.session.scalars(
                        sa.select(Opinion.id).where(conditions.step(step, statuses))
                    ))
                    assert found == expected, (as_of, step, statuses)
            by_unit = Counter()
            for schedule in schedules:
                units = {schedule.unit_of(d) for d in schedule.deadlines
                         if d.status is Status.OVERDUE}
                by_unit.update(units)
            assert units_needing_attention(db.session, as_of) == dict(by_unit), as_of
            # The dashboard counts the same in one scan, for the session it shows.
            assert_dashboard_counts(session_2017, as_of, [
                s for s in schedules if s.opinion_id in in_2017])
    # Not vacuous: every step was overdue, and most were due soon, on one of the dates.
    for step in Step:
        assert seen[(step, Status.OVERDUE)] > 0, step
    for step in (Step.ACCEPTANCE, Step.REPLY, Step.PROGRESS):
        assert seen[(step, Status.DUE_SOON)] > 0, step
