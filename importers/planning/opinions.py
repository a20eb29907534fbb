"""Plan the opinion sheets: the assignment list, handling reports, D sign-offs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from importers.planning.context import (
    Context,
    Row,
    assign,
    creation,
    differences,
    provided,
    updated,
    wanted,
)
from importers.planning.people import DeputyKey
from importers.planning.plan import Outcome, RowPlan
from importers.planning.state import CoFacts, OpinionFacts
from importers.records import Record
from importers.values import BadValue

ASSIGNMENT_FIELDS = ("title", "content", "category", "lead_unit", "co_units", "assigned_on",
                     "supervisor")
HANDLING_FIELDS = ("accepted_on", "consulted_on", "consult_method", "replied_on", "answer_type",
                   "second_reply_on")
SIGNOFF_FIELDS = ("approver", "approved_on")


def plan_opinions(records: Sequence[Record], context: Context) -> list[RowPlan]:
    """An opinion matches by number in the session; the list gives its assignment."""
    opinions = context.state.opinions
    rows = []
    for record in records:
        row = context.row(record)
        number = record["number"]
        values = {} if row.failed else _assignment(row, context)
        facts = opinions.get(number)
        if facts is None and not row.failed and values.get("assigned_on") is None:
            row.error("assigned_on", "新意见须填写交办日期", None)
        if row.failed:
            context.failing("opinions", number, record)
            rows.append(row.erred())
            continue
        if facts is None:
            created = OpinionFacts(**values)
            if created.co_units:
                created.co = {unit: CoFacts() for unit in created.co_units}
            context.created("opinions", number, created)
            rows.append(row.ended(Outcome.CREATE, creation({"number": number, **values})))
            continue
        changes = differences(facts, values)
        if changes:
            facts = context.mine("opinions", number)
            _drop_co_handlers(row, facts, values.get("co_units"))
            assign(facts, changes)
        rows.append(row.ended(Outcome.UPDATE if changes else Outcome.UNCHANGED, changes))
    return rows


def _assignment(row: Row, context: Context) -> dict[str, Any]:
    """Return the assignment facts the row gives, checking the units and deputies it names."""
    record = row.record
    values = wanted(record, ASSIGNMENT_FIELDS)
    lead_unit = values.get("lead_unit")
    context.unit(row, "lead_unit", lead_unit)
    for unit in values.get("co_units", ()):
        context.unit(row, "co_units", unit)
        if unit == lead_unit:
            row.error("co_units", f"会办单位不能与主办单位相同：{unit}", unit)
    if "lead_deputy" in provided(record, ("lead_deputy",)):
        lead = _lead_deputy(row, context)
        cosigners = _cosigners(row, context, lead[1] if lead else None)
        if lead is not None:
            values["lead_deputy"], values["delegation"] = lead
        if "cosigners" in record.origin.columns:
            values["cosigners"] = [name for name, _delegation in cosigners]
        row.refs = {"lead_deputy": lead, "cosigners": cosigners}
    return values


def _lead_deputy(row: Row, context: Context) -> DeputyKey | None:
    record = row.record
    try:
        return context.deputies.find(record["lead_deputy"], record.get("delegation"))
    except BadValue as error:
        field = "delegation" if "不属于" in str(error) else "lead_deputy"
        row.error(field, str(error))
        return None


def _cosigners(row: Row, context: Context, delegation: str | None) -> list[DeputyKey]:
    keys = []
    for name in row.record.get("cosigners") or ():
        try:
            key, note = context.deputies.find_cosigner(name, delegation)
        except BadValue as error:
            row.error("cosigners", str(error), name)
            continue
        if note:
            row.warn("cosigners", note, name)
        keys.append(key)
    return keys


def _drop_co_handlers(row: Row, facts: OpinionFacts, co_units: list[str] | None) -> None:
    """Keep the co-handling facts of the units still named; say what a dropped one loses."""
    if co_units is None:
        return
    kept = {}
    for unit in co_units:
        kept[unit] = facts.co.get(unit) or CoFacts()
    for unit, co in facts.co.items():
        if unit not in kept and (co.submitted_on or co.rating or co.deputy_grade):
            row.warn("co_units", f"不再会办的“{unit}”的会办意见和评价将被删除", unit)
    facts.co = kept


def plan_handling(records: Sequence[Record], context: Context) -> list[RowPlan]:
    """A lead unit's report fills in an opinion's acceptance, consultation, reply, conclusion."""
    return [_plan_opinion_part(record, context, _handling_values) for record in records]


def _handling_values(record: Record) -> dict[str, Any]:
    values = wanted(record, HANDLING_FIELDS)
    given = provided(record, ("concluded", "concluded_on"))
    if given:
        # A date under 是否办结 = 否 is a plan, not a conclusion.
        concluded = record["concluded"] if "concluded" in given else True
        values["concluded_on"] = record.get("concluded_on") if concluded else None
    return values


def plan_signoffs(records: Sequence[Record], context: Context) -> list[RowPlan]:
    """A D reply's sign-off by the deputy district head."""
    return [_plan_opinion_part(record, context, lambda r: wanted(r, SIGNOFF_FIELDS))
            for record in records]


def _plan_opinion_part(record: Record, context: Context, read: Any) -> RowPlan:
    row = context.row(record)
    facts = None if row.failed else context.opinion(row)
    if row.failed or facts is None:
        return row.erred()
    return updated(row, facts, read(record), lambda: context.mine("opinions", record["number"]))
