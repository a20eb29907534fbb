"""Plan the directory sheets: units with aliases, deputies, liaison terms, notices."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from importers.planning.context import (
    Context,
    Row,
    creation,
    plain,
    updated,
    wanted,
)
from importers.planning.plan import Outcome, RowPlan
from importers.planning.state import DeputyFacts, LiaisonFacts, NoticeFacts, UnitFacts
from importers.records import Record
from importers.values import BadValue, squeeze


def plan_units(records: Sequence[Record], context: Context) -> list[RowPlan]:
    """A unit matches by its name or any alias; its aliases are the sheet's."""
    units = context.state.units
    owners = {squeeze(spelling): name for name, facts in units.items()
              for spelling in (name, *facts.aliases)}
    rows = []
    for record in records:
        row = context.row(record)
        written = record["name"]
        if row.failed or not written:
            context.failing("units", written, record)
            rows.append(row.erred())
            continue
        name = owners.get(squeeze(written), written)
        values = wanted(record, ("kind", "aliases"))
        if values.get("kind") is None:
            values.pop("kind", None)  # a unit is always of a kind: a blank leaves it
        if "aliases" in values:
            values["aliases"] = _aliases(row, name, written, values["aliases"], owners)
        facts = units.get(name)
        if facts is None and not values.get("kind"):
            row.error("kind", "新增单位须填写单位类别（委办局或街镇）", None)
        if row.failed:
            context.failing("units", name, record)
            rows.append(row.erred())
            continue
        for alias in values.get("aliases", ()):
            owners[squeeze(alias)] = name
        owners[squeeze(name)] = name
        if facts is None:
            context.created("units", name, UnitFacts(**values))
            rows.append(row.ended(Outcome.CREATE, creation({"name": name, **values})))
            continue
        row.refs = {"unit": name}
        rows.append(updated(row, facts, values, partial(context.mine, "units", name)))
    return rows


def _aliases(row: Row, name: str, written: str, aliases: list[str],
             owners: dict[str, str]) -> list[str]:
    """Return the unit's aliases: the sheet's, and the name it was written under."""
    kept = []
    for alias in [*aliases, written]:
        owner = owners.get(squeeze(alias), name)
        if owner != name:
            row.error("aliases", f"别名“{alias}”已是单位“{owner}”的名称或别名", alias)
        elif squeeze(alias) != squeeze(name) and alias not in kept:
            kept.append(alias)
    return kept


def plan_deputies(records: Sequence[Record], context: Context) -> list[RowPlan]:
    """A deputy matches by name and delegation; by name alone when the sheet has no delegation."""
    deputies = context.state.deputies
    rows = []
    for record in records:
        row = context.row(record)
        name = record["name"]
        if row.failed:
            rows.append(row.erred())
            continue
        delegation = record.get("delegation") or ""
        key = (name, delegation)
        if not delegation and context.deputies.named(name):
            try:
                key = context.deputies.find(name)
            except BadValue as error:
                row.error("name", str(error), name)
                rows.append(row.erred())
                continue
        values = wanted(record, ("phone",))
        row.refs = {"deputy": key}
        facts = deputies.get(key)
        if facts is None:
            context.created("deputies", key, DeputyFacts(**values))
            context.deputies.add(key)
            changes = creation({"name": name, "delegation": key[1], **values})
            rows.append(row.ended(Outcome.CREATE, changes))
            continue
        rows.append(updated(row, facts, values, partial(context.mine, "deputies", key)))
    return rows


def plan_liaisons(records: Sequence[Record], context: Context) -> list[RowPlan]:
    """A liaison term matches by unit and start; a later roster adds its end."""
    terms = context.state.liaisons
    rows = []
    for record in records:
        row = context.row(record)
        if not row.failed:
            context.unit(row, "unit", record["unit"])
        start, end = record["start"], record.get("end")
        if not row.failed and end is not None and end < start:
            row.error("end", f"截止日期不能早于起始日期（{start.isoformat()}）")
        if row.failed:
            rows.append(row.erred())
            continue
        key = (record["unit"], start)
        values = wanted(record, ("name", "phone", "end"))
        facts = terms.get(key)
        if facts is None:
            context.created("liaisons", key, LiaisonFacts(**values))
            changes = creation({"unit": key[0], "start": start, **values})
            rows.append(row.ended(Outcome.CREATE, changes))
            continue
        rows.append(updated(row, facts, values, partial(context.mine, "liaisons", key)))
    return rows


def plan_notices(records: Sequence[Record], context: Context) -> list[RowPlan]:
    """A notice line matches by date, unit and kind."""
    notices = context.state.notices
    rows = []
    for record in records:
        row = context.row(record)
        if not row.failed:
            context.unit(row, "unit", record["unit"])
        if row.failed:
            rows.append(row.erred())
            continue
        key = (record["on"], record["unit"], plain(record["kind"]))
        values = wanted(record, ("reason",))
        facts = notices.get(key)
        if facts is None:
            context.created("notices", key, NoticeFacts(**values))
            changes = creation({"on": key[0], "kind": key[2], "unit": key[1], **values})
            rows.append(row.ended(Outcome.CREATE, changes))
            continue
        rows.append(updated(row, facts, values, partial(context.mine, "notices", key)))
    return rows
