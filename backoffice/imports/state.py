"""Load what an import is planned against: the database as the planner's plain state.

A handful of queries, one per table the sheets being imported can touch, never one
per row; each also fills `state.ids` (key -> database id) for applying the plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.imports.bindings import opinion_columns
from backoffice.models import (
    CoHandling,
    CongressSession,
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
from importers.planning import (
    CoFacts,
    ContactFacts,
    DeputyFacts,
    EvaluationFacts,
    LiaisonFacts,
    NoticeFacts,
    OpinionFacts,
    ProgressFacts,
    State,
    UnitFacts,
)

# The sheet kinds that name opinions of a session.
SESSION_KINDS = frozenset({"opinions", "handling", "signoffs", "contacts", "progress",
                           "evaluations", "co-evaluations"})


def load_units(db_session: orm.Session, state: State) -> None:
    """Fill in the units and their aliases (every import needs them to read unit names)."""
    units = state.ids.setdefault("units", {})
    names: dict[int, str] = {}
    for unit_id, name, kind in db_session.execute(sa.select(Unit.id, Unit.name, Unit.kind)):
        state.units[name] = UnitFacts(kind=kind, aliases=[])
        units[name] = unit_id
        names[unit_id] = name
    aliases = state.ids.setdefault("unit_aliases", {})
    query = sa.select(UnitAlias.id, UnitAlias.unit_id, UnitAlias.alias).order_by(UnitAlias.id)
    for alias_id, unit_id, alias in db_session.execute(query):
        state.units[names[unit_id]].aliases.append(alias)
        aliases[alias] = alias_id


def load_state(db_session: orm.Session, kinds: Collection[str],
               session: CongressSession | None, state: State | None = None) -> State:
    """Return the state the given sheet kinds are planned against (units always)."""
    if state is None:
        state = State()
        load_units(db_session, state)
    if session is not None:
        state.session, state.year = session.name, session.year
    if {"deputies", "opinions"} & set(kinds):
        _deputies(db_session, state)
    if "liaisons" in kinds:
        _liaisons(db_session, state)
    if "notices" in kinds:
        _notices(db_session, state)
    if SESSION_KINDS & set(kinds) and session is not None and session.id is not None:
        _opinions(db_session, state, session.id, kinds)
    return state


def _unit_names(state: State) -> dict[int, str]:
    return {unit_id: name for name, unit_id in state.ids["units"].items()}


def _deputies(db_session: orm.Session, state: State) -> None:
    ids = state.ids.setdefault("deputies", {})
    query = sa.select(Deputy.id, Deputy.name, Deputy.delegation, Deputy.phone).order_by(Deputy.id)
    for deputy_id, name, delegation, phone in db_session.execute(query):
        state.deputies[name, delegation] = DeputyFacts(phone=phone)
        ids[name, delegation] = deputy_id


def _liaisons(db_session: orm.Session, state: State) -> None:
    ids = state.ids.setdefault("liaison_terms", {})
    units = _unit_names(state)
    query = sa.select(LiaisonTerm.id, LiaisonTerm.unit_id, LiaisonTerm.person, LiaisonTerm.phone,
                      LiaisonTerm.started_on, LiaisonTerm.ended_on).order_by(LiaisonTerm.id)
    for term_id, unit_id, person, phone, start, end in db_session.execute(query):
        key = (units[unit_id], start)
        state.liaisons.setdefault(key, LiaisonFacts(name=person, phone=phone, end=end))
        ids.setdefault(key, term_id)


def _notices(db_session: orm.Session, state: State) -> None:
    ids = state.ids.setdefault("notices", {})
    units = _unit_names(state)
    query = sa.select(Notice.id, Notice.issued_on, Notice.unit_id, Notice.kind,
                      Notice.reason).order_by(Notice.id)
    for notice_id, on, unit_id, kind, reason in db_session.execute(query):
        key = (on, units[unit_id], kind)
        state.notices.setdefault(key, NoticeFacts(reason=reason))
        ids.setdefault(key, notice_id)


def _opinions(db_session: orm.Session, state: State, session_id: int,
              kinds: Collection[str]) -> None:
    units = _unit_names(state)
    ids = state.ids.setdefault("opinions", {})
    versions = state.ids.setdefault("opinion_versions", {})
    numbers: dict[int, int] = {}  # opinion id -> number
    o = Opinion
    stored = opinion_columns()  # opinion facts read straight from a column: fact -> column
    query = (
        sa.select(o.id, o.number, o.version, o.lead_unit_id, Deputy.name, Deputy.delegation,
                  *(getattr(o, column) for column in stored.values()))
        .join(Deputy, Deputy.id == o.lead_deputy_id)
        .where(o.session_id == session_id)
    )
    for opinion_id, number_text, version, lead_unit_id, deputy, delegation, *values in (
            db_session.execute(query)):
        number = int(number_text)
        numbers[opinion_id] = number
        ids[number] = opinion_id
        versions[number] = version
        state.opinions[number] = OpinionFacts(
            lead_deputy=deputy, delegation=delegation, lead_unit=units[lead_unit_id],
            **dict(zip(stored, values, strict=True)),
        )
    in_session = sa.select(Opinion.id).where(Opinion.session_id == session_id)
    _co_handlings(db_session, state, numbers, units, in_session)
    if "opinions" in kinds:
        _cosigners(db_session, state, numbers, in_session)
    for kind, loader in _CHILD_LOADERS.items():
        if kind in kinds:
            loader(db_session, state, numbers, in_session)


def _co_handlings(db_session: orm.Session, state: State, numbers: dict[int, int],
                  units: dict[int, str], in_session: sa.Select) -> None:
    ids = state.ids.setdefault("co_handlings", {})
    query = (
        sa.select(CoHandling.id, CoHandling.opinion_id, CoHandling.unit_id,
                  CoHandling.submitted_on, CoHandling.lead_grade, CoHandling.deputy_grade)
        .where(CoHandling.opinion_id.in_(in_session))
        .order_by(CoHandling.id)
    )
    for co_id, opinion_id, unit_id, submitted_on, lead_grade, deputy_grade in db_session.execute(
            query):
        number, unit = numbers[opinion_id], units[unit_id]
        facts = state.opinions[number]
        facts.co_units.append(unit)
        facts.own("co")[unit] = CoFacts(submitted_on, lead_grade, deputy_grade)
        ids[number, unit] = co_id


def _cosigners(db_session: orm.Session, state: State, numbers: dict[int, int],
               in_session: sa.Select) -> None:
    ids = state.ids.setdefault("cosigners", defaultdict(set))
    link = opinion_cosigners.c
    query = (
        sa.select(link.opinion_id, link.deputy_id, Deputy.name)
        .join(Deputy, Deputy.id == link.deputy_id)
        .where(link.opinion_id.in_(in_session))
        .order_by(link.opinion_id, Deputy.id)
    )
    for opinion_id, deputy_id, name in db_session.execute(query):
        number = numbers[opinion_id]
        state.opinions[number].cosigners.append(name)
        ids[number].add(deputy_id)


def _contacts(db_session: orm.Session, state: State, numbers: dict[int, int],
              in_session: sa.Select) -> None:
    ids = state.ids.setdefault("contacts", {})
    c = Contact
    query = (sa.select(c.id, c.opinion_id, c.stage, c.contacted_on, c.method)
             .where(c.opinion_id.in_(in_session)).order_by(c.id))
    for contact_id, opinion_id, stage, on, method in db_session.execute(query):
        number = numbers[opinion_id]
        state.opinions[number].own("contacts").setdefault((stage, on), ContactFacts(method))
        ids.setdefault((number, stage, on), contact_id)


def _progress(db_session: orm.Session, state: State, numbers: dict[int, int],
              in_session: sa.Select) -> None:
    ids = state.ids.setdefault("progress_reports", {})
    p = ProgressReport
    query = (sa.select(p.id, p.opinion_id, p.reported_on, p.text)
             .where(p.opinion_id.in_(in_session)).order_by(p.id))
    for report_id, opinion_id, on, text in db_session.execute(query):
        number = numbers[opinion_id]
        state.opinions[number].own("progress").setdefault(on, ProgressFacts(text))
        ids.setdefault((number, on), report_id)


def _evaluations(db_session: orm.Session, state: State, numbers: dict[int, int],
                 in_session: sa.Select) -> None:
    ids = state.ids.setdefault("evaluations", {})
    e = Evaluation
    query = (sa.select(e.id, e.opinion_id, e.evaluated_on, e.agrees, e.grade, e.praised,
                       e.consents_to_publish)
             .where(e.opinion_id.in_(in_session)).order_by(e.id))
    for evaluation_id, opinion_id, on, agrees, grade, praised, consent in db_session.execute(
            query):
        number = numbers[opinion_id]
        state.opinions[number].own("evaluations").setdefault(
            on, EvaluationFacts(agrees, grade, praised, consent))
        ids.setdefault((number, on), evaluation_id)


_CHILD_LOADERS = {"contacts": _contacts, "progress": _progress, "evaluations": _evaluations}
