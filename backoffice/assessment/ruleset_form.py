"""The ruleset form: every number of a `Ruleset` as a labelled field, read back and checked.

No Flask here: the view hands over the posted fields and gets back a ruleset, or the
Chinese messages of `Ruleset.validate()` (and of unreadable numbers) keyed by the field
each one is about, so the page shows every message next to its field. The fields follow
the Ruleset dataclass, so a rule added to `scoring` appears in the form by itself.
"""

import typing
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from scoring import Ruleset
from scoring.rules import LABELS, TIER_NAMES, TIMELINESS_LABELS, tier_name

GROUP_TITLES = {
    "grade_values": "满意度等级分值",
    "lead_weights": "主办得分权重",
    "co_weights": "会办得分权重",
}
# The section each plain rule is shown in; a rule not listed here goes to 其他.
SECTION_OF = {
    "co_handling_share": "base",
    "praise_points": "adjustments",
    "praise_cap": "adjustments",
    "return_penalty": "adjustments",
    "notice_penalty": "adjustments",
    "unsigned_reference_penalty": "adjustments",
    "liaison_tolerance": "adjustments",
    "liaison_penalty": "adjustments",
    "min_score": "advanced",
    "min_lead": "advanced",
    "exclude_overdue": "advanced",
    "downgrade_overdue": "advanced",
    "advanced": "advanced",
}
SECTION_TITLES = {
    "base": "基础分",
    "adjustments": "加减分（扣分填写扣除的分数）",
    "advanced": "先进单位",
}
HINTS = {"downgrade_overdue": "留空表示不降档"}
TIERS = "tiers"
MAX_TIERS = len(TIER_NAMES)
# Messages about the tiers as a whole start so: "各档名额之和…", "各档加分须…".
_ALL_TIERS = "各档"


@dataclass(frozen=True, slots=True)
class RuleField:
    """One number of the ruleset; `name` is the input's name ("grade_values.good")."""

    name: str
    label: str
    kind: type  # Decimal or int
    optional: bool = False  # blank means None
    hint: str = ""


@dataclass(frozen=True, slots=True)
class RuleGroup:
    """A titled set of fields shown together; its name also keys messages about it."""

    name: str
    title: str
    fields: tuple[RuleField, ...]


@dataclass(frozen=True, slots=True)
class Parsed:
    """A ruleset read from a form, or the messages by field name ("" for the whole form)."""

    ruleset: Ruleset | None
    errors: dict[str, list[str]]


def _kind(hint: Any) -> tuple[type, bool]:
    args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    return (args[0], True) if args else (hint, False)


def _field(name: str, key: str, hint: Any, owner: type) -> RuleField:
    kind, optional = _kind(hint)
    label = TIMELINESS_LABELS[owner] if key == "timeliness" else LABELS.get(key, key)
    return RuleField(name, label, kind, optional, HINTS.get(key, ""))


def _groups() -> tuple[RuleGroup, ...]:
    hints = typing.get_type_hints(Ruleset)
    nested, sections = [], {}
    for item in fields(Ruleset):
        kind = hints[item.name]
        if item.name in ("year", TIERS):
            continue
        if is_dataclass(kind):
            inner = typing.get_type_hints(kind)
            nested.append(
                RuleGroup(
                    item.name,
                    GROUP_TITLES.get(item.name, item.name),
                    tuple(
                        _field(f"{item.name}.{f.name}", f.name, inner[f.name], kind)
                        for f in fields(kind)
                    ),
                )
            )
        else:
            section = SECTION_OF.get(item.name, "other")
            sections.setdefault(section, []).append(_field(item.name, item.name, kind, Ruleset))
    return (
        *nested,
        *(
            RuleGroup(name, SECTION_TITLES.get(name, "其他"), tuple(found))
            for name, found in sections.items()
        ),
    )


GROUPS = _groups()
FIELDS = tuple(field for group in GROUPS for field in group.fields)


def tier_field(row: int, part: str) -> str:
    """Return the input name of a tier row's size or bonus (row from 0)."""
    return f"{TIERS}-{row}-{part}"


def form_values(ruleset: Ruleset) -> dict[str, str]:
    """Return the ruleset as the text of each input."""
    plain = ruleset.to_dict()
    values = {}
    for field in FIELDS:
        value: Any = plain
        for part in field.name.split("."):
            value = value[part]
        values[field.name] = "" if value is None else str(value)
    for row, tier in enumerate(plain[TIERS]):
        values[tier_field(row, "size")] = str(tier["size"])
        values[tier_field(row, "bonus")] = str(tier["bonus"])
    return values


def tier_rows(values: Mapping[str, str]) -> int:
    """Return how many tier rows to show: those filled in and two blank ones."""
    filled = [
        row
        for row in range(MAX_TIERS)
        if values.get(tier_field(row, "size"), "").strip()
        or values.get(tier_field(row, "bonus"), "").strip()
    ]
    return min(MAX_TIERS, (max(filled) + 1 if filled else 0) + 2)


def parse_ruleset(year: int, data: Mapping[str, str]) -> Parsed:
    """Read a ruleset for year from the posted fields and check it; change nothing."""
    errors: dict[str, list[str]] = {}
    plain: dict[str, Any] = {"year": year}
    for field in FIELDS:
        value = _number(field.label, field.kind, field.optional, data.get(field.name, ""))
        if isinstance(value, _Problem):
            errors.setdefault(field.name, []).append(value.message)
            continue
        *groups, key = field.name.split(".")
        target = plain
        for group in groups:
            target = target.setdefault(group, {})
        target[key] = _plain(value)
    plain[TIERS], rows = _tiers(data, errors)
    if errors:
        return Parsed(None, errors)
    ruleset = Ruleset.from_dict(plain)
    for message in ruleset.validate():
        errors.setdefault(_on_row(field_of_message(message), rows), []).append(message)
    return Parsed(None if errors else ruleset, errors)


def _on_row(name: str, rows: list[int]) -> str:
    """Move a message about the n-th tier to the form row it was read from."""
    parts = name.split("-")
    if len(parts) == 3 and parts[0] == TIERS:
        return tier_field(rows[int(parts[1])], parts[2])
    return name


@dataclass(frozen=True, slots=True)
class _Problem:
    message: str


def _number(label: str, kind: type, optional: bool, text: str) -> Any:
    text = text.strip()
    if not text:
        return None if optional else _Problem(f"请填写{label}。")
    if kind is int:
        try:
            return int(text)
        except ValueError:
            return _Problem(f"{label}须为整数，“{text}”不是整数。")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return _Problem(f"{label}须为数字，“{text}”不是数字。")
    if not value.is_finite():
        return _Problem(f"{label}须为数字，“{text}”不是数字。")
    return value


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _tiers(
    data: Mapping[str, str], errors: dict[str, list[str]]
) -> tuple[list[dict[str, Any]], list[int]]:
    """Return the filled-in tier rows, in order, and the form row each was read from."""
    tiers, rows = [], []
    for row in range(MAX_TIERS):
        size_name, bonus_name = tier_field(row, "size"), tier_field(row, "bonus")
        size_text, bonus_text = data.get(size_name, ""), data.get(bonus_name, "")
        if not size_text.strip() and not bonus_text.strip():
            continue
        name = tier_name(len(tiers) + 1)
        size = _number(f"{name}名额", int, False, size_text)
        bonus = _number(f"{name}加分", Decimal, False, bonus_text)
        for input_name, value in ((size_name, size), (bonus_name, bonus)):
            if isinstance(value, _Problem):
                errors.setdefault(input_name, []).append(value.message)
        tiers.append({"size": size, "bonus": _plain(bonus)})
        rows.append(row)
    if not tiers:
        errors.setdefault(TIERS, []).append("请至少填写一档的名额和加分。")
    return tiers, rows


def _candidates() -> list[tuple[str, str]]:
    """Return (words a message may name, the field it is then about)."""
    found = [(field.label, field.name) for field in FIELDS]
    found += [(group.title, group.name) for group in GROUPS]
    for row in range(MAX_TIERS):
        found.append((f"{tier_name(row + 1)}名额", tier_field(row, "size")))
        found.append((f"{tier_name(row + 1)}加分", tier_field(row, "bonus")))
    found.append((_ALL_TIERS, TIERS))
    return found


_CANDIDATES = _candidates()


def field_of_message(message: str) -> str:
    """Return the field a validation message is about: the one it names first ("" if none).

    A message names its subject first ("降档的超期次数须…小于不得评先进的超期次数"); at the
    same place the longer name wins ("会办-时限权重" over "时限权重").
    """
    named = [
        (message.find(words), -len(words), name) for words, name in _CANDIDATES if words in message
    ]
    return min(named)[2] if named else ""
