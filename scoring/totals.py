"""The base score (基础分) from the lead and co scores, and the final score (最终得分)."""

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from scoring import wording
from scoring.lateness import LATE_IN_YEAR
from scoring.overdue import KINDS
from scoring.points import ZERO, quotient, round_points
from scoring.result import Adjustment, Note, OverdueEvent
from scoring.rules import Ruleset

BASE = "基础分"
FINAL = "最终得分"
OVERDUE = LATE_IN_YEAR.label


def base_score(
    lead: Decimal | None, lead_count: int, co: Decimal | None, co_count: int, rules: Ruleset
) -> tuple[Decimal, Note]:
    """Weigh the lead score by lead opinions and the co score by co-handlings × share."""
    if lead is not None and co is not None:
        share = rules.co_handling_share
        co_weight = co_count * share
        base = round_points(quotient(lead * lead_count + co * co_weight, lead_count + co_weight))
        text = (
            f"基础分＝（主办得分{wording.score(lead)}×{lead_count}件＋会办得分{wording.score(co)}"
            f"×{co_count}件×{wording.amount(share)}）÷（{lead_count}＋{co_count}×"
            f"{wording.amount(share)}）＝{wording.score(base)}分。"
        )
        return base, Note(BASE, text)
    if lead is not None:
        return lead, Note(BASE, f"本年度没有会办件，基础分即主办得分{wording.score(lead)}分。")
    if co is not None:
        return co, Note(BASE, f"本年度没有主办意见，基础分即会办得分{wording.score(co)}分。")
    raise ValueError("an assessed unit needs a lead or a co-handling score")


def final_score(base: Decimal, adjustments: Sequence[Adjustment]) -> tuple[Decimal, Note]:
    """Add the adjustments to the base score."""
    final = round_points(base + sum((a.points for a in adjustments), ZERO))
    if not adjustments:
        return final, Note(FINAL, f"没有加减分，最终得分即基础分{wording.score(final)}分。")
    terms = "".join(
        f"{'＋' if a.points >= 0 else '－'}{a.label}{wording.score(round_points(abs(a.points)))}"
        for a in adjustments
    )
    text = f"最终得分＝基础分{wording.score(base)}{terms}＝{wording.score(final)}分。"
    return final, Note(FINAL, text)


def overdue_note(events: Sequence[OverdueEvent]) -> Note:
    """Count the overdue events by kind."""
    if not events:
        return Note(OVERDUE, "本年度没有超期。")
    counts = Counter(event.kind for event in events)
    kinds = "、".join(f"{kind}{counts[kind]}次" for kind in KINDS if counts[kind])
    opinions = tuple(dict.fromkeys(event.opinion for event in events))
    return Note(OVERDUE, f"超期共{len(events)}次：{kinds}。", opinions)
