"""A session's facts in the database next to truth.json's, both in one comparable order.

The database side is `tests.backoffice.export_truth.database_truth` (plain ORM navigation,
apart from the importer's queries) plus each opinion's whole evaluation history.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import CongressSession, Evaluation, Opinion
from tests.backoffice.export_truth import database_truth


def _sorted(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=repr)


def session_truth(name: str) -> dict[str, Any]:
    """Return the session's facts with every opinion's evaluation rows, as stored."""
    session = db.session.scalar(sa.select(CongressSession).where(CongressSession.name == name))
    facts = database_truth(db.session, session)
    history = _histories(session)
    for opinion in facts["opinions"]:
        opinion["cosigners"] = sorted(opinion["cosigners"])
        opinion["contacts"] = _sorted(opinion["contacts"])
        opinion["history"] = history.get(opinion["number"], [])
    return facts


def _histories(session: CongressSession) -> dict[str, list[tuple]]:
    e = Evaluation
    query = (sa.select(Opinion.number, e.evaluated_on, e.agrees, e.grade, e.praised,
                       e.consents_to_publish)
             .join(Opinion, Opinion.id == e.opinion_id)
             .where(Opinion.session_id == session.id).order_by(e.evaluated_on, e.id))
    found: dict[str, list[tuple]] = {}
    for number, on, *values in db.session.execute(query):
        found.setdefault(number, []).append((on.isoformat(), *values))
    return found


def truth_as_stored(truth: dict[str, Any]) -> dict[str, Any]:
    """Return truth.json (without what no sheet carries) in the order of `session_truth`."""
    kept = {key: truth[key] for key in ("session", "year", "assigned")}
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
