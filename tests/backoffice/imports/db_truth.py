"""The facts a session holds in the database, in the shape of the samples' truth.json.

Read through plain ORM navigation, apart from the importer's own queries, so that an
import can only match truth.json if it wrote every fact.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import CongressSession, Deputy, LiaisonTerm, Notice, Opinion, Unit


def _iso(day: Any) -> str | None:
    return day.isoformat() if day else None


def _sorted(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=repr)


def session_truth(name: str) -> dict[str, Any]:
    """Return the session's facts and every unit, deputy, liaison term and notice."""
    session = db.session.scalar(sa.select(CongressSession).where(CongressSession.name == name))
    opinions = db.session.scalars(sa.select(Opinion).where(Opinion.session_id == session.id)
                                  .order_by(Opinion.number)).all()
    return {
        "session": session.name,
        "year": session.year,
        "assigned": _iso(min(o.assigned_on for o in opinions)),
        "units": _sorted([{"name": u.name, "kind": u.kind,
                           "aliases": sorted(a.alias for a in u.aliases)}
                          for u in db.session.scalars(sa.select(Unit))]),
        "deputies": _sorted([{"name": d.name, "delegation": d.delegation, "phone": d.phone}
                             for d in db.session.scalars(sa.select(Deputy))]),
        "opinions": [_opinion(o) for o in opinions],
        "liaisons": _sorted([{"unit": t.unit.name, "start": _iso(t.started_on),
                              "end": _iso(t.ended_on), "name": t.person, "phone": t.phone}
                             for t in db.session.scalars(sa.select(LiaisonTerm))]),
        "notices": _sorted([{"on": _iso(n.issued_on), "kind": n.kind, "unit": n.unit.name,
                             "reason": n.reason or None}
                            for n in db.session.scalars(sa.select(Notice))]),
    }


def truth_as_stored(truth: dict[str, Any]) -> dict[str, Any]:
    """Return truth.json (without what no sheet carries) with lists in the order above."""
    kept = {key: truth[key] for key in ("session", "year", "assigned", "opinions")}
    kept["units"] = _sorted([{**u, "aliases": sorted(u["aliases"])} for u in truth["units"]])
    for key in ("deputies", "liaisons", "notices"):
        kept[key] = _sorted(truth[key])
    kept["opinions"] = [
        {**{k: v for k, v in o.items() if k != "content"}, "cosigners": sorted(o["cosigners"]),
         "contacts": _sorted(o["contacts"]), "history": _history(o)}
        for o in truth["opinions"]]
    return kept


def _history(opinion: dict[str, Any]) -> list[tuple]:
    """Return the evaluation rows truth.json implies: a 不同意, then the latest 同意."""
    rows = []
    if opinion["returned"]:
        rows.append((opinion["returned"]["disagreed_on"], False, None, False, False))
    if final := opinion["evaluation"]:
        rows.append((final["evaluated_on"], True, final["grade"], opinion["praised"],
                     final["consent_publish"]))
    return rows


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
        "delegation": opinion.lead_deputy.delegation,
        "cosigners": sorted(d.name for d in opinion.cosigners),
        "category": opinion.category,
        "lead_unit": opinion.lead_unit.name,
        "co_units": [c.unit.name for c in co_handlings],
        "assigned_on": _iso(opinion.assigned_on),
        "answer_type": opinion.answer_type,
        "accepted_on": _iso(opinion.accepted_on),
        "consulted_on": _iso(opinion.consulted_on),
        "consult_method": opinion.consult_method,
        "replied_on": _iso(opinion.replied_on),
        "co_handling": [{"unit": c.unit.name, "submitted_on": _iso(c.submitted_on),
                         "lead_rating": c.lead_grade, "deputy_rating": c.deputy_grade}
                        for c in co_handlings],
        "concluded_on": _iso(opinion.concluded_on),
        "supervisor": opinion.supervisor,
        "evaluation": {"grade": latest.grade, "agree": True,
                       "evaluated_on": _iso(latest.evaluated_on),
                       "consent_publish": latest.consents_to_publish} if latest else None,
        "praised": bool(latest and latest.praised),
        "returned": {"disagreed_on": _iso(disagreed[0].evaluated_on)} if disagreed else None,
        "contacts": _sorted([{"stage": c.stage, "method": c.method, "on": _iso(c.contacted_on)}
                             for c in opinion.contacts]),
        "feedback": [{"on": _iso(p.reported_on), "text": p.text}
                     for p in opinion.progress_reports],
        "history": [(_iso(e.evaluated_on), e.agrees, e.grade, e.praised, e.consents_to_publish)
                    for e in history],
    }
    if opinion.answer_type == "D":
        facts["approval"] = ({"approver": opinion.signed_off_by,
                              "approved_on": _iso(opinion.signed_off_on)}
                             if opinion.signed_off_by else None)
    if opinion.second_replied_on:
        facts["second_reply_on"] = _iso(opinion.second_replied_on)
    return facts
