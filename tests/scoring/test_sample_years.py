"""On the 2016 and 2017 sample data the assessment equals expected.json, figure by figure."""

import json

import pytest

from scoring import assess, assessment_json, ruleset_for
from tests.scoring.truth_facts import expected_assessment, truth_facts


def differences(got: dict, expected: dict) -> list[str]:
    """List every unit and field where the result differs from the expected one."""
    lines = [
        f"{key}: {got[key]!r} != {expected[key]!r}"
        for key in ("year", "rules")
        if got[key] != expected[key]
    ]
    got_units = {unit["unit"]: unit for unit in got["units"]}
    for want in expected["units"]:
        have = got_units.get(want["unit"])
        if have is None:
            lines.append(f"{want['unit']}: not assessed")
            continue
        lines.extend(
            f"{want['unit']}.{key}: {have.get(key)!r} != {value!r}"
            for key, value in want.items()
            if have.get(key) != value
        )
    extra = set(got_units) - {unit["unit"] for unit in expected["units"]}
    lines.extend(f"{name}: assessed but not expected" for name in sorted(extra))
    return lines


@pytest.mark.parametrize("year", [2017, 2016])
def test_sample_year_assessment_equals_expected_json(year: int) -> None:
    got = assessment_json(assess(truth_facts(year), ruleset_for(year)))
    expected = expected_assessment(year)
    assert not differences(got, expected), "\n".join(differences(got, expected))
    # Same figures is not enough: the CLI's JSON must also keep the key order.
    assert json.dumps(got, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


@pytest.mark.parametrize("year", [2017, 2016])
def test_every_figure_of_every_unit_has_an_explanation(year: int) -> None:
    assessment = assess(truth_facts(year), ruleset_for(year))
    for unit in assessment.units:
        topics = {note.topic for note in unit.notes}
        figures = [c.label for c in unit.components] + [a.label for a in unit.adjustments]
        missing = [label for label in figures if label not in topics]
        assert not missing, f"{unit.unit}: no explanation of {missing}"
        assert {"基础分", "最终得分", "先进单位"} <= topics


def test_explanation_reads_out_a_return_and_a_lost_tier() -> None:
    unit = assess(truth_facts(2017), ruleset_for(2017)).unit("区大居办")
    texts = [note.text for note in unit.notes]
    assert "第0026号意见代表不同意退回，扣2分。" in texts
    # 12th candidate, 2 overdue events: drops out of 三档 and nobody takes the place.
    assert any("由三档降档" in text and "名额不递补" in text for text in texts)
    return_note = next(n for n in unit.notes if n.text.startswith("第0026号意见代表不同意"))
    assert return_note.opinions == ("0026",)
