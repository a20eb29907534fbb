"""Load a session's facts for the annual report from the database, in four queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.models import CoHandling, CongressSession, Evaluation, Opinion, Unit
from backoffice.reporting.annual import AnnualReport, Feedback, OpinionFacts, annual_report
from backoffice.reporting.sessions import previous_session, same_day_earlier


def load_facts(db_session: orm.Session, session: CongressSession) -> list[OpinionFacts]:
    """Return the report's facts of every opinion of the session."""
    in_session = Opinion.session_id == session.id
    ids = sa.select(Opinion.id).where(in_session)
    co_units: dict[int, list[str]] = defaultdict(list)
    for opinion_id, name in db_session.execute(
        sa.select(CoHandling.opinion_id, Unit.name)
        .join(Unit, Unit.id == CoHandling.unit_id)
        .where(CoHandling.opinion_id.in_(ids))
    ):
        co_units[opinion_id].append(name)
    feedback: dict[int, list[Feedback]] = defaultdict(list)
    for opinion_id, on, grade, praised in db_session.execute(
        sa.select(
            Evaluation.opinion_id, Evaluation.evaluated_on, Evaluation.grade, Evaluation.praised
        )
        .where(Evaluation.opinion_id.in_(ids))
        .order_by(Evaluation.evaluated_on, Evaluation.id)
    ):
        feedback[opinion_id].append(Feedback(on, grade, praised))
    rows = db_session.execute(
        sa.select(
            Opinion.id, Opinion.number, Opinion.category, Unit.name, Opinion.assigned_on,
            Opinion.replied_on, Opinion.answer_type, Opinion.concluded_on, Opinion.supervisor,
        )
        .join(Unit, Unit.id == Opinion.lead_unit_id)
        .where(in_session)
        .order_by(Opinion.number)
    )
    return [
        OpinionFacts(
            number=number,
            category=category,
            lead_unit=lead_unit,
            assigned_on=assigned_on,
            co_units=tuple(co_units[opinion_id]),
            replied_on=replied_on,
            answer_type=answer_type,
            concluded_on=concluded_on,
            feedback=tuple(feedback[opinion_id]),
            supervised=bool(supervisor),
        )
        for (
            opinion_id, number, category, lead_unit, assigned_on, replied_on, answer_type,
            concluded_on, supervisor,
        ) in rows
    ]


def session_report(db_session: orm.Session, session: CongressSession, as_of: date) -> AnnualReport:
    return annual_report(session.name, as_of, load_facts(db_session, session))


@dataclass(frozen=True)
class ReportWithPrevious:
    """A session's report and, when there is one, the previous session's on the same day
    of its year (for the year-over-year lines)."""

    report: AnnualReport
    previous: AnnualReport | None


def report_with_previous(
    db_session: orm.Session, session: CongressSession, as_of: date
) -> ReportWithPrevious:
    earlier = previous_session(db_session, session)
    previous = None
    if earlier is not None:
        earlier_as_of = same_day_earlier(as_of, session.year - earlier.year)
        previous = session_report(db_session, earlier, earlier_as_of)
    return ReportWithPrevious(session_report(db_session, session, as_of), previous)
