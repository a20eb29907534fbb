"""Ranking, its tiebreaks, candidates for advanced unit, tiers, downgrades and bonuses."""

from decimal import Decimal

from scoring import assess, ruleset_for
from scoring.standing import rank
from tests.scoring.fact_builders import numbered, opinion, scored, three_single_tiers, year_facts

RULES_2017 = ruleset_for(2017)


def order(units, rules=RULES_2017):
    return [unit.unit for unit in rank(units, rules)]


# Each tiebreak test makes the later levels point the other way, so that it also
# proves the order of the levels.


def test_higher_final_ranks_first() -> None:
    units = [
        scored("乙", "90.00", mean_grade="1", overdue=0),
        scored("甲", "90.01", mean_grade="0.5", overdue=2),
    ]
    assert order(units) == ["甲", "乙"]


def test_equal_finals_are_split_by_the_higher_mean_grade() -> None:
    units = [
        scored("乙", "90.00", mean_grade="0.9", overdue=0),
        scored("甲", "90.00", mean_grade="0.95", overdue=2),
    ]
    assert order(units) == ["甲", "乙"]


def test_equal_final_and_mean_grade_are_split_by_fewer_overdue_events() -> None:
    # 甲 (U+7532) would come after 乙 (U+4E59) by name.
    units = [scored("乙", "90.00", overdue=2), scored("甲", "90.00", overdue=1)]
    assert order(units) == ["甲", "乙"]


def test_full_ties_are_split_by_unit_name_in_code_point_order() -> None:
    # 张 (U+5F20) before 王 (U+738B), though pinyin order would put 王 (wang) first.
    assert order([scored("王", "90.00"), scored("张", "90.00")]) == ["张", "王"]


def test_mean_grade_tiebreak_comes_from_the_facts_and_is_zero_when_nothing_is_evaluated() -> None:
    # 甲: three perfect opinions, 100.00. 乙: the same but none evaluated yet, so 满意度
    # drops out and the rest rescales to 100.00 too. Mean grades 1 and 0 put 甲 first,
    # although the name order alone would put 乙 (U+4E59) before 甲 (U+7532).
    facts = year_facts(numbered("甲", 3) + numbered("乙", 3, start=4, grade=None))
    ranked = assess(facts, RULES_2017).units
    assert [u.final for u in ranked] == [Decimal("100.00"), Decimal("100.00")]
    assert [(u.unit, u.mean_grade) for u in ranked] == [("甲", Decimal(1)), ("乙", Decimal(0))]


def test_every_unit_gets_a_distinct_rank() -> None:
    ranked = rank([scored(name, "90.00") for name in "甲乙丙"], RULES_2017)
    assert [u.rank for u in ranked] == [1, 2, 3]


def test_candidates_need_the_minimum_score_lead_opinions_and_few_overdue_events() -> None:
    units = [
        scored("低分", "79.99"),
        scored("少件", "99.00", lead_count=2),
        scored("超期", "98.00", overdue=3),
        scored("门槛", "80.00", lead_count=3, overdue=2),
    ]
    tiers = {u.unit: u.tier for u in rank(units, three_single_tiers())}
    # Only 门槛 qualifies, exactly at each threshold; 2 overdue events drop it to 二档.
    assert tiers == {"低分": None, "少件": None, "超期": None, "门槛": 2}


def test_tiers_follow_candidate_positions_with_their_bonus() -> None:
    units = [scored(name, score) for name, score in [("甲", "99"), ("乙", "98"), ("丙", "97")]]
    ranked = rank([*units, scored("丁", "96")], three_single_tiers())
    assert [(u.unit, u.tier, u.bonus) for u in ranked] == [
        ("甲", 1, Decimal("0.3")),
        ("乙", 2, Decimal("0.2")),
        ("丙", 3, Decimal("0.1")),
        ("丁", None, None),
    ]


def test_downgrade_out_of_the_last_tier_leaves_the_place_empty() -> None:
    # 丙 is third (三档) with one overdue event: it drops out, and 丁 does not move up.
    units = [
        scored("甲", "99"),
        scored("乙", "98"),
        scored("丙", "97", overdue=1),
        scored("丁", "96"),
    ]
    ranked = rank(units, three_single_tiers())
    assert [(u.unit, u.tier) for u in ranked] == [("甲", 1), ("乙", 2), ("丙", None), ("丁", None)]
    dropped = next(u for u in ranked if u.unit == "丙")
    assert dropped.bonus is None
    assert any("名额不递补" in note.text for note in dropped.notes)


def test_downgrade_moves_a_unit_one_tier_down_without_moving_others_up() -> None:
    ranked = rank([scored("甲", "99", overdue=1), scored("乙", "98")], three_single_tiers())
    assert [(u.unit, u.tier, u.bonus) for u in ranked] == [
        ("甲", 2, Decimal("0.2")),
        ("乙", 2, Decimal("0.2")),
    ]


def test_2016_rules_exclude_any_overdue_unit_and_never_downgrade() -> None:
    rules_2016 = ruleset_for(2016)
    units = [scored(f"单位{n:02d}", str(100 - n)) for n in range(11)]
    units.append(scored("超期", "100.5", overdue=1))
    ranked = rank(units, rules_2016)
    advanced = [(u.unit, u.tier, u.bonus) for u in ranked if u.tier]
    assert advanced == [(f"单位{n:02d}", 1, Decimal("0.1")) for n in range(10)]
    assert next(u for u in ranked if u.unit == "超期").tier is None


def test_an_unanswered_opinion_past_its_deadline_drops_a_unit_one_tier() -> None:
    # 甲: three perfect opinions and one unanswered since its 2017-05-20 deadline:
    # 40 + 20 + 20 + 20 × (1 − 1/12) = 98.33, one overdue event. 乙: 100.00.
    # 甲 is the second candidate (一档 by position) and drops to 二档 for its event.
    late = opinion("0004", "甲", replied_on=None, answer_type=None, concluded_on=None, grade=None)
    facts = year_facts((*numbered("甲", 3), late, *numbered("乙", 3, start=5)))
    ranked = {u.unit: u for u in assess(facts, RULES_2017).units}
    assert (ranked["甲"].final, ranked["甲"].overdue) == (Decimal("98.33"), 1)
    assert (ranked["乙"].tier, ranked["甲"].tier) == (1, 2)
    assert ranked["甲"].bonus == Decimal("0.2")
