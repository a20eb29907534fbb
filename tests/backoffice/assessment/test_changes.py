"""What changed between two results or two rulesets, in the labels a page shows."""

import copy

from backoffice.assessment.changes import (
    Change,
    compare_results,
    flat_rules,
    rule_changes,
    unit_changes,
)
from scoring.rules import RULESET_2016, RULESET_2017
from tests.scoring.truth_facts import expected_assessment


def test_identical_results_change_nothing() -> None:
    result = expected_assessment(2017)
    rows = compare_results(result, copy.deepcopy(result))
    assert [row.unit for row in rows] == [unit["unit"] for unit in result["units"]]
    assert not any(row.changed for row in rows)


def test_a_unit_that_lost_points_and_its_tier_lists_each_changed_figure() -> None:
    before = expected_assessment(2017)
    after = copy.deepcopy(before)
    unit = next(u for u in after["units"] if u["unit"] == "区环保局")
    assert (unit["final"], unit["tier"]) == ("94.47", 2)
    unit.update(final="91.47", tier=None, bonus=None)
    unit["adjustments"]["通报批评"] = "-3.00"
    row = next(row for row in compare_results(before, after) if row.unit == "区环保局")
    assert set(row.changes) == {
        Change("最终得分", "94.47", "91.47"),
        Change("档次", "二档", "—"),
        Change("加分", "0.2", "—"),
        Change("通报批评", "—", "-3.00"),
    }


def test_units_follow_the_later_ranking_and_a_dropped_unit_comes_last() -> None:
    before = {
        "units": [{"unit": "甲", "rank": 1}, {"unit": "乙", "rank": 2}, {"unit": "丙", "rank": 3}]
    }
    after = {"units": [{"unit": "乙", "rank": 1}, {"unit": "甲", "rank": 2}]}
    rows = compare_results(before, after)
    assert [row.unit for row in rows] == ["乙", "甲", "丙"]
    assert rows[2].after is None
    assert Change("名次", "3", "—") in rows[2].changes


def test_rule_changes_name_each_rule_in_chinese() -> None:
    changes = rule_changes(RULESET_2016.to_dict(), RULESET_2017.to_dict())
    assert set(changes) == {
        Change("不得评先进的超期次数", "1", "3"),
        Change("降档的超期次数", "不降档", "1"),
        Change("先进单位数", "10", "12"),
        Change(
            "档次（名额／加分）",
            "一档10名／0.1分",
            "一档4名／0.3分、二档4名／0.2分、三档4名／0.1分",
        ),
    }


def test_both_timeliness_weights_keep_their_own_labels() -> None:
    flat = flat_rules(RULESET_2017.to_dict())
    assert flat["时限权重"] == "20"
    assert flat["会办-时限权重"] == "20"
    assert flat["“好”的分值"] == "1.0"


def test_a_unit_new_in_the_later_result_shows_every_figure_as_new() -> None:
    changes = unit_changes(None, {"unit": "甲", "rank": 5, "final": "90.00", "tier": 1})
    assert Change("名次", "—", "5") in changes
    assert Change("档次", "—", "一档") in changes
