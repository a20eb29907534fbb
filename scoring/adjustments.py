"""Adjustments (加减分): praise, 不同意 returns, criticism notices, D replies without
sign-off and liaison turnover, each with the opinions or events behind it."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scoring import wording
from scoring.facts import CRITICISM, REFERENCE, LiaisonTerm, Notice, Opinion
from scoring.points import ZERO
from scoring.result import Adjustment, Note
from scoring.rules import Ruleset

PRAISE = "表扬"
RETURN = "不同意退回"
NOTICE = "通报批评"
UNSIGNED_REFERENCE = "留作参考未阅批"
LIAISON = "联络员调整"


@dataclass(frozen=True, slots=True)
class Item:
    """One opinion or event that earns or costs points."""

    text: str
    opinions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Adjusted:
    """A unit's adjustments (non-zero only), their explanation and its liaison changes."""

    adjustments: tuple[Adjustment, ...]
    notes: tuple[Note, ...]
    liaison_changes: int


def adjust(
    opinions: Sequence[Opinion],
    notices: Sequence[Notice],
    terms: Sequence[LiaisonTerm],
    rules: Ruleset,
    year: int,
) -> Adjusted:
    """Work out every adjustment of one unit, in the order the result lists them."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    changes, liaison = liaison_turnover(terms, first, last, rules)
    results = (
        per_item(PRAISE, _praised(opinions), rules.praise_points, rules.praise_cap),
        per_item(RETURN, _returned(opinions), -rules.return_penalty),
        per_item(NOTICE, _criticised(notices, first, last), -rules.notice_penalty),
        per_item(UNSIGNED_REFERENCE, _unsigned(opinions), -rules.unsigned_reference_penalty),
        liaison,
    )
    return Adjusted(
        tuple(adjustment for adjustment, _ in results if adjustment.points),
        tuple(note for _, notes in results for note in notes),
        changes,
    )


def per_item(
    label: str, items: Sequence[Item], each: Decimal, cap: Decimal | None = None
) -> tuple[Adjustment, list[Note]]:
    """Give `each` points per item (signed), up to `cap` in all when there is one."""
    notes = [Note(label, f"{item.text}，{_gives(each)}。", item.opinions) for item in items]
    points = each * len(items)
    if cap is not None and points > cap:
        text = (
            f"{label}{len(items)}件，加分以{wording.amount(cap)}分为限，计{wording.amount(cap)}分。"
        )
        notes.append(Note(label, text))
        points = cap
    opinions = tuple(number for item in items for number in item.opinions)
    return Adjustment(label, points, opinions), notes


def liaison_turnover(
    terms: Sequence[LiaisonTerm], first: date, last: date, rules: Ruleset
) -> tuple[int, tuple[Adjustment, list[Note]]]:
    """Count liaison changes in the year and charge those beyond the tolerance."""
    serving = sorted((t for t in terms if t.overlaps(first, last)), key=lambda t: t.start)
    changes = max(0, len(serving) - 1)
    beyond = max(0, changes - rules.liaison_tolerance)
    points = -rules.liaison_penalty * beyond
    notes = []
    if changes:
        names = "、".join(term.name for term in serving if term.name)
        who = f"（{names}）" if names else ""
        tolerance = f"调整{rules.liaison_tolerance}次以内不扣分"
        verdict = (
            f"{tolerance}，超出{beyond}次，每次{_gives(-rules.liaison_penalty)}，共{_gives(points)}"
            if beyond
            else f"{tolerance}"
        )
        notes.append(
            Note(
                LIAISON,
                f"{first.year}年内联络员共{len(serving)}任{who}，调整{changes}次；{verdict}。",
            )
        )
    return changes, (Adjustment(LIAISON, points), notes)


def _gives(points: Decimal) -> str:
    return f"加{wording.amount(points)}分" if points >= ZERO else f"扣{wording.amount(-points)}分"


def _praised(opinions: Sequence[Opinion]) -> list[Item]:
    return [
        Item(f"{wording.numbers([o.number])}意见获代表表扬", (o.number,))
        for o in opinions
        if o.praised
    ]


def _returned(opinions: Sequence[Opinion]) -> list[Item]:
    return [
        Item(f"{wording.numbers([o.number])}意见代表不同意退回", (o.number,))
        for o in opinions
        if o.returned
    ]


def _criticised(notices: Sequence[Notice], first: date, last: date) -> list[Item]:
    # Only 通报批评 costs points; a 情况专报 and notices of other years do not.
    return [
        Item(f"{wording.day(n.on)}{CRITICISM}" + (f"（{n.reason}）" if n.reason else ""))
        for n in sorted(notices, key=lambda n: n.on)
        if n.kind == CRITICISM and first <= n.on <= last
    ]


def _unsigned(opinions: Sequence[Opinion]) -> list[Item]:
    items = []
    for o in opinions:
        if o.answer_type != REFERENCE:
            continue
        if o.signed_off_on is None:
            why = "未经分管副区长阅批"
        elif o.replied_on is not None and o.signed_off_on > o.replied_on:
            signed, replied = wording.day(o.signed_off_on), wording.day(o.replied_on)
            why = f"分管副区长阅批（{signed}）晚于答复（{replied}）"
        else:
            continue
        items.append(
            Item(f"{wording.numbers([o.number])}意见答复类型为D（留作参考），{why}", (o.number,))
        )
    return items
