"""The database's facts in the shape of truth.json, read through the ORM (test oracle).

Exports read back through `tests.importers.truth_shape` must give exactly this. It is
written apart from `backoffice.exports` (ORM navigation, not its batched queries), so
the two can only agree if the export carries every value.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.models import (
    CoHandling,
    CongressSession,
    Deputy,
    LiaisonTerm,
    Notice,
    Opinion,
    Unit,
)


def _iso(day: Any) -> str | None:
    return day.isoformat() if day else None


def database_truth(db_session: orm.Session, session: CongressSession) -> dict[str, Any]:
    """Return the session's facts (and the units, deputies, liaisons of every session)."""
    opinions = db_session.scalars(
        sa.select(Opinion).where(Opinion.session_id == session.id).order_by(Opinion.number)
        .options(*(orm.selectinload(relation) for relation in (
            Opinion.evaluations, Opinion.cosigners, Opinion.contacts,
            Opinion.progress_reports)),
            orm.selectinload(Opinion.co_handlings).joinedload(CoHandling.unit),
            orm.joinedload(Opinion.lead_deputy), orm.joinedload(Opinion.lead_unit))
    ).all()
    return {
        "session": session.name,
        "year": session.year,
        "assigned": _iso(min((o.assigned_on for o in opinions), default=None)),
        "units": sorted(
            ({"name": u.name, "kind": u.kind, "aliases": sorted(a.alias for a in u.aliases)}
             for u in db_session.scalars(sa.select(Unit).options(
                 orm.selectinload(Unit.aliases)))), key=repr),
        "deputies": sorted(
            ({"name": d.name, "delegation": d.delegation or None, "phone": d.phone or None}
             for d in db_session.scalars(sa.select(Deputy))), key=repr),
        "opinions": [_opinion(o) for o in opinions],
        "liaisons": sorted(
            ({"unit": t.unit.name, "start": _iso(t.started_on), "end": _iso(t.ended_on),
              "name": t.person, "phone": t.phone or None}
             for t in db_session.scalars(sa.select(LiaisonTerm).options(
                 orm.joinedload(LiaisonTerm.unit)))), key=repr),
        "notices": sorted(
            ({"on": _iso(n.issued_on), "kind": n.kind, "unit": n.unit.name,
              "reason": n.reason or None}
             for n in db_session.scalars(sa.select(Notice).options(orm.joinedload(Notice.unit)))
             if n.issued_on.year == session.year), key=repr),
    }


def _opinion(opinion: Opinion) -> dict[str, Any]:
    history = sorted(opinion.evaluations, key=lambda e: (e.evaluated_on, e.id))
    agreed = [e for e in history if e.agrees]
    latest = agreed[-1] if agreed else None
    disagreed = [e for e in history if not e.agrees]
    co_handlings = sorted(opinion.co_handlings, key=lambda c: c.id)
    facts: dict[str, Any] = {
        "number": opinion.number,
        "title": opinion.title,
        "lead_deputy": opinion.lead_deputy.name,
        "delegation": opinion.lead_deputy.delegation or None,
        "cosigners": [d.name for d in sorted(opinion.cosigners, key=lambda d: d.id)],
        "category": opinion.category,
        "lead_unit": opinion.lead_unit.name,
        "co_units": [c.unit.name for c in co_handlings],
        "assigned_on": _iso(opinion.assigned_on),
        "answer_type": opinion.answer_type,
        "accepted_on": _iso(opinion.accepted_on),
        "consulted_on": _iso(opinion.consulted_on),
        "consult_method": opinion.consult_method,
        "replied_on": _iso(opinion.replied_on),
        "co_handling": [
            {"unit": c.unit.name, "submitted_on": _iso(c.submitted_on),
             "lead_rating": c.lead_grade,
             # A deputy grades co-handlers with an agreeing evaluation, on its sheet row.
             "deputy_rating": c.deputy_grade if latest else None}
            for c in co_handlings
        ],
        "concluded_on": _iso(opinion.concluded_on),
        "supervisor": opinion.supervisor or None,
        "evaluation": {"grade": latest.grade, "agree": True,
                       "evaluated_on": _iso(latest.evaluated_on),
                       "consent_publish": latest.consents_to_publish} if latest else None,
        "praised": bool(latest and latest.praised),
        "returned": {"disagreed_on": _iso(disagreed[0].evaluated_on)} if disagreed else None,
        "contacts": [{"stage": c.stage, "method": c.method, "on": _iso(c.contacted_on)}
                     for c in sorted(opinion.contacts, key=lambda c: (c.contacted_on, c.id))],
        "feedback": [{"on": _iso(p.reported_on), "text": p.text or None}
                     for p in sorted(opinion.progress_reports,
                                     key=lambda p: (p.reported_on, p.id))],
    }
    if opinion.answer_type == "D":
        facts["approval"] = ({"approver": opinion.signed_off_by,
                              "approved_on": _iso(opinion.signed_off_on)}
                             if opinion.signed_off_by else None)
    if opinion.second_replied_on:
        facts["second_reply_on"] = _iso(opinion.second_replied_on)
    return facts


def contents(db_session: orm.Session, session: CongressSession) -> dict[int, str | None]:
    """Return each opinion's content by number (None when empty): sheets carry it too."""
    rows = db_session.execute(sa.select(Opinion.number, Opinion.content)
                              .where(Opinion.session_id == session.id))
    return {int(number): content or None for number, content in rows}
