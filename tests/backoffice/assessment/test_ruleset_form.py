"""The ruleset form reads every rule back, and puts each validation message by its field."""

from decimal import Decimal

import pytest

from backoffice.assessment.ruleset_form import (
    FIELDS,
    field_of_message,
    form_values,
    parse_ruleset,
    tier_field,
    tier_rows,
)
from scoring import DEFAULT_RULESETS, Ruleset
from scoring.rules import RULESET_2016, RULESET_2017


def edited(ruleset: Ruleset = RULESET_2017, **changes: str) -> dict[str, str]:
    values = form_values(ruleset)
    values.update(changes)
    return values


@pytest.mark.parametrize("ruleset", DEFAULT_RULESETS, ids=lambda r: str(r.year))
def test_the_form_of_a_default_ruleset_reads_back_as_that_ruleset(ruleset: Ruleset) -> None:
    parsed = parse_ruleset(ruleset.year, form_values(ruleset))
    assert parsed.errors == {}
    assert parsed.ruleset == ruleset


def test_every_number_of_the_ruleset_has_a_chinese_labelled_field() -> None:
    names = {field.name for field in FIELDS}
    assert {"grade_values.good", "lead_weights.timeliness", "co_weights.timeliness"} <= names
    assert {"praise_cap", "liaison_tolerance", "downgrade_overdue", "advanced"} <= names
    labels = [field.label for field in FIELDS]
    assert len(set(labels)) == len(labels)
    assert all(not label.isascii() for label in labels)


def test_an_edited_form_gives_the_edited_ruleset() -> None:
    values = edited(
        **{"praise_cap": "4", "downgrade_overdue": "", "advanced": "10", tier_field(2, "size"): "2"}
    )
    ruleset = parse_ruleset(2018, values).ruleset
    assert ruleset is not None
    assert ruleset.year == 2018
    assert ruleset.praise_cap == Decimal("4")
    assert ruleset.downgrade_overdue is None  # blank: no downgrade
    assert [tier.size for tier in ruleset.tiers] == [4, 4, 2]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"lead_weights.satisfaction": "0"}, "lead_weights.satisfaction", "满意度权重须为正数。"),
        # "会办-时限权重" also contains "时限权重": the longer name wins.
        ({"co_weights.timeliness": "-1"}, "co_weights.timeliness", "会办-时限权重须为正数。"),
        ({"grade_values.good": "1.5"}, "grade_values.good", "“好”的分值须在0到1之间。"),
        ({"grade_values.average": "0.9"}, "grade_values", "满意度等级分值须由“好”到“差”依次不增。"),
        ({"praise_cap": "-5"}, "praise_cap", "表扬加分上限不得为负数（扣分请填写扣除的分数）。"),
        ({"downgrade_overdue": "3"}, "downgrade_overdue", "降档的超期次数须至少为1且小于"),
        ({tier_field(1, "size"): "0"}, tier_field(1, "size"), "二档名额须至少为1。"),
        ({tier_field(2, "bonus"): "0.5"}, "tiers", "各档加分须由一档起依次不增。"),
        ({"advanced": "13"}, "tiers", "各档名额之和（12）须等于先进单位数（13）。"),
    ],
)
def test_each_validation_message_sits_by_the_field_it_is_about(changes, field, message) -> None:
    parsed = parse_ruleset(2017, edited(**changes))
    assert parsed.ruleset is None
    assert any(text.startswith(message) for text in parsed.errors.get(field, [])), parsed.errors


def test_a_tier_message_sits_on_the_row_it_was_read_from_past_a_blank_row() -> None:
    values = edited(**{tier_field(1, "size"): "", tier_field(1, "bonus"): ""})
    values.update({tier_field(3, "size"): "0", tier_field(3, "bonus"): "0.05"})
    # Rows 0, 2, 3 are the first, second and third tiers; the third has no places.
    errors = parse_ruleset(2017, values).errors
    assert errors[tier_field(3, "size")] == ["三档名额须至少为1。"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"praise_cap": "五"}, "praise_cap", "表扬加分上限须为数字，“五”不是数字。"),
        ({"praise_cap": "NaN"}, "praise_cap", "表扬加分上限须为数字，“NaN”不是数字。"),
        ({"min_lead": "3.5"}, "min_lead", "先进单位最少主办件数须为整数，“3.5”不是整数。"),
        ({"notice_penalty": "  "}, "notice_penalty", "请填写通报批评扣分。"),
        ({tier_field(0, "bonus"): ""}, tier_field(0, "bonus"), "请填写一档加分。"),
    ],
)
def test_an_unreadable_or_missing_number_is_named(changes, field, message) -> None:
    parsed = parse_ruleset(2017, edited(**changes))
    assert parsed.ruleset is None
    assert parsed.errors == {field: [message]}


def test_a_ruleset_without_tiers_is_refused() -> None:
    values = {k: v for k, v in edited(RULESET_2016).items() if not k.startswith("tiers-")}
    assert parse_ruleset(2016, values).errors["tiers"] == ["请至少填写一档的名额和加分。"]


def test_the_form_shows_the_filled_tiers_and_two_blank_rows() -> None:
    assert tier_rows(form_values(RULESET_2016)) == 3
    assert tier_rows(form_values(RULESET_2017)) == 5
    assert tier_rows({}) == 2


def test_a_message_naming_no_field_belongs_to_the_whole_form() -> None:
    assert field_of_message("规则有误。") == ""
