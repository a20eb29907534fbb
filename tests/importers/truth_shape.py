"""Turn what the importers read into the shape of the samples' truth.json."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from importers.reading import ReadResult
from importers.records import Record

# truth.json keys no sheet carries: the profile, the report date and the default deadlines,
# and each opinion's content (the 2017 sheets carry only its title).
NOT_IN_SHEETS = ("profile", "as_of", "deadlines")
OPINION_KEYS_NOT_IN_SHEETS = ("content",)


def comparable_truth(truth: dict[str, Any]) -> dict[str, Any]:
    """Return truth.json without the facts no sheet carries."""
    kept = {key: value for key, value in truth.items() if key not in NOT_IN_SHEETS}
    kept["opinions"] = [
        {key: value for key, value in opinion.items() if key not in OPINION_KEYS_NOT_IN_SHEETS}
        for opinion in truth["opinions"]
    ]
    return kept


def truth_shape(result: ReadResult, session: str, year: int) -> dict[str, Any]:
    """Return the facts the records encode, shaped like truth.json."""
    opinions = result.records("opinions")
    assigned = {r["assigned_on"] for r in opinions if r["assigned_on"] is not None}
    return {
        "session": session,
        "year": year,
        "assigned": _iso(min(assigned)) if assigned else None,
        "units": [_plain(r, "name", "kind", "aliases") for r in result.records("units")],
        "deputies": [_plain(r, "name", "delegation", "phone") for r in result.records("deputies")],
        "opinions": _opinions(result),
        "liaisons": [_plain(r, "unit", "start", "end", "name", "phone")
                     for r in result.records("liaisons")],
        "notices": [_plain(r, "on", "kind", "unit", "reason") for r in result.records("notices")],
    }


def _opinions(result: ReadResult) -> list[dict[str, Any]]:
    handling = _one_per_number(result.records("handling"))
    signoffs = _one_per_number(result.records("signoffs"))
    contacts = _per_number(result.records("contacts"))
    progress = _per_number(result.records("progress"))
    evaluations = _per_number(result.records("evaluations"))
    co_ratings = {(r["number"], r["co_unit"]): r for r in result.records("co-evaluations")}
    shaped = []
    # A record whose number could not be read states no opinion's facts.
    numbered = [r for r in result.records("opinions") if r["number"] is not None]
    for opinion in sorted(numbered, key=lambda r: r["number"]):
        number = opinion["number"]
        report = handling.get(number)
        history = sorted(evaluations.get(number, []),
                         key=lambda r: (r["evaluated_on"] is None, r["evaluated_on"] or date.min))
        agreed = [r for r in history if r["agree"]]
        latest = agreed[-1] if agreed else None
        disagreed = [r for r in history if not r["agree"]]
        deputy_grades = {pair.unit: pair.grade for pair in latest["co_grades"]} if latest else {}
        facts = {
            "number": f"{number:04d}",
            **_plain(opinion, "title", "lead_deputy", "delegation", "cosigners", "category",
                     "lead_unit", "co_units", "assigned_on"),
            "answer_type": _value(report and report["answer_type"]),
            "accepted_on": _value(report and report["accepted_on"]),
            "consulted_on": _value(report and report["consulted_on"]),
            "consult_method": _value(report and report["consult_method"]),
            "replied_on": _value(report and report["replied_on"]),
            "co_handling": [
                {
                    "unit": unit,
                    "submitted_on": _value(co_ratings[number, unit]["submitted_on"]),
                    "lead_rating": _value(co_ratings[number, unit]["rating"]),
                    "deputy_rating": _value(deputy_grades.get(unit)),
                }
                for unit in opinion["co_units"] if (number, unit) in co_ratings
            ],
            "concluded_on": _value(report["concluded_on"]) if report and report["concluded"]
            else None,
            "supervisor": opinion["supervisor"],
            "evaluation": {
                "grade": _value(latest["grade"]),
                "agree": True,
                "evaluated_on": _iso(latest["evaluated_on"]),
                "consent_publish": latest["consent_publish"],
            } if latest else None,
            "praised": bool(latest and latest["praised"]),
            "returned": {"disagreed_on": _iso(disagreed[0]["evaluated_on"])} if disagreed else None,
            "contacts": [_plain(r, "stage", "method", "on") for r in contacts.get(number, [])],
            "feedback": [_plain(r, "on", "text") for r in progress.get(number, [])],
        }
        if report and report["answer_type"] == "D":
            signoff = signoffs.get(number)
            facts["approval"] = _plain(signoff, "approver", "approved_on") if signoff else None
        if report and report["second_reply_on"]:
            facts["second_reply_on"] = _iso(report["second_reply_on"])
        shaped.append(facts)
    return shaped


def _one_per_number(records: list[Record]) -> dict[int, Record]:
    return {r["number"]: r for r in records}


def _per_number(records: list[Record]) -> dict[int, list[Record]]:
    grouped: dict[int, list[Record]] = defaultdict(list)
    for record in records:
        grouped[record["number"]].append(record)
    return grouped


def _plain(record: Record, *names: str) -> dict[str, Any]:
    return {name: _value(record[name]) for name in names}


def _value(value: Any) -> Any:
    if isinstance(value, date):
        return _iso(value)
    if isinstance(value, list):
        return [_value(item) for item in value]
    if isinstance(value, str):
        return str(value)  # an enum member becomes its plain value
    return value


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
