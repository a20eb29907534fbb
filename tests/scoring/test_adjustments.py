"""Adjustments (加减分): praise and its cap, returns, notices, D sign-off, liaison turnover."""

from datetime import date
from decimal import Decimal

from scoring import LiaisonTerm, Notice, Ruleset, assess
from tests.scoring.fact_builders import numbered, opinion, year_facts

RULES = Ruleset(year=2017)


def adjustments_of(facts, name="甲"):
    unit = assess(facts, RULES).unit(name)
    return unit, {a.label: a.points for a in unit.adjustments}


def test_praise_gives_a_point_per_opinion() -> None:
    _, adjustments = adjustments_of(year_facts(numbered("甲", 3, praised=True)))
    assert adjustments == {"表扬": Decimal("3")}


def test_praise_is_capped_at_five_points() -> None:
    unit, adjustments = adjustments_of(year_facts(numbered("甲", 7, praised=True)))
    assert adjustments == {"表扬": Decimal("5")}
    assert unit.final == Decimal("105.00")
    assert "表扬7件，加分以5分为限，计5分。" in [n.text for n in unit.notes]


def test_each_returned_opinion_costs_two_points_and_says_which() -> None:
    unit, adjustments = adjustments_of(
        year_facts((opinion("0001", "甲", returned=True), opinion("0002", "甲", returned=True)))
    )
    assert adjustments == {"不同意退回": Decimal("-4")}
    assert "第0001号意见代表不同意退回，扣2分。" in [n.text for n in unit.notes]


def test_only_criticism_notices_dated_in_the_year_cost_points() -> None:
    notices = (
        Notice("甲", date(2017, 4, 20), "通报批评", "超期答复"),  # counts
        Notice("甲", date(2016, 12, 20), "通报批评"),  # last year
        Notice("甲", date(2018, 1, 5), "通报批评"),  # next year
        Notice("甲", date(2017, 7, 20), "情况专报"),  # a report, not a criticism
    )
    unit, adjustments = adjustments_of(year_facts(numbered("甲", 1), notices=notices))
    assert adjustments == {"通报批评": Decimal("-3")}
    assert "2017年4月20日通报批评（超期答复），扣3分。" in [n.text for n in unit.notes]


def test_d_reply_without_sign_off_before_it_costs_two_points() -> None:
    reference = {"answer_type": "D", "replied_on": date(2017, 4, 10)}
    opinions = (
        opinion("0001", "甲", **reference, signed_off_on=None),  # never signed off
        opinion("0002", "甲", **reference, signed_off_on=date(2017, 4, 11)),  # after the reply
        opinion("0003", "甲", **reference, signed_off_on=date(2017, 4, 10)),  # same day: fine
        opinion("0004", "甲", signed_off_on=None),  # an A reply needs none
    )
    unit, adjustments = adjustments_of(year_facts(opinions))
    assert adjustments == {"留作参考未阅批": Decimal("-4")}
    penalised = next(a for a in unit.adjustments if a.label == "留作参考未阅批")
    assert penalised.opinions == ("0001", "0002")


def test_one_liaison_change_a_year_is_free_each_further_one_costs_two_points() -> None:
    terms = (
        LiaisonTerm("甲", date(2015, 1, 1), date(2016, 12, 31), "甲一"),  # ended last year
        LiaisonTerm("甲", date(2017, 1, 1), date(2017, 6, 30), "甲二"),
        LiaisonTerm("甲", date(2017, 7, 1), date(2017, 9, 30), "甲三"),
        LiaisonTerm("甲", date(2017, 10, 1), None, "甲四"),
    )
    unit, adjustments = adjustments_of(year_facts(numbered("甲", 1), liaison_terms=terms))
    # Three terms overlap 2017: two changes, the second one is charged.
    assert unit.liaison_changes == 2
    assert adjustments == {"联络员调整": Decimal("-2")}


def test_a_liaison_term_spanning_two_years_counts_in_both() -> None:
    terms = (
        LiaisonTerm("甲", date(2014, 7, 1), date(2016, 4, 30), "甲一"),
        LiaisonTerm("甲", date(2016, 5, 1), date(2017, 2, 28), "甲二"),  # spans 2016–2017
        LiaisonTerm("甲", date(2017, 3, 1), date(2017, 8, 31), "甲三"),
        LiaisonTerm("甲", date(2017, 9, 1), None, "甲四"),
    )
    in_2016 = year_facts(
        numbered("甲", 1), liaison_terms=terms, year=2016, as_of=date(2016, 12, 15)
    )
    in_2017 = year_facts(numbered("甲", 1), liaison_terms=terms)
    unit_2016, adjustments_2016 = adjustments_of(in_2016)
    unit_2017, adjustments_2017 = adjustments_of(in_2017)
    # 2016: 甲一 and 甲二 → 1 change, free. 2017: 甲二, 甲三, 甲四 → 2 changes, one charged.
    assert (unit_2016.liaison_changes, adjustments_2016) == (1, {})
    assert (unit_2017.liaison_changes, adjustments_2017) == (2, {"联络员调整": Decimal("-2")})
