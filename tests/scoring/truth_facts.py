"""Build a year's facts from a sample truth.json, as the back-office would from its tables."""

import json
from datetime import date
from pathlib import Path

from scoring import CoHandling, LiaisonTerm, Notice, Opinion, Unit, YearFacts

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "backoffice" / "demo" / "data"
EXPECTED = ROOT / "tests" / "fixtures" / "expected"


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def truth(year: int) -> dict:
    """Return the sample truth.json of a year."""
    return json.loads((DATA / str(year) / "truth.json").read_text(encoding="utf-8"))


def expected_assessment(year: int) -> dict:
    """Return the `assessment` the rules must give for a sample year."""
    expected = json.loads((EXPECTED / f"{year}.json").read_text(encoding="utf-8"))
    return expected["assessment"]


def truth_facts(year: int) -> YearFacts:
    """Return the facts a sample year's truth.json encodes."""
    data = truth(year)
    # All opinions of a sample year are assigned on one day, so they share due dates.
    deadlines = {key: date.fromisoformat(value) for key, value in data["deadlines"].items()}
    opinions = tuple(_opinion(raw, deadlines) for raw in data["opinions"])
    co_handlings = tuple(
        CoHandling(
            unit=co["unit"],
            opinion=raw["number"],
            due=deadlines["co_opinion"],
            submitted_on=_day(co["submitted_on"]),
            lead_grade=co["lead_rating"],
            deputy_grade=co["deputy_rating"],
        )
        for raw in data["opinions"]
        for co in raw["co_handling"]
    )
    return YearFacts(
        year=data["year"],
        as_of=date.fromisoformat(data["as_of"]),
        units=tuple(Unit(unit["name"]) for unit in data["units"]),
        opinions=opinions,
        co_handlings=co_handlings,
        notices=tuple(
            Notice(n["unit"], date.fromisoformat(n["on"]), n["kind"], n["reason"])
            for n in data["notices"]
        ),
        liaison_terms=tuple(
            LiaisonTerm(t["unit"], date.fromisoformat(t["start"]), _day(t["end"]), t["name"])
            for t in data["liaisons"]
        ),
    )


def _opinion(raw: dict, deadlines: dict[str, date]) -> Opinion:
    evaluation = raw.get("evaluation") or {}
    approval = raw.get("approval") or {}
    return Opinion(
        number=raw["number"],
        lead_unit=raw["lead_unit"],
        assigned_on=date.fromisoformat(raw["assigned_on"]),
        acceptance_due=deadlines["accept"],
        consultation_due=deadlines["consult"],
        reply_due=deadlines["reply"],
        accepted_on=_day(raw.get("accepted_on")),
        consulted_on=_day(raw.get("consulted_on")),
        replied_on=_day(raw.get("replied_on")),
        answer_type=raw.get("answer_type"),
        concluded_on=_day(raw.get("concluded_on")),
        grade=evaluation.get("grade"),
        praised=raw["praised"],
        returned=raw.get("returned") is not None,
        signed_off_on=_day(approval.get("approved_on")),
        contact_stages=frozenset(contact["stage"] for contact in raw.get("contacts", [])),
    )
