"""Plan what happens around an opinion: contacts, progress, evaluations, co-handlers' grades."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

from importers.planning.context import (
    Context,
    Row,
    creation,
    plain,
    updated,
    wanted,
)
from importers.planning.plan import Change, Outcome, RowPlan
from importers.planning.state import (
    ContactFacts,
    EvaluationFacts,
    OpinionFacts,
    ProgressFacts,
)
from importers.records import Record
from importers.vocabulary import ContactMethod


def _child(record: Record, context: Context, collection: str, key: Any, values: dict,
           new: Any, row: Row, shown: dict[str, Any]) -> RowPlan:
    """Create or update one of an opinion's children (a contact, a progress report...)."""
    number = record["number"]
    children = getattr(context.state.opinions[number], collection)
    facts = children.get(key)
    if facts is None:
        context.mine("opinions", number).own(collection)[key] = new(**values)
        return row.ended(Outcome.CREATE, creation({"number": number, **shown, **values}))
    return updated(row, facts, values,
                   lambda: getattr(context.mine("opinions", number), collection)[key])


def _co_handling(context: Context, number: int, unit: str) -> Any:
    """Return the plan's own facts of a co-handling, to write changes to."""
    return context.mine("opinions", number).co[unit]


def plan_contacts(records: Sequence[Record], context: Context) -> list[RowPlan]:
    """A contact with the deputy matches by opinion, stage and date; the lead unit makes it."""
    rows = []
    for record in records:
        row = context.row(record)
        facts = None if row.failed else context.opinion(row, lead_unit_field="unit")
        if row.failed or facts is None:
            rows.append(row.erred())
            continue
        key = (plain(record["stage"]), record["on"])
        values = wanted(record, ("method",))
        if not values.get("method"):
            # A contact always has a method: a blank leaves a known one, a new one is 其他.
            values.pop("method", None)
            if key not in facts.contacts:
                row.warn("method", f"沟通方式未填写，按“{ContactMethod.OTHER}”记录", None)
                values["method"] = ContactMethod.OTHER.value
        shown = {"unit": record["unit"], "stage": key[0], "on": key[1]}
        rows.append(_child(record, context, "contacts", key, values, ContactFacts, row, shown))
    return rows


def plan_progress(records: Sequence[Record], context: Context) -> list[RowPlan]:
    """A progress report matches by opinion and date."""
    rows = []
    for record in records:
        row = context.row(record)
        facts = None if row.failed else context.opinion(row)
        if row.failed or facts is None:
            rows.append(row.erred())
            continue
        values = wanted(record, ("text",))
        shown = {"lead_unit": facts.lead_unit, "on": record["on"]}
        rows.append(_child(record, context, "progress", record["on"], values, ProgressFacts,
                           row, shown))
    return rows


def plan_evaluations(records: Sequence[Record], context: Context) -> list[RowPlan]:
    """A deputy's feedback matches by opinion and date.

    The latest 同意 of an opinion carries the deputies' grades of its co-handlers; an
    earlier row's grades were superseded and are not compared.
    """
    latest = _latest_agreement(records, context)
    rows = []
    for record in records:
        row = context.row(record)
        facts = None if row.failed else context.opinion(row)
        grades = None
        if not row.failed and facts is not None:
            deputy = record.get("lead_deputy")
            if deputy and facts.lead_deputy and deputy != facts.lead_deputy:
                row.warn("lead_deputy", f"第{record['number']:04d}号意见的领衔代表是"
                                        f"“{facts.lead_deputy}”，请核对编号")
            if record.get("agree") and latest.get(record["number"]) == record["evaluated_on"]:
                grades = _co_grades(row, facts)
        if row.failed or facts is None:
            rows.append(row.erred())
            continue
        values = wanted(record, ("agree", "grade", "praised", "consent_publish"))
        _refuse_graded_disagreement(row, values, facts.evaluations.get(record["evaluated_on"]))
        if row.failed:
            rows.append(row.erred())
            continue
        shown = {"lead_unit": facts.lead_unit, "evaluated_on": record["evaluated_on"]}
        plan = _child(record, context, "evaluations", record["evaluated_on"], values,
                      EvaluationFacts, row, shown)
        if grades is not None and plan.outcome is not Outcome.ERROR:
            plan = _with_co_grades(plan, context, facts, grades)
        rows.append(plan)
    return rows


def _refuse_graded_disagreement(row: Row, values: dict,
                                same_day: EvaluationFacts | None) -> None:
    """A 不同意 row without a grade column would turn the day's graded 同意 (recorded on
    the screen, online by the deputy, or by another sheet) into a 不同意 that keeps its
    grade: two evaluations of one day, mixed. Refused at the row's 同意 cell."""
    if values.get("agree") is not False or "grade" in values or same_day is None:
        return
    if same_day.agree and same_day.grade:
        on = row.record["evaluated_on"]
        row.error("agree", f"第{row.record['number']:04d}号意见{on.year}年{on.month}月{on.day}日"
                           f"已有一条“同意、{same_day.grade}”的测评，与本行“不同意”矛盾；"
                           "同一天只能有一条测评，请核对测评日期，或先在书面意见中改正那条测评")


def _latest_agreement(records: Sequence[Record], context: Context) -> dict[int, date]:
    """Return, per opinion, the date of its latest 同意 (in the database or the sheet)."""
    latest: dict[int, date] = {}
    for number, facts in context.state.opinions.items():
        agreed = [on for on, evaluation in facts.evaluations.items() if evaluation.agree]
        if agreed:
            latest[number] = max(agreed)
    for record in records:
        if record.valid and record.get("agree") and record.get("evaluated_on"):
            number, on = record["number"], record["evaluated_on"]
            if number not in latest or on >= latest[number]:
                latest[number] = on
    return latest


def _co_grades(row: Row, facts: OpinionFacts) -> dict[str, str] | None:
    if "co_grades" not in row.record.origin.columns:
        return None
    grades = {}
    for pair in row.record["co_grades"]:
        if pair.unit not in facts.co:
            handlers = "、".join(facts.co) or "无"
            row.error("co_grades", f"“{pair.unit}”不是第{row.record['number']:04d}号意见的"
                                   f"会办单位（会办单位：{handlers}）", pair.unit)
        grades[pair.unit] = plain(pair.grade)
    return grades


def _with_co_grades(plan: RowPlan, context: Context, facts: OpinionFacts,
                    grades: dict[str, str]) -> RowPlan:
    """Add the co-handlers' grades the latest 同意 gives to the row's changes."""
    old = {unit: co.deputy_grade for unit, co in facts.co.items() if co.deputy_grade}
    if old == grades:
        return plan
    number = plan.record["number"]
    for unit, co in context.mine("opinions", number).co.items():
        co.deputy_grade = grades.get(unit)
    outcome = Outcome.UPDATE if plan.outcome is Outcome.UNCHANGED else plan.outcome
    change = Change("co_grades", old or None, grades)
    return RowPlan(plan.record, outcome, (*plan.changes, change), plan.problems, plan.refs)


def plan_co_evaluations(records: Sequence[Record], context: Context) -> list[RowPlan]:
    """A lead unit's grade of a co-handler and when its written opinion came."""
    rows = []
    for record in records:
        row = context.row(record)
        facts = None if row.failed else context.opinion(row)
        unit = record.get("co_unit")
        if facts is not None and not row.failed and unit not in facts.co:
            handlers = "、".join(facts.co) or "无"
            row.error("co_unit", f"“{unit}”不是第{record['number']:04d}号意见的会办单位"
                                 f"（会办单位：{handlers}）", unit)
        if row.failed or facts is None:
            rows.append(row.erred())
            continue
        values = wanted(record, ("submitted_on", "rating"))
        owned = partial(_co_handling, context, record["number"], unit)
        rows.append(updated(row, facts.co[unit], values, owned))
    return rows
