"""The lists' standing columns, worked out once per page or export batch rather than once
per cell: an opinion's 办理状态, 下一期限 and 当前超期未办 (`remember_standings`), a
co-handling's own 会办意见 deadline and how it stands (`remember_own_deadlines`)."""

from datetime import date
from typing import Any

from flask import g

from backoffice.admin.filters import list_as_of
from backoffice.extensions import db
from backoffice.models import CoHandling, Opinion
from backoffice.standing import Standing, in_words, own_deadlines, standings
from scoring.lateness import OVERDUE_NOW

AS_OF_WORDS = "截至列表所筛选的日期（未按日期筛选时为今天）"
STANDING_LABELS = {"stage": "办理状态", "next_due": "下一期限", "overdue_now": OVERDUE_NOW.label}
STANDING_COLUMNS = tuple(STANDING_LABELS)
STANDING_DESCRIPTIONS = {
    "stage": f"办到哪一步，{AS_OF_WORDS}。",
    "next_due": "最早的未完成环节及其期限。",
    "overdue_now": OVERDUE_NOW.explanation,
}


def remember_standings(opinions: list[Opinion]) -> None:
    """Work out the standing of a page's (or a batch's) opinions on the list's day."""
    g.standings = standings(db.session, opinions, list_as_of())


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


CO_OPINION_LABELS = {"co_opinion_due": "会办意见期限", "co_opinion_standing": "期限状态"}
CO_OPINION_DESCRIPTIONS = {
    "co_opinion_standing": f"{AS_OF_WORDS}。已超期且未提交的会办意见计入{OVERDUE_NOW.label}。",
}


def remember_own_deadlines(co_handlings: list[CoHandling]) -> None:
    """Work out the 会办意见 deadline of a page's (or a batch's) co-handlings on the list's day."""
    g.own_deadlines = own_deadlines(db.session, co_handlings, list_as_of())


def _own_deadline(co: CoHandling):
    known = g.get("own_deadlines") or {}
    if co.id not in known:  # a row outside the page (it cannot be: fail safe)
        remember_own_deadlines([co])
        known = g.own_deadlines
    return known.get(co.id)


def _due(view: Any, context: Any, co: CoHandling, name: str) -> date | None:
    deadline = _own_deadline(co)
    return deadline.due_on if deadline else None


def _standing(view: Any, context: Any, co: CoHandling, name: str) -> str:
    return in_words(_own_deadline(co), list_as_of())


CO_OPINION_FORMATTERS = {"co_opinion_due": _due, "co_opinion_standing": _standing}
