"""Build the facts of a year's assessment (`scoring.YearFacts`) from the database.

One query per kind of fact (units, opinions, evaluations, contacts, co-handlings,
notices, liaison terms, reassignments), whatever the number of units or opinions. The
year's opinions are those of its congress session(s). Due dates are the ones
`backoffice.deadlines` stores on each opinion; only a former lead unit's schedule, which
no column keeps, is computed here by the same rules (when the year has a reassignment,
that reads the calendar and the session once more).

The facts are those known on `as_of`: a step, evaluation, contact, sign-off, notice or
liaison term dated after it has not happened yet. Reassignments are read whatever their
date, as the lead unit and its due dates are: a former lead unit keeps its lateness even
when the opinion changed hands after as_of.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlalchemy import orm

import scoring
from backoffice.deadlines import co_opinion_due, done_as_of
from backoffice.models import (
    CoHandling,
    CongressSession,
    Contact,
    Evaluation,
    LiaisonTerm,
    Notice,
    Opinion,
    Reassignment,
    Unit,
)
from backoffice.writing.rules import DueDateBook
from importers.vocabulary import NoticeKind

# The co-handler's unit, beside the lead unit the opinion joins.
_CoUnit = orm.aliased(Unit)


def year_facts(db_session: orm.Session, year: int, as_of: date) -> scoring.YearFacts:
    """Return everything the assessment of `year` reads, as known on `as_of`."""
    opinions = year_opinions(year)
    evaluations = _evaluations(db_session, opinions, as_of)
    stages = _contact_stages(db_session, opinions, as_of)
    return scoring.YearFacts(
        year=year,
        as_of=as_of,
        units=tuple(scoring.Unit(name) for name in db_session.scalars(sa.select(Unit.name))),
        opinions=tuple(_opinions(db_session, opinions, as_of, evaluations, stages)),
        co_handlings=tuple(_co_handlings(db_session, opinions, as_of)),
        notices=tuple(_notices(db_session, year, as_of)),
        liaison_terms=tuple(_liaison_terms(db_session, year, as_of)),
        former_leads=tuple(_former_leads(db_session, opinions, as_of)),
    )


def year_opinions(year: int) -> sa.Select:
    """Return a query of the ids of the opinions of the year's session(s)."""
    sessions = sa.select(CongressSession.id).where(CongressSession.year == year)
    return sa.select(Opinion.id).where(Opinion.session_id.in_(sessions))


def opinion_ids(db_session: orm.Session, year: int) -> dict[str, int]:
    """Return the id of each of the year's opinions by number, for links to the case file."""
    query = sa.select(Opinion.number, Opinion.id).where(Opinion.id.in_(year_opinions(year)))
    return {number: opinion_id for number, opinion_id in db_session.execute(query)}


class _Evaluated:
    """What an opinion's evaluation history says on as_of."""

    __slots__ = ("grade", "praised", "returned")

    def __init__(self) -> None:
        self.grade: str | None = None
        self.praised = False
        self.returned = False


def _evaluations(
    db_session: orm.Session, opinions: sa.Select, as_of: date
) -> dict[int, _Evaluated]:
    # In history order, so the last row seen of an opinion is its latest evaluation.
    query = (
        sa.select(Evaluation.opinion_id, Evaluation.agrees, Evaluation.grade, Evaluation.praised)
        .where(Evaluation.opinion_id.in_(opinions), Evaluation.evaluated_on <= as_of)
        .order_by(Evaluation.opinion_id, Evaluation.evaluated_on, Evaluation.id)
    )
    evaluated: dict[int, _Evaluated] = defaultdict(_Evaluated)
    for opinion_id, agrees, grade, praised in db_session.execute(query):
        state = evaluated[opinion_id]
        # The latest evaluation carries the grade and the praise; a 不同意 is never undone.
        state.grade, state.praised = grade, praised
        state.returned = state.returned or not agrees
    return evaluated


def _contact_stages(
    db_session: orm.Session, opinions: sa.Select, as_of: date
) -> dict[int, frozenset[str]]:
    # Not DISTINCT: a second contact at a stage changes nothing below, and costs no sort.
    query = sa.select(Contact.opinion_id, Contact.stage).where(
        Contact.opinion_id.in_(opinions), Contact.contacted_on <= as_of
    )
    stages: dict[int, frozenset[str]] = {}
    # Opinions share the few possible sets of stages: thousands of sets would cost more.
    shared: dict[frozenset[str], frozenset[str]] = {}
    none: frozenset[str] = frozenset()
    for opinion_id, stage in db_session.execute(query):
        found = stages.get(opinion_id, none) | {stage}
        stages[opinion_id] = shared.setdefault(found, found)
    return stages


def _opinions(
    db_session: orm.Session,
    opinions: sa.Select,
    as_of: date,
    evaluations: dict[int, _Evaluated],
    stages: dict[int, frozenset[str]],
) -> Iterable[scoring.Opinion]:
    query = (
        sa.select(
            Opinion.id,
            Opinion.number,
            Unit.name,
            Opinion.assigned_on,
            Opinion.accept_due_on,
            Opinion.consult_due_on,
            Opinion.reply_due_on,
            Opinion.accepted_on,
            Opinion.consulted_on,
            Opinion.replied_on,
            Opinion.answer_type,
            Opinion.concluded_on,
            Opinion.signed_off_on,
        )
        .join(Unit, Opinion.lead_unit_id == Unit.id)
        .where(Opinion.id.in_(opinions))
        .order_by(Opinion.number, Opinion.id)
    )
    nothing = _Evaluated()
    empty: frozenset[str] = frozenset()
    for (
        opinion_id,
        number,
        lead_unit,
        assigned_on,
        acceptance_due,
        consultation_due,
        reply_due,
        accepted_on,
        consulted_on,
        replied_on,
        answer_type,
        concluded_on,
        signed_off_on,
    ) in db_session.execute(query):
        _require_due_dates(number, acceptance_due, consultation_due, reply_due)
        replied_on = done_as_of(replied_on, as_of)
        evaluated = evaluations.get(opinion_id, nothing)
        yield scoring.Opinion(
            number=number,
            lead_unit=lead_unit,
            assigned_on=assigned_on,
            acceptance_due=acceptance_due,
            consultation_due=consultation_due,
            reply_due=reply_due,
            accepted_on=done_as_of(accepted_on, as_of),
            consulted_on=done_as_of(consulted_on, as_of),
            replied_on=replied_on,
            # A reply not yet sent on as_of has no answer type yet.
            answer_type=answer_type if replied_on else None,
            concluded_on=done_as_of(concluded_on, as_of),
            grade=evaluated.grade,
            praised=evaluated.praised,
            returned=evaluated.returned,
            signed_off_on=done_as_of(signed_off_on, as_of),
            contact_stages=stages.get(opinion_id, empty),
        )


def _former_leads(
    db_session: orm.Session, opinions: sa.Select, as_of: date
) -> Iterable[scoring.FormerLead]:
    # In order of reassignment: each former lead's schedule counts from the one before.
    query = (
        sa.select(
            Reassignment.opinion_id,
            Unit.name,
            Reassignment.reassigned_on,
            Opinion.number,
            Opinion.session_id,
            Opinion.assigned_on,
            Opinion.reply_extension_months,
            Opinion.accepted_on,
            Opinion.consulted_on,
            Opinion.replied_on,
        )
        .join(Opinion, Reassignment.opinion_id == Opinion.id)
        .join(Unit, Reassignment.from_unit_id == Unit.id)
        .where(Reassignment.opinion_id.in_(opinions))
        .order_by(Opinion.number, Reassignment.opinion_id, Reassignment.reassigned_on,
                  Reassignment.id)
    )
    book = DueDateBook(db_session)
    previous: dict[int, date] = {}
    for (
        opinion_id,
        unit,
        reassigned_on,
        number,
        session_id,
        assigned_on,
        extension,
        accepted_on,
        consulted_on,
        replied_on,
    ) in db_session.execute(query).all():
        # The former lead's deadlines, as stored while it led: from the assignment or
        # from the reassignment that gave it the opinion.
        due = book.columns(session_id, assigned_on, extension, previous.get(opinion_id))
        previous[opinion_id] = reassigned_on
        yield scoring.FormerLead(
            unit=unit,
            opinion=number,
            reassigned_on=reassigned_on,
            acceptance_due=due["accept_due_on"],
            consultation_due=due["consult_due_on"],
            reply_due=due["reply_due_on"],
            accepted_on=done_as_of(accepted_on, as_of),
            consulted_on=done_as_of(consulted_on, as_of),
            replied_on=done_as_of(replied_on, as_of),
        )


def _co_handlings(
    db_session: orm.Session, opinions: sa.Select, as_of: date
) -> Iterable[scoring.CoHandling]:
    query = (
        sa.select(
            _CoUnit.name,
            Opinion.number,
            co_opinion_due(),  # a co-handler added later has its own
            CoHandling.submitted_on,
            CoHandling.lead_grade,
            CoHandling.deputy_grade,
        )
        .join(Opinion, CoHandling.opinion_id == Opinion.id)
        .join(_CoUnit, CoHandling.unit_id == _CoUnit.id)
        .where(CoHandling.opinion_id.in_(opinions))
        .order_by(Opinion.number, CoHandling.id)
    )
    for unit, number, due, submitted_on, lead_grade, deputy_grade in db_session.execute(query):
        _require_due_dates(number, due)
        yield scoring.CoHandling(
            unit=unit,
            opinion=number,
            due=due,
            submitted_on=done_as_of(submitted_on, as_of),
            lead_grade=lead_grade,
            deputy_grade=deputy_grade,
        )


def _notices(db_session: orm.Session, year: int, as_of: date) -> Iterable[scoring.Notice]:
    # Only a 通报批评 dated in the year costs points; the others need not be read.
    query = (
        sa.select(Unit.name, Notice.issued_on, Notice.kind, Notice.reason)
        .join(Unit, Notice.unit_id == Unit.id)
        .where(
            Notice.kind == NoticeKind.CRITICISM.value,
            Notice.issued_on >= date(year, 1, 1),
            Notice.issued_on <= min(as_of, date(year, 12, 31)),
        )
        .order_by(Notice.issued_on, Notice.id)
    )
    for unit, issued_on, kind, reason in db_session.execute(query):
        yield scoring.Notice(unit, issued_on, kind, reason)


def _liaison_terms(
    db_session: orm.Session, year: int, as_of: date
) -> Iterable[scoring.LiaisonTerm]:
    # Terms overlapping the year that had begun by as_of; one ending later is still open.
    query = (
        sa.select(Unit.name, LiaisonTerm.started_on, LiaisonTerm.ended_on, LiaisonTerm.person)
        .join(Unit, LiaisonTerm.unit_id == Unit.id)
        .where(
            LiaisonTerm.started_on <= min(as_of, date(year, 12, 31)),
            sa.or_(LiaisonTerm.ended_on.is_(None), LiaisonTerm.ended_on >= date(year, 1, 1)),
        )
        .order_by(Unit.name, LiaisonTerm.started_on, LiaisonTerm.id)
    )
    for unit, started_on, ended_on, person in db_session.execute(query):
        yield scoring.LiaisonTerm(unit, started_on, done_as_of(ended_on, as_of), person)


def _require_due_dates(number: str, *due_dates: date | None) -> None:
    if None in due_dates:
        # backoffice.deadlines stores them on every flush; a gap means rows written around it.
        raise ValueError(
            f"第{number}号意见缺少办理期限，请先重新计算期限（届次会议设置保存后自动计算）。"
        )
