"""Load a demo year from its truth.json (until the importers load the workbooks)."""

import json
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

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
)
from importers.vocabulary import NoticeKind


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def load_truth(db_session: orm.Session, path: Path) -> CongressSession:
    """Add the facts of one year's truth.json; the caller commits."""
    truth = json.loads(path.read_text(encoding="utf-8"))
    units = _units(db_session, truth["units"])
    deputies = _deputies(db_session, truth["deputies"])
    _liaisons(db_session, units, truth["liaisons"])
    session = CongressSession(name=truth["session"], year=truth["year"])
    db_session.add(session)
    for fact in truth["opinions"]:
        db_session.add(_opinion(session, units, deputies, fact))
    for fact in truth["notices"]:
        db_session.add(
            Notice(
                issued_on=_day(fact["on"]),
                kind=NoticeKind(fact["kind"]).value,
                unit=units[fact["unit"]],
                reason=fact.get("reason", ""),
            )
        )
    db_session.flush()
    return session


def _units(db_session: orm.Session, facts: list[dict[str, Any]]) -> dict[str, Unit]:
    units = {unit.name: unit for unit in db_session.scalars(sa.select(Unit))}
    for fact in facts:
        unit = units.get(fact["name"])
        if unit is None:
            unit = units[fact["name"]] = Unit(name=fact["name"], kind=fact["kind"])
            db_session.add(unit)
        known = {alias.alias for alias in unit.aliases}
        unit.aliases += [UnitAlias(alias=a) for a in fact["aliases"] if a not in known]
    return units


def _deputies(db_session: orm.Session, facts: list[dict[str, Any]]) -> dict[str, Deputy]:
    existing = {(d.name, d.delegation): d for d in db_session.scalars(sa.select(Deputy))}
    deputies = {}
    for fact in facts:
        deputy = existing.get((fact["name"], fact["delegation"]))
        if deputy is None:
            deputy = Deputy(name=fact["name"], delegation=fact["delegation"])
            db_session.add(deputy)
        deputy.phone = fact.get("phone")
        deputies[fact["name"]] = deputy
    return deputies


def _liaisons(db_session: orm.Session, units: dict[str, Unit], facts: list[dict]) -> None:
    # A roster repeats a term still running; a later roster gives its end.
    for fact in facts:
        unit = units[fact["unit"]]
        started_on = _day(fact["start"])
        key = (fact["name"], started_on)
        term = next((t for t in unit.liaison_terms if (t.person, t.started_on) == key), None)
        if term is None:
            unit.liaison_terms.append(
                LiaisonTerm(person=fact["name"], phone=fact.get("phone"), started_on=started_on)
            )
            term = unit.liaison_terms[-1]
        term.ended_on = _day(fact["end"]) or term.ended_on


def _opinion(
    session: CongressSession, units: dict[str, Unit], deputies: dict[str, Deputy], fact: dict
) -> Opinion:
    approval = fact.get("approval") or {}
    opinion = Opinion(
        session=session,
        number=fact["number"],
        title=fact["title"],
        content=fact.get("content", ""),
        category=fact["category"],
        lead_deputy=deputies[fact["lead_deputy"]],
        cosigners=[deputies[name] for name in fact["cosigners"]],
        lead_unit=units[fact["lead_unit"]],
        assigned_on=_day(fact["assigned_on"]),
        accepted_on=_day(fact["accepted_on"]),
        consulted_on=_day(fact["consulted_on"]),
        consult_method=fact.get("consult_method"),
        replied_on=_day(fact["replied_on"]),
        answer_type=fact["answer_type"],
        concluded_on=_day(fact["concluded_on"]),
        second_replied_on=_day(fact.get("second_reply_on")),
        supervisor=fact["supervisor"],
        signed_off_by=approval.get("approver"),
        signed_off_on=_day(approval.get("approved_on")),
    )
    opinion.co_handlings = [
        CoHandling(
            unit=units[co["unit"]],
            submitted_on=_day(co["submitted_on"]),
            lead_grade=co["lead_rating"],
            deputy_grade=co["deputy_rating"],
        )
        for co in fact["co_handling"]
    ]
    opinion.contacts = [
        Contact(stage=c["stage"], method=c["method"], contacted_on=_day(c["on"]))
        for c in fact["contacts"]
    ]
    opinion.progress_reports = [
        ProgressReport(reported_on=_day(p["on"]), text=p["text"]) for p in fact["feedback"]
    ]
    opinion.evaluations = _evaluations(fact)
    return opinion


def _evaluations(fact: dict) -> list[Evaluation]:
    evaluations = []
    if fact["returned"]:
        evaluations.append(
            Evaluation(evaluated_on=_day(fact["returned"]["disagreed_on"]), agrees=False)
        )
    final = fact["evaluation"]
    if final:
        evaluations.append(
            Evaluation(
                evaluated_on=_day(final["evaluated_on"]),
                agrees=final["agree"],
                grade=final["grade"],
                praised=fact["praised"],
                consents_to_publish=final["consent_publish"],
            )
        )
    elif fact["praised"]:
        raise ValueError(f"第{fact['number']}号意见有表扬但没有评价")
    return evaluations
