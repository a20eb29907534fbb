"""The ranking as a table of cells: one header row, one row per unit, in rank order.

The text the CLI prints and the sheet the performance-assessment office receives are both
this table; cells are ints, Decimals, text, or None for nothing.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scoring import adjustments, co, lead
from scoring.rules import tier_name

LEAD_COMPONENTS = (lead.SATISFACTION, lead.RESOLUTION, lead.CONTACT, lead.TIMELINESS)
CO_COMPONENTS = (co.LEAD_GRADE, co.DEPUTY_GRADE, co.TIMELINESS)
COMPONENTS = LEAD_COMPONENTS + CO_COMPONENTS
ADJUSTMENTS = (
    adjustments.PRAISE,
    adjustments.RETURN,
    adjustments.NOTICE,
    adjustments.UNSIGNED_REFERENCE,
    adjustments.LIAISON,
)
Cell = int | Decimal | str | None


@dataclass(frozen=True, slots=True)
class RankingTable:
    """Header and rows of a ranking; `tiers` holds each row's tier (None: not advanced)."""

    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    tiers: tuple[int | None, ...]


def _labels(units: list[dict[str, Any]], key: str, known: tuple[str, ...]) -> list[str]:
    # Known labels in the rules' order; one scoring may add later goes after them.
    seen = dict.fromkeys(label for unit in units for label in unit[key])
    return [label for label in known if label in seen] + [x for x in seen if x not in known]


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def ranking_table(result: dict[str, Any]) -> RankingTable:
    """Return the table of a result in the shape of `scoring.assessment_json`."""
    units = result["units"]
    components = _labels(units, "components", COMPONENTS)
    adjusted = _labels(units, "adjustments", ADJUSTMENTS)
    header = (
        "名次",
        "承办单位",
        "主办件数",
        "会办件数",
        *components,
        "主办得分",
        "会办得分",
        "基础分",
        *adjusted,
        "最终得分",
        "超期次数",
        "联络员调整次数",
        "先进档次",
        "绩效考核加分",
    )
    rows = tuple(
        (
            unit["rank"],
            unit["unit"],
            unit["lead"],
            unit["co"],
            *(_number(unit["components"].get(label)) for label in components),
            _number(unit["lead_score"]),
            _number(unit["co_score"]),
            _number(unit["base"]),
            *(_number(unit["adjustments"].get(label)) for label in adjusted),
            _number(unit["final"]),
            unit["overdue"],
            unit["liaison_changes"],
            tier_name(unit["tier"]) if unit["tier"] else None,
            _number(unit["bonus"]),
        )
        for unit in units
    )
    return RankingTable(header, rows, tuple(unit["tier"] for unit in units))
