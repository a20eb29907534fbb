"""Rulesets: the shipped 2016 and 2017 defaults, validation, lookup and storage as a dict."""

import json
from dataclasses import replace
from decimal import Decimal

import pytest

from scoring import DEFAULT_RULESETS, GradeValues, LeadWeights, Ruleset, Tier, ruleset_for

RULES_2017 = ruleset_for(2017)
RULES_2016 = ruleset_for(2016)


def test_2017_defaults_are_the_numbers_of_domain_md() -> None:
    rules = RULES_2017
    values = rules.grade_values
    assert [values.of(g) for g in ("好", "较好", "一般", "较差", "差")] == [
        Decimal("1.0"),
        Decimal("0.8"),
        Decimal("0.6"),
        Decimal("0.3"),
        Decimal("0"),
    ]
    assert rules.lead_weights == LeadWeights(Decimal(40), Decimal(20), Decimal(20), Decimal(20))
    co = rules.co_weights
    assert (co.lead_grade, co.deputy_grade, co.timeliness) == (50, 30, 20)
    assert (rules.praise_points, rules.praise_cap) == (1, 5)
    assert (rules.return_penalty, rules.notice_penalty, rules.unsigned_reference_penalty) == (
        2,
        3,
        2,
    )
    assert (rules.liaison_tolerance, rules.liaison_penalty) == (1, 2)
    assert (rules.min_score, rules.min_lead) == (80, 3)
    assert (rules.exclude_overdue, rules.downgrade_overdue) == (3, 1)
    assert rules.advanced == 12
    assert [(t.size, t.bonus) for t in rules.tiers] == [
        (4, Decimal("0.3")),
        (4, Decimal("0.2")),
        (4, Decimal("0.1")),
    ]


def test_2016_defaults_have_ten_units_in_one_tier_any_overdue_excludes_no_downgrade() -> None:
    rules = RULES_2016
    assert rules.advanced == 10
    assert [(t.size, t.bonus) for t in rules.tiers] == [(10, Decimal("0.1"))]
    assert (rules.exclude_overdue, rules.downgrade_overdue) == (1, None)
    # Otherwise as 2017.
    assert replace(rules, year=2017, advanced=12, tiers=RULES_2017.tiers) == replace(
        RULES_2017, exclude_overdue=1, downgrade_overdue=None
    )


@pytest.mark.parametrize("rules", DEFAULT_RULESETS)
def test_shipped_rulesets_are_valid(rules: Ruleset) -> None:
    assert rules.validate() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"tiers": (Tier(4, Decimal("0.3")), Tier(4, Decimal("0.2")), Tier(3, Decimal("0.1")))},
            "各档名额之和（11）须等于先进单位数（12）。",
        ),
        ({"lead_weights": LeadWeights(satisfaction=Decimal(0))}, "满意度权重须为正数。"),
        ({"lead_weights": LeadWeights(timeliness=Decimal(-20))}, "时限权重须为正数。"),
        (
            {"tiers": (Tier(8, Decimal("0.3")), Tier(4, Decimal("-0.1")))},
            "二档加分不得为负数。",
        ),
        ({"notice_penalty": Decimal(-3)}, "通报批评扣分不得为负数（扣分请填写扣除的分数）。"),
        (
            {"downgrade_overdue": 3},
            "降档的超期次数须至少为1且小于不得评先进的超期次数（3次）；不降档请留空。",
        ),
        (
            {"tiers": (Tier(6, Decimal("0.1")), Tier(6, Decimal("0.3")))},
            "各档加分须由一档起依次不增。",
        ),
        ({"min_lead": -1}, "先进单位最少主办件数不得为负数。"),
    ],
)
def test_validation_names_each_problem_in_chinese(change: dict, message: str) -> None:
    assert message in replace(RULES_2017, **change).validate()


def test_validation_checks_grade_values_are_ordered() -> None:
    swapped = GradeValues(good=Decimal("0.8"), fairly_good=Decimal("1.0"))
    assert (
        "满意度等级分值须由“好”到“差”依次不增。"
        in replace(RULES_2017, grade_values=swapped).validate()
    )


def test_a_year_without_rules_uses_the_nearest_earlier_year() -> None:
    assert ruleset_for(2017).year == 2017
    assert ruleset_for(2016).year == 2016
    assert ruleset_for(2020).year == 2017
    custom = (*DEFAULT_RULESETS, Ruleset(year=2019, advanced=12, praise_cap=Decimal(3)))
    assert ruleset_for(2019, custom).praise_cap == 3
    assert ruleset_for(2021, custom).year == 2019
    assert ruleset_for(2018, custom).year == 2017


def test_a_year_before_every_ruleset_is_refused_in_chinese() -> None:
    with pytest.raises(LookupError, match="没有2015年或更早年度的考核规则"):
        ruleset_for(2015)


@pytest.mark.parametrize("rules", DEFAULT_RULESETS)
def test_ruleset_round_trips_through_json(rules: Ruleset) -> None:
    stored = json.loads(json.dumps(rules.to_dict()))
    assert Ruleset.from_dict(stored) == rules


def test_stored_ruleset_keeps_decimals_as_strings() -> None:
    stored = RULES_2017.to_dict()
    assert stored["grade_values"]["fairly_good"] == "0.8"
    assert stored["tiers"][0] == {"size": 4, "bonus": "0.3"}
    assert stored["downgrade_overdue"] == 1
    assert RULES_2016.to_dict()["downgrade_overdue"] is None


def test_edited_dict_may_omit_fields_that_keep_their_defaults() -> None:
    assert Ruleset.from_dict({"year": 2018, "praise_cap": "4"}) == Ruleset(
        year=2018, praise_cap=Decimal(4)
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"praise_cap": "5"}, "规则缺少字段：year"),
        ({"year": 2018, "bonus_cap": "5"}, "规则中有未知字段：bonus_cap"),
        ({"year": 2018, "praise_cap": 5.0}, "规则字段 praise_cap 应为数字字符串"),
        ({"year": 2018, "praise_cap": "五"}, "规则字段 praise_cap 不是有效数字"),
        ({"year": "2018"}, "规则字段 year 应为整数"),
        ({"year": 2018, "tiers": [{"size": 12, "bonus": "x"}]}, "tiers[0].bonus 不是有效数字"),
    ],
)
def test_malformed_dict_is_refused_with_a_chinese_message(data: dict, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        Ruleset.from_dict(data)
    assert message in str(refused.value)
