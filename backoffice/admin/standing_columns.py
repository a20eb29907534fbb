"""The opinions list's standing columns (办理状态, 下一期限, 当前超期未办), worked out once
per page or export batch (`remember_standings`) rather than once per cell."""

from datetime import date
from typing import Any

from flask import g

from backoffice.extensions import db
from backoffice.models import Opinion
from backoffice.standing import Standing, standings
from scoring.lateness import OVERDUE_NOW

STANDING_LABELS = {"stage": "办理状态", "next_due": "下一期限", "overdue_now": OVERDUE_NOW.label}
STANDING_COLUMNS = tuple(STANDING_LABELS)
STANDING_DESCRIPTIONS = {
    "stage": "截至今天办到哪一步。",
    "next_due": "最早的未完成环节及其期限。",
    "overdue_now": OVERDUE_NOW.explanation,
}


def remember_standings(opinions: list[Opinion]) -> None:
    """Work out the standing of a page's (or a batch's) opinions as of today."""
    g.standings = standings(db.session, opinions, date.today())


def _standing_of(opinion: Opinion) -> Standing:
    known = g.get("standings") or {}
    if opinion.id not in known:  # a row outside the page (it cannot be: fail safe)
        remember_standings([opinion])
        known = g.standings
    return known[opinion.id]


def _column(field: str):
    def formatter(view: Any, context: Any, model: Opinion, name: str) -> str:
        return getattr(_standing_of(model), field)

    return formatter


STANDING_FORMATTERS = {
    "stage": _column("stage"), "next_due": _column("next_due"),
    "overdue_now": _column("overdue"),
}
