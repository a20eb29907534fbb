"""Each sheet kind's rows, read from the database in batches, as the kind's row type.

A row is made with every field of its kind by name (`Schema.row`): a field added to a
schema fails here, where its value is missing, until it is read. Values are what the
readers give back for the sheet: unit and deputy names, dates, True/False, plain
vocabulary values, lists for multi-value fields, so that an export read back equals
the database.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.exports.batches import streamed_batches
from backoffice.models import (
    CoHandling,
    Contact,
    Deputy,
    Evaluation,
    LiaisonTerm,
    Notice,
    Opinion,
    ProgressReport,
    Unit,
    UnitAlias,
    opinion_cosigners,
)
from importers.schemas import SCHEMAS

UnitRole = Literal["lead", "co", "either"]


@dataclass(frozen=True)
class Scope:
    """Which rows an export holds: a session's, a unit's, only open opinions'."""

    session_id: int | None = None
    year: int | None = None  # notices are a year's
    unit_id: int | None = None
    unit_as: UnitRole = "either"  # the unit as lead, as co-handler, or as either
    open_only: bool = False


RowSource = Callable[[orm.Session, Scope], Iterator[tuple[Any, ...]]]
# Each kind's row type, made with every field by name.
UNIT_ROW = SCHEMAS["units"].row
DEPUTY_ROW = SCHEMAS["deputies"].row
LIAISON_ROW = SCHEMAS["liaisons"].row
OPINION_ROW = SCHEMAS["opinions"].row
HANDLING_ROW = SCHEMAS["handling"].row
SIGNOFF_ROW = SCHEMAS["signoffs"].row
CONTACT_ROW = SCHEMAS["contacts"].row
PROGRESS_ROW = SCHEMAS["progress"].row
EVALUATION_ROW = SCHEMAS["evaluations"].row
CO_EVALUATION_ROW = SCHEMAS["co-evaluations"].row
NOTICE_ROW = SCHEMAS["notices"].row


def open_opinion() -> sa.ColumnElement[bool]:
    """Opinions still to be handled: not concluded, or returned and not replied to again."""
    disagreed = sa.select(Evaluation.opinion_id).where(Evaluation.agrees.is_(False))
    return sa.or_(
        Opinion.concluded_on.is_(None),
        sa.and_(Opinion.id.in_(disagreed), Opinion.second_replied_on.is_(None)),
    )


def _opinion_conditions(scope: Scope, unit_as: UnitRole) -> list[sa.ColumnElement[bool]]:
    conditions = []
    if scope.session_id is not None:
        conditions.append(Opinion.session_id == scope.session_id)
    if scope.unit_id is not None:
        lead = Opinion.lead_unit_id == scope.unit_id
        co = Opinion.id.in_(
            sa.select(CoHandling.opinion_id).where(CoHandling.unit_id == scope.unit_id))
        conditions.append({"lead": lead, "co": co, "either": sa.or_(lead, co)}[unit_as])
    if scope.open_only:
        conditions.append(open_opinion())
    return conditions


# Made once: building a statement around a new alias each time costs more than running it.
LEAD_UNIT = orm.aliased(Unit, name="lead_unit")
CO_UNIT = orm.aliased(Unit, name="co_unit")
LATER = orm.aliased(Evaluation, name="later")


class _IsoDate(sa.types.TypeDecorator[date]):
    """A date read fast: SQLite's ISO text through date.fromisoformat, others as they are.

    SQLAlchemy's own SQLite date parsing costs more per cell than writing the cell.
    """

    impl = sa.String
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> date | None:
        return date.fromisoformat(value) if value.__class__ is str else value


def _day(column: Any) -> Any:
    """Return a date column to select, read as a date (fast), under its own name."""
    return sa.type_coerce(column, _IsoDate()).label(column.key)


def _plain(column: Any) -> Any:
    """Return a vocabulary column read as plain text (its values are checked on the way in)."""
    return sa.type_coerce(column, sa.String).label(column.key)


def _text(value: str | None) -> str | None:
    """Return None for an empty text: an empty cell reads back as nothing."""
    return value or None


# -- directory ------------------------------------------------------------------------------
def units(db_session: orm.Session, scope: Scope) -> Iterator[tuple[Any, ...]]:
    statement = sa.select(Unit.id, Unit.name, Unit.kind)
    if scope.unit_id is not None:
        statement = statement.where(Unit.id == scope.unit_id)
    for batch in streamed_batches(db_session, statement, [Unit.id]):
        aliases = _grouped(db_session, sa.select(UnitAlias.unit_id, UnitAlias.alias)
                           .where(UnitAlias.unit_id.in_([row.id for row in batch]))
                           .order_by(UnitAlias.alias))
        for row in batch:
            yield UNIT_ROW(name=row.name, kind=row.kind, aliases=aliases.get(row.id, []))


def deputies(db_session: orm.Session, scope: Scope) -> Iterator[tuple[Any, ...]]:
    statement = sa.select(Deputy.id, Deputy.name, Deputy.delegation, Deputy.phone)
    for batch in streamed_batches(db_session, statement, [Deputy.id]):
        for row in batch:
            yield DEPUTY_ROW(name=row.name, delegation=_text(row.delegation),
                             phone=_text(row.phone))


def liaisons(db_session: orm.Session, scope: Scope) -> Iterator[tuple[Any, ...]]:
    statement = (sa.select(LiaisonTerm.id, Unit.name, LiaisonTerm.person, LiaisonTerm.phone,
                           _day(LiaisonTerm.started_on), _day(LiaisonTerm.ended_on))
                 .join(Unit, LiaisonTerm.unit_id == Unit.id))
    if scope.unit_id is not None:
        statement = statement.where(LiaisonTerm.unit_id == scope.unit_id)
    for batch in streamed_batches(db_session, statement, [LiaisonTerm.id]):
        for row in batch:
            yield LIAISON_ROW(unit=row.name, name=row.person, phone=_text(row.phone),
                              start=row.started_on, end=row.ended_on)


# -- opinions -------------------------------------------------------------------------------
def opinions(db_session: orm.Session, scope: Scope) -> Iterator[tuple[Any, ...]]:
    conditions = _opinion_conditions(scope, scope.unit_as)
    # Names come from small lookups (a few hundred units and deputies) rather than joins:
    # the database then reads only the opinions' own rows.
    units = dict(db_session.connection().execute(sa.select(Unit.id, Unit.name)).all())
    deputies = {deputy_id: (name, delegation or None) for deputy_id, name, delegation
                in db_session.connection().execute(
                    sa.select(Deputy.id, Deputy.name, Deputy.delegation)).all()}
    statement = (
        sa.select(Opinion.id, Opinion.number, Opinion.title, Opinion.lead_deputy_id,
                  _plain(Opinion.category), Opinion.lead_unit_id, _day(Opinion.assigned_on),
                  Opinion.supervisor, Opinion.content)
        .where(*conditions)
    )
    key = [Opinion.number, Opinion.id]
    opinion_row = OPINION_ROW  # a local name: looked up once per row
    for batch in streamed_batches(db_session, statement, key):
        in_batch = _in_batch(conditions, scope, batch)
        cosigners = _grouped(db_session, sa.select(opinion_cosigners.c.opinion_id,
                                                   opinion_cosigners.c.deputy_id)
                             .join(Opinion, opinion_cosigners.c.opinion_id == Opinion.id)
                             .where(*in_batch).order_by(opinion_cosigners.c.deputy_id))
        co_units = _grouped(db_session, sa.select(CoHandling.opinion_id, CoHandling.unit_id)
                            .join(Opinion, CoHandling.opinion_id == Opinion.id)
                            .where(*in_batch).order_by(CoHandling.id))
        none: list[str] = []
        # Runs for every opinion: unpack the selected columns (in the order selected above),
        # look everything up once.
        for (opinion_id, number, title, deputy_id, category, lead_id, assigned_on,
             supervisor, content) in batch:
            deputy, delegation = deputies[deputy_id]
            signed = cosigners.get(opinion_id)
            co = co_units.get(opinion_id)
            yield opinion_row(
                number=number, title=title, lead_deputy=deputy,
                cosigners=[deputies[i][0] for i in signed] if signed else none,
                delegation=delegation, category=category, lead_unit=units[lead_id],
                co_units=[units[i] for i in co] if co else none, assigned_on=assigned_on,
                supervisor=supervisor or None, content=content or None)


def _in_batch(conditions: list[sa.ColumnElement[bool]], scope: Scope,
              batch: Sequence[sa.Row]) -> list[sa.ColumnElement[bool]]:
    """Return the conditions selecting the batch's opinions (ordered by number, then id).

    Within a session numbers are unique: the batch is the numbers from its first to its
    last, which an index answers; without a session, the batch's ids.
    """
    if scope.session_id is None:
        return [Opinion.id.in_([row[0] for row in batch])]
    return [*conditions, Opinion.number.between(batch[0][1], batch[-1][1])]


def handling(db_session: orm.Session, scope: Scope) -> Iterator[tuple[Any, ...]]:
    lead_unit = LEAD_UNIT
    statement = (
        sa.select(Opinion.id, Opinion.number, Opinion.title, lead_unit.name.label("lead_unit"),
                  _day(Opinion.accepted_on), _day(Opinion.consulted_on), Opinion.consult_method,
                  _day(Opinion.replied_on), Opinion.answer_type, _day(Opinion.concluded_on),
                  _day(Opinion.second_replied_on))
        .join(lead_unit, Opinion.lead_unit_id == lead_unit.id)
        .where(*_opinion_conditions(scope, "lead"))
    )
    for batch in streamed_batches(db_session, statement, [Opinion.number, Opinion.id]):
        for row in batch:
            yield HANDLING_ROW(
                number=row.number, title=row.title, lead_unit=row.lead_unit,
                accepted_on=row.accepted_on, consulted_on=row.consulted_on,
                consult_method=row.consult_method, replied_on=row.replied_on,
                answer_type=row.answer_type, concluded=row.concluded_on is not None,
                concluded_on=row.concluded_on, second_reply_on=row.second_replied_on,
                contact_person=None, remarks=None)


def signoffs(db_session: orm.Session, scope: Scope) -> Iterator[tuple[Any, ...]]:
    lead_unit = LEAD_UNIT
    statement = (
        sa.select(Opinion.id, Opinion.number, Opinion.title, lead_unit.name.label("lead_unit"),
                  Opinion.signed_off_by, _day(Opinion.signed_off_on))
        .join(lead_unit, Opinion.lead_unit_id == lead_unit.id)
        .where(Opinion.signed_off_by.is_not(None), *_opinion_conditions(scope, "lead"))
    )
    for batch in streamed_batches(db_session, statement, [Opinion.number, Opinion.id]):
        for row in batch:
            yield SIGNOFF_ROW(number=row.number, title=row.title, lead_unit=row.lead_unit,
                              approver=row.signed_off_by, approved_on=row.signed_off_on)


# -- around the handling ----------------------------------------------------------------------
def contacts(db_session: orm.Session, scope: Scope) -> Iterator[tuple[Any, ...]]:
    lead_unit = LEAD_UNIT
    statement = (
        sa.select(Contact.id, Opinion.number, lead_unit.name.label("lead_unit"), Contact.stage,
                  Contact.method, Contact.contacted_on)
        .join(Opinion, Contact.opinion_id == Opinion.id)
        .join(lead_unit, Opinion.lead_unit_id == lead_unit.id)
        .where(*_opinion_conditions(scope, "lead"))
    )
    key = [Opinion.number, Contact.contacted_on, Contact.id]
    for batch in streamed_batches(db_session, statement, key):
        for row in batch:
            yield CONTACT_ROW(number=row.number, unit=row.lead_unit, stage=row.stage,
                              method=row.method, on=row.contacted_on)


def progress(db_session: orm.Session, scope: Scope) -> Iterator[tuple[Any, ...]]:
    lead_unit = LEAD_UNIT
    statement = (
        sa.select(ProgressReport.id, Opinion.number, lead_unit.name.label("lead_unit"),
                  ProgressReport.reported_on, ProgressReport.text)
        .join(Opinion, ProgressReport.opinion_id == Opinion.id)
        .join(lead_unit, Opinion.lead_unit_id == lead_unit.id)
        .where(*_opinion_conditions(scope, "lead"))
    )
    key = [Opinion.number, ProgressReport.reported_on, ProgressReport.id]
    for batch in streamed_batches(db_session, statement, key):
        for row in batch:
            yield PROGRESS_ROW(number=row.number, lead_unit=row.lead_unit,
                               on=row.reported_on, text=_text(row.text))


def evaluations(db_session: orm.Session, scope: Scope) -> Iterator[tuple[Any, ...]]:
    """Each feedback row; the deputy's grades of co-handlers go on the row carrying the
    opinion's grade (its latest 同意, or its latest row when it has none)."""
    lead_unit = LEAD_UNIT
    statement = (
        sa.select(Evaluation.id, Evaluation.opinion_id, Opinion.number,
                  Deputy.name.label("deputy"), lead_unit.name.label("lead_unit"),
                  Evaluation.agrees, Evaluation.grade, Evaluation.praised,
                  Evaluation.evaluated_on, Evaluation.consents_to_publish,
                  _carries_grades().label("carries_grades"))
        .join(Opinion, Evaluation.opinion_id == Opinion.id)
        .join(Deputy, Opinion.lead_deputy_id == Deputy.id)
        .join(lead_unit, Opinion.lead_unit_id == lead_unit.id)
        .where(*_opinion_conditions(scope, "lead"))
    )
    key = [Opinion.number, Evaluation.evaluated_on, Evaluation.id]
    for batch in streamed_batches(db_session, statement, key):
        grades = _co_grades(db_session, [row.opinion_id for row in batch if row.carries_grades])
        for row in batch:
            co_grades = grades.get(row.opinion_id, []) if row.carries_grades else []
            yield EVALUATION_ROW(
                number=row.number, lead_deputy=row.deputy, lead_unit=row.lead_unit,
                agree=row.agrees, grade=row.grade, praised=row.praised, co_grades=co_grades,
                evaluated_on=row.evaluated_on, consent_publish=row.consents_to_publish)


def _carries_grades() -> sa.ColumnElement[bool]:
    """Tell whether an evaluation is its opinion's latest 同意, or its latest of none agree."""
    other = LATER
    same = other.opinion_id == Evaluation.opinion_id
    later = sa.tuple_(other.evaluated_on, other.id) > sa.tuple_(Evaluation.evaluated_on,
                                                                Evaluation.id)
    later_agreeing = sa.exists().where(same, later, other.agrees.is_(True))
    any_agreeing = sa.exists().where(same, other.agrees.is_(True))
    any_later = sa.exists().where(same, later)
    return sa.or_(
        sa.and_(Evaluation.agrees.is_(True), ~later_agreeing),
        sa.and_(Evaluation.agrees.is_(False), ~any_agreeing, ~any_later),
    )


def _co_grades(db_session: orm.Session, opinion_ids: Sequence[int]) -> dict[int, list[Any]]:
    """Return each opinion's deputies' grades of its co-handlers as (unit, grade) pairs."""
    grades: dict[int, list[Any]] = defaultdict(list)
    if opinion_ids:
        statement = (sa.select(CoHandling.opinion_id, Unit.name, CoHandling.deputy_grade)
                     .join(Unit, CoHandling.unit_id == Unit.id)
                     .where(CoHandling.opinion_id.in_(opinion_ids),
                            CoHandling.deputy_grade.is_not(None))
                     .order_by(CoHandling.id))
        for opinion_id, unit, grade in db_session.connection().execute(statement):
            grades[opinion_id].append((unit, grade))
    return grades


def co_evaluations(db_session: orm.Session, scope: Scope) -> Iterator[tuple[Any, ...]]:
    lead_unit, co_unit = LEAD_UNIT, CO_UNIT
    statement = (
        sa.select(CoHandling.id, Opinion.number, lead_unit.name.label("lead_unit"),
                  co_unit.name.label("co_unit"), _day(CoHandling.submitted_on),
                  CoHandling.lead_grade)
        .join(Opinion, CoHandling.opinion_id == Opinion.id)
        .join(lead_unit, Opinion.lead_unit_id == lead_unit.id)
        .join(co_unit, CoHandling.unit_id == co_unit.id)
        .where(*_opinion_conditions(Scope(scope.session_id, open_only=scope.open_only), "lead"))
    )
    if scope.unit_id is not None:
        lead = Opinion.lead_unit_id == scope.unit_id
        co = CoHandling.unit_id == scope.unit_id
        statement = statement.where({"lead": lead, "co": co, "either": sa.or_(lead, co)}
                                    [scope.unit_as])
    for batch in streamed_batches(db_session, statement, [Opinion.number, CoHandling.id]):
        for row in batch:
            yield CO_EVALUATION_ROW(number=row.number, lead_unit=row.lead_unit,
                                    co_unit=row.co_unit, submitted_on=row.submitted_on,
                                    rating=row.lead_grade)


def notices(db_session: orm.Session, scope: Scope) -> Iterator[tuple[Any, ...]]:
    statement = (sa.select(Notice.id, Notice.issued_on, Notice.kind, Unit.name, Notice.reason)
                 .join(Unit, Notice.unit_id == Unit.id))
    if scope.year is not None:
        statement = statement.where(Notice.issued_on.between(date(scope.year, 1, 1),
                                                             date(scope.year, 12, 31)))
    if scope.unit_id is not None:
        statement = statement.where(Notice.unit_id == scope.unit_id)
    for batch in streamed_batches(db_session, statement, [Notice.issued_on, Notice.id]):
        for row in batch:
            yield NOTICE_ROW(on=row.issued_on, kind=row.kind, unit=row.name,
                             reason=_text(row.reason))


ROWS: dict[str, RowSource] = {
    "units": units,
    "deputies": deputies,
    "liaisons": liaisons,
    "opinions": opinions,
    "handling": handling,
    "signoffs": signoffs,
    "contacts": contacts,
    "progress": progress,
    "evaluations": evaluations,
    "co-evaluations": co_evaluations,
    "notices": notices,
}
# Kinds whose rows belong to one session's opinions: they need a session.
SESSION_KINDS = frozenset(ROWS) - {"units", "deputies", "liaisons", "notices"}
# Kinds that have nothing to do with a unit.
UNITLESS_KINDS = frozenset({"deputies"})


def _grouped(db_session: orm.Session, statement: sa.Select) -> dict[Any, list[Any]]:
    """Return the (key, value) rows of a statement as key -> [values] in order."""
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for key, value in db_session.connection().execute(statement).all():
        grouped[key].append(value)
    return grouped
