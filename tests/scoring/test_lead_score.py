"""The lead score (主办得分): its four components, rescaling and rounding, worked by hand."""

from datetime import date
from decimal import Decimal

from scoring import Ruleset, assess
from tests.scoring.fact_builders import numbered, opinion, year_facts


def lead_figures(*opinions, as_of=None):
    facts = year_facts(opinions=opinions) if as_of is None else year_facts(opinions, as_of=as_of)
    unit = assess(facts, Ruleset(year=2017)).units[0]
    return unit, {c.label: c.points for c in unit.lead_components}


def test_well_handled_opinions_score_full_marks() -> None:
    unit, components = lead_figures(*numbered("甲", 2))
    assert components == {
        "满意度": Decimal("40.00"),
        "解决": Decimal("20.00"),
        "沟通": Decimal("20.00"),
        "时限": Decimal("20.00"),
    }
    assert unit.lead_score == Decimal("100.00")


def test_each_component_measures_its_own_shortfall() -> None:
    # Grades 好 1.0, 较好 0.8, 一般 0.6: mean 0.8, 40 × 0.8 = 32.00.
    # Solved (A/B/C and concluded): only 0001; 0002 is C not concluded, 0003 is D: 20 × 1/3.
    # Contacts at all three stages: 0001 and 0003; 0002 lacks 办后: 20 × 2/3 = 13.33.
    # One late acceptance out of 3 × 3 steps: 20 × (1 − 1/9) = 17.78.
    unit, components = lead_figures(
        opinion("0001", "甲", accepted_on=date(2017, 3, 2)),
        opinion(
            "0002",
            "甲",
            grade="较好",
            answer_type="C",
            concluded_on=None,
            contact_stages=frozenset({"办前", "办中"}),
        ),
        opinion("0003", "甲", grade="一般", answer_type="D", signed_off_on=date(2017, 4, 1)),
    )
    assert components == {
        "满意度": Decimal("32.00"),
        "解决": Decimal("6.67"),
        "沟通": Decimal("13.33"),
        "时限": Decimal("17.78"),
    }
    # The score adds the rounded components: 32.00 + 6.67 + 13.33 + 17.78.
    assert unit.lead_score == Decimal("69.78")


def test_satisfaction_uses_the_latest_grade_and_ignores_unevaluated_opinions() -> None:
    # 0002 is not evaluated yet: the mean is over 0001 (较好) and 0003 (好) = 0.9 → 36.00.
    _, components = lead_figures(
        opinion("0001", "甲", grade="较好"),
        opinion("0002", "甲", grade=None),
        opinion("0003", "甲"),
    )
    assert components["满意度"] == Decimal("36.00")


def test_component_with_nothing_to_measure_drops_out_and_the_rest_is_rescaled() -> None:
    # Nothing evaluated: 满意度 drops out. 解决 20 × 1/2 = 10.00, 沟通 20.00, 时限 20.00:
    # 50.00 out of the 60 still measured, rescaled to 100: 50 × 100 / 60 = 83.33.
    unit, components = lead_figures(
        opinion("0001", "甲", grade=None),
        opinion("0002", "甲", grade=None, answer_type="D", signed_off_on=date(2017, 4, 1)),
    )
    assert components == {
        "满意度": None,
        "解决": Decimal("10.00"),
        "沟通": Decimal("20.00"),
        "时限": Decimal("20.00"),
    }
    assert unit.lead_score == Decimal("83.33")
    assert any("满意度" in n.text and "此项不计" in n.text for n in unit.notes)
    assert any(n.text == "主办得分＝（10.00＋20.00＋20.00）×100÷60＝83.33分。" for n in unit.notes)


def test_rescaling_keeps_a_perfect_unit_at_100() -> None:
    # Nothing answered or evaluated yet and not yet late: only 时限 is measured, 20 of 20.
    unit, components = lead_figures(
        opinion("0001", "甲", replied_on=None, answer_type=None, concluded_on=None, grade=None),
        as_of=date(2017, 4, 1),
    )
    assert components["解决"] is None and components["沟通"] is None
    assert unit.lead_score == Decimal("100.00")


def test_unanswered_opinion_past_its_reply_deadline_is_overdue_and_not_counted() -> None:
    # 0002 still unanswered on 2017-12-15, due 2017-05-20: one 超期答复.
    # 解决 and 沟通 count the answered 0001 only: 20.00 each. 时限 20 × (1 − 1/6) = 16.67.
    # 满意度 40.00 (0002 not evaluated). Score 96.67.
    unanswered = opinion(
        "0002", "甲", replied_on=None, answer_type=None, concluded_on=None, grade=None
    )
    unit, components = lead_figures(opinion("0001", "甲"), unanswered)
    assert [(e.kind, e.opinion, e.done_on) for e in unit.overdue_events] == [
        ("超期答复", "0002", None)
    ]
    assert components["时限"] == Decimal("16.67")
    assert components["解决"] == Decimal("20.00")
    assert unit.lead_score == Decimal("96.67")
    assert any("截至2017年12月15日尚未答复" in n.text for n in unit.notes)


def test_components_round_half_up() -> None:
    # 32 answered, one solved: 20 × 1/32 = 0.625 → 0.63 half up (half even would give 0.62).
    unsolved = numbered("甲", 31, start=2, answer_type="D", signed_off_on=date(2017, 4, 1))
    _, components = lead_figures(opinion("0001", "甲"), *unsolved)
    assert components["解决"] == Decimal("0.63")
