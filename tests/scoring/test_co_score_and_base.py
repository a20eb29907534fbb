"""The co-handling score (会办得分), the base score (基础分) and the final score, by hand."""

from datetime import date
from decimal import Decimal

import pytest

from scoring import Notice, Ruleset, assess, assessment_json
from tests.scoring.fact_builders import co_handling, opinion, year_facts

RULES = Ruleset(year=2017)


def test_unit_with_only_co_handlings_is_assessed_on_its_co_score() -> None:
    # Lead units' grades 好, 一般: mean 0.8 → 50 × 0.8 = 40.00.
    # Deputies' grades 较好 and none: mean 0.8 over the one graded → 30 × 0.8 = 24.00.
    # One of two 会办意见 late: 20 × 1/2 = 10.00. Co score 74.00 = base = final.
    facts = year_facts(
        co_handlings=(
            co_handling("乙", "0001", deputy_grade="较好"),
            co_handling(
                "乙", "0002", lead_grade="一般", deputy_grade=None, submitted_on=date(2017, 3, 21)
            ),
        )
    )
    unit = assess(facts, RULES).unit("乙")
    assert (unit.lead_count, unit.co_count) == (0, 2)
    assert unit.lead_score is None
    assert {c.label: c.points for c in unit.co_components} == {
        "会办-主办评价": Decimal("40.00"),
        "会办-代表评价": Decimal("24.00"),
        "会办-时限": Decimal("10.00"),
    }
    assert unit.co_score == unit.base == unit.final == Decimal("74.00")
    assert unit.overdue == 1
    shown = assessment_json(assess(facts, RULES))["units"][0]
    assert shown["lead_score"] is None
    assert list(shown["components"]) == ["会办-主办评价", "会办-代表评价", "会办-时限"]


def test_co_component_without_grades_drops_out_and_the_score_is_rescaled() -> None:
    # No deputies' grades: 50.00 + 20.00 out of the 70 measured, rescaled to 100.
    facts = year_facts(co_handlings=(co_handling("乙", "0001", deputy_grade=None),))
    unit = assess(facts, RULES).unit("乙")
    assert unit.co_score == Decimal("100.00")
    shown = assessment_json(assess(facts, RULES))["units"][0]
    assert "会办-代表评价" not in shown["components"]


def test_co_opinion_not_yet_due_is_on_time_so_far() -> None:
    facts = year_facts(
        co_handlings=(co_handling("乙", "0001", submitted_on=None),), as_of=date(2017, 3, 10)
    )
    unit = assess(facts, RULES).unit("乙")
    assert unit.overdue == 0
    assert unit.co_components[2].points == Decimal("20.00")


def test_base_weighs_a_co_handling_as_half_a_lead_opinion() -> None:
    # Lead: 好 and 一般 → mean 0.8 → 32.00 + 20 + 20 + 20 = 92.00 over 2 opinions.
    # Co: deputies' 一般 twice → 30 × 0.6 = 18.00 + 50 + 20 = 88.00 over 2 co-handlings.
    # Base = (92.00 × 2 + 88.00 × 2 / 2) / (2 + 2 / 2) = 272 / 3 = 90.666… → 90.67.
    facts = year_facts(
        opinions=(opinion("0001", "甲"), opinion("0002", "甲", grade="一般")),
        co_handlings=(
            co_handling("甲", "0003", deputy_grade="一般"),
            co_handling("甲", "0004", deputy_grade="一般"),
        ),
    )
    unit = assess(facts, RULES).unit("甲")
    assert (unit.lead_score, unit.co_score) == (Decimal("92.00"), Decimal("88.00"))
    assert unit.base == Decimal("90.67")


def test_final_is_base_plus_adjustments() -> None:
    # Base 100.00; one praise +1, one 不同意 return −2: final 99.00.
    facts = year_facts(
        opinions=(opinion("0001", "甲", praised=True), opinion("0002", "甲", returned=True))
    )
    unit = assess(facts, RULES).unit("甲")
    assert unit.base == Decimal("100.00")
    assert unit.final == Decimal("99.00")
    shown = assessment_json(assess(facts, RULES))["units"][0]
    assert shown["adjustments"] == {"表扬": "1.00", "不同意退回": "-2.00"}


def test_unit_with_neither_lead_opinions_nor_co_handlings_is_not_assessed() -> None:
    facts = year_facts(
        opinions=(opinion("0001", "甲"),),
        co_handlings=(co_handling("乙", "0001"),),
        notices=(Notice("丙", date(2017, 4, 20), "通报批评"),),
    )
    assert [u.unit for u in assess(facts, RULES).units] == ["甲", "乙"]


def test_facts_naming_a_unit_missing_from_the_unit_list_are_refused() -> None:
    facts = year_facts(opinions=(opinion("0001", "甲"),))
    stray = year_facts(opinions=(opinion("0001", "丙"),))
    broken = type(facts)(facts.year, facts.as_of, facts.units, stray.opinions)
    with pytest.raises(ValueError, match="丙"):
        assess(broken, RULES)
