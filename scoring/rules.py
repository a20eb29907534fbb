"""The year-end assessment rules as data: one ruleset per year (docs/domain.md, "The assessment").

Every number the rules name lives here, so a year's rules can be stored, edited in a
form and shown next to the result. Amounts are Decimals; penalties are written as the
positive number of points taken off.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal

from scoring.codec import from_plain, to_plain


@dataclass(frozen=True, slots=True)
class GradeValues:
    """What each satisfaction grade counts for, best first."""

    good: Decimal = Decimal("1.0")
    fairly_good: Decimal = Decimal("0.8")
    average: Decimal = Decimal("0.6")
    fairly_poor: Decimal = Decimal("0.3")
    poor: Decimal = Decimal("0")

    def of(self, grade: str) -> Decimal:
        """Return the value of a grade written as 好/较好/一般/较差/差."""
        try:
            return getattr(self, GRADE_FIELDS[grade])
        except KeyError:
            raise ValueError(f"未知的满意度等级：{grade}") from None

    def total(self, grades: Iterable[str]) -> Decimal:
        """Return the sum of the values of some grades."""
        return sum((self.of(grade) for grade in grades), Decimal(0))


GRADE_FIELDS = {
    "好": "good",
    "较好": "fairly_good",
    "一般": "average",
    "较差": "fairly_poor",
    "差": "poor",
}


@dataclass(frozen=True, slots=True)
class LeadWeights:
    """Points of each lead-score component (主办得分), out of their sum."""

    satisfaction: Decimal = Decimal("40")
    resolution: Decimal = Decimal("20")
    contact: Decimal = Decimal("20")
    timeliness: Decimal = Decimal("20")


@dataclass(frozen=True, slots=True)
class CoWeights:
    """Points of each co-handling-score component (会办得分), out of their sum."""

    lead_grade: Decimal = Decimal("50")
    deputy_grade: Decimal = Decimal("30")
    timeliness: Decimal = Decimal("20")


@dataclass(frozen=True, slots=True)
class Tier:
    """One tier (档次) of advanced units: how many places and the bonus each earns."""

    size: int
    bonus: Decimal


@dataclass(frozen=True, slots=True)
class Ruleset:
    """The rules of one year's assessment."""

    year: int
    grade_values: GradeValues = field(default_factory=GradeValues)
    lead_weights: LeadWeights = field(default_factory=LeadWeights)
    co_weights: CoWeights = field(default_factory=CoWeights)
    # A co-handling weighs this much of a lead opinion in the base score.
    co_handling_share: Decimal = Decimal("0.5")
    praise_points: Decimal = Decimal("1")
    praise_cap: Decimal = Decimal("5")
    return_penalty: Decimal = Decimal("2")
    notice_penalty: Decimal = Decimal("3")
    unsigned_reference_penalty: Decimal = Decimal("2")
    # Liaison changes in the year that cost nothing; each one beyond costs the penalty.
    liaison_tolerance: int = 1
    liaison_penalty: Decimal = Decimal("2")
    min_score: Decimal = Decimal("80")
    min_lead: int = 3
    # From this many overdue events a unit cannot be advanced.
    exclude_overdue: int = 3
    # From this many (below exclude_overdue) it drops one tier; None: no downgrade.
    downgrade_overdue: int | None = 1
    advanced: int = 12
    tiers: tuple[Tier, ...] = (
        Tier(4, Decimal("0.3")),
        Tier(4, Decimal("0.2")),
        Tier(4, Decimal("0.1")),
    )

    def validate(self) -> list[str]:
        """Return what is wrong with the ruleset, in Chinese; empty when it is sound."""
        return _problems(self)

    def to_dict(self) -> dict:
        """Return the ruleset as a plain JSON-able dict (decimals as strings)."""
        return to_plain(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Ruleset":
        """Build a ruleset from a dict made by `to_dict` (or edited from one)."""
        return from_plain(cls, data)


RULESET_2017 = Ruleset(year=2017)
RULESET_2016 = Ruleset(
    year=2016,
    exclude_overdue=1,
    downgrade_overdue=None,
    advanced=10,
    tiers=(Tier(10, Decimal("0.1")),),
)
DEFAULT_RULESETS = (RULESET_2016, RULESET_2017)

LABELS = {
    "good": "“好”的分值",
    "fairly_good": "“较好”的分值",
    "average": "“一般”的分值",
    "fairly_poor": "“较差”的分值",
    "poor": "“差”的分值",
    "satisfaction": "满意度权重",
    "resolution": "解决权重",
    "contact": "沟通权重",
    "lead_grade": "会办-主办评价权重",
    "deputy_grade": "会办-代表评价权重",
    "co_handling_share": "会办件折算系数",
    "praise_points": "每件表扬加分",
    "praise_cap": "表扬加分上限",
    "return_penalty": "不同意退回扣分",
    "notice_penalty": "通报批评扣分",
    "unsigned_reference_penalty": "留作参考未阅批扣分",
    "liaison_tolerance": "联络员调整免扣次数",
    "liaison_penalty": "联络员调整扣分",
    "min_score": "先进单位最低得分",
    "min_lead": "先进单位最少主办件数",
    "exclude_overdue": "不得评先进的超期次数",
    "downgrade_overdue": "降档的超期次数",
    "advanced": "先进单位数",
}
TIMELINESS_LABELS = {LeadWeights: "时限权重", CoWeights: "会办-时限权重"}
TIER_NAMES = ("一档", "二档", "三档", "四档", "五档", "六档", "七档", "八档", "九档", "十档")


def tier_name(tier: int) -> str:
    """Return the Chinese name of a 1-based tier number."""
    return TIER_NAMES[tier - 1] if tier <= len(TIER_NAMES) else f"第{tier}档"


def _label(group: object, name: str) -> str:
    if name == "timeliness":
        return TIMELINESS_LABELS[type(group)]
    return LABELS[name]


def _problems(rules: Ruleset) -> list[str]:
    problems: list[str] = []
    for weights in (rules.lead_weights, rules.co_weights):
        for item in fields(weights):
            if getattr(weights, item.name) <= 0:
                problems.append(f"{_label(weights, item.name)}须为正数。")
    values = [getattr(rules.grade_values, item.name) for item in fields(GradeValues)]
    for item, value in zip(fields(GradeValues), values, strict=True):
        if not Decimal(0) <= value <= Decimal(1):
            problems.append(f"{_label(rules.grade_values, item.name)}须在0到1之间。")
    if values != sorted(values, reverse=True):
        problems.append("满意度等级分值须由“好”到“差”依次不增。")
    for name in (
        "co_handling_share",
        "praise_points",
        "praise_cap",
        "return_penalty",
        "notice_penalty",
        "unsigned_reference_penalty",
        "liaison_penalty",
        "min_score",
    ):
        if getattr(rules, name) < 0:
            problems.append(f"{LABELS[name]}不得为负数（扣分请填写扣除的分数）。")
    if rules.co_handling_share == 0:
        problems.append(f"{LABELS['co_handling_share']}须为正数。")
    for name in ("liaison_tolerance", "min_lead", "advanced"):
        if getattr(rules, name) < 0:
            problems.append(f"{LABELS[name]}不得为负数。")
    if rules.exclude_overdue < 1:
        problems.append(f"{LABELS['exclude_overdue']}须至少为1。")
    if rules.downgrade_overdue is not None and not (
        1 <= rules.downgrade_overdue < rules.exclude_overdue
    ):
        problems.append(
            f"{LABELS['downgrade_overdue']}须至少为1且小于{LABELS['exclude_overdue']}"
            f"（{rules.exclude_overdue}次）；不降档请留空。"
        )
    for number, tier in enumerate(rules.tiers, start=1):
        if tier.size < 1:
            problems.append(f"{tier_name(number)}名额须至少为1。")
        if tier.bonus < 0:
            problems.append(f"{tier_name(number)}加分不得为负数。")
    total = sum(tier.size for tier in rules.tiers)
    if total != rules.advanced:
        problems.append(f"各档名额之和（{total}）须等于先进单位数（{rules.advanced}）。")
    bonuses = [tier.bonus for tier in rules.tiers]
    if bonuses != sorted(bonuses, reverse=True):
        problems.append("各档加分须由一档起依次不增。")
    return problems


def ruleset_for(year: int, rulesets: Iterable[Ruleset] = DEFAULT_RULESETS) -> Ruleset:
    """Return the year's ruleset, or the nearest earlier year's when it has none."""
    earlier = [rules for rules in rulesets if rules.year <= year]
    if not earlier:
        raise LookupError(f"没有{year}年或更早年度的考核规则。")
    return max(earlier, key=lambda rules: rules.year)
