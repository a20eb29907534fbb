"""The annual report: its rounding rules by hand, and the demo years' figures exactly."""

import json
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import CongressSession
from backoffice.reporting.annual import (
    Feedback,
    OpinionFacts,
    annual_report,
    half_up_percent,
    largest_remainder,
)
from backoffice.reporting.annual_loading import report_with_previous

EXPECTED = Path(__file__).resolve().parents[1] / "fixtures" / "expected"


def test_largest_remainder_reproduces_the_seeds_lines() -> None:
    assert largest_remainder([230, 46, 29, 17]) == [72, 14, 9, 5]  # categories
    assert largest_remainder([238, 65, 11, 0, 0]) == [76, 21, 3, 0, 0]  # satisfaction
    # The seed printed 43/30/14/13 for the answer types; the method gives:
    assert largest_remainder([137, 94, 46, 43]) == [43, 29, 14, 14]


def test_largest_remainder_sums_to_100_and_breaks_ties_in_listed_order() -> None:
    assert largest_remainder([1, 1, 1]) == [34, 33, 33]
    assert largest_remainder([0, 1, 1, 1]) == [0, 34, 33, 33]
    assert largest_remainder([0, 0]) == [0, 0]
    assert sum(largest_remainder([7, 13, 29, 1, 3])) == 100


def test_conclusion_rate_rounds_half_up() -> None:
    assert half_up_percent(292, 320) == 91  # 91.25
    assert half_up_percent(1, 8) == 13  # 12.5 → 13, not banker's 12
    assert half_up_percent(5, 8) == 63  # 62.5 → 63
    assert half_up_percent(0, 0) == 0


def test_facts_count_only_what_had_happened_on_the_date() -> None:
    opinion = OpinionFacts(
        number="0001", category="社会事业", lead_unit="七宝镇", assigned_on=date(2017, 2, 20),
        co_units=("区教育局",), replied_on=date(2017, 5, 2), answer_type="C",
        concluded_on=date(2017, 11, 1),
        feedback=(Feedback(date(2017, 5, 20), "较好"), Feedback(date(2017, 7, 1), "好", True)),
        supervised=True,
    )
    unanswered = OpinionFacts(
        number="0002", category="财政经济", lead_unit="区财政局", assigned_on=date(2017, 2, 20)
    )
    early = annual_report("会议", date(2017, 6, 1), [opinion, unanswered])
    assert (early.total, early.units, early.answered, early.answering) == (2, 3, 1, 1)
    assert (early.concluded, early.planned_concluded, early.supervised_concluded) == (0, 0, 0)
    assert early.by_satisfaction["较好"].count == 1 and early.praised_opinions == 0
    late = annual_report("会议", date(2017, 12, 15), [opinion, unanswered])
    assert (late.concluded, late.planned_concluded, late.conclusion_rate) == (1, 1, 100)
    assert late.by_satisfaction["好"].count == 1 and late.praised_opinions == 1
    assert late.praised_by_unit == (("七宝镇", 1),)
    assert annual_report("会议", date(2017, 1, 1), [opinion]).total == 0


def test_the_demo_years_reports_equal_the_expected_figures(app) -> None:
    with app.app_context():
        sessions = {s.year: s for s in db.session.scalars(sa.select(CongressSession))}
        both = report_with_previous(db.session, sessions[2017], date(2017, 12, 15))
        only = report_with_previous(db.session, sessions[2016], date(2016, 12, 16))
    for year, result in (("2017", both.report), ("2016", only.report)):
        expected = json.loads((EXPECTED / f"{year}.json").read_text(encoding="utf-8"))["report"]
        assert json.loads(json.dumps(result.to_json(), ensure_ascii=False)) == expected, year
    assert only.previous is None
    assert both.previous.session == "区五届人大六次会议"
    assert both.previous.as_of == date(2016, 12, 15)
    assert (both.report.praised_opinions, both.previous.praised_opinions) == (91, 22)
    assert (both.report.by_answer_type["留作参考"].count,
            both.previous.by_answer_type["留作参考"].count) == (43, 95)


def test_a_notice_draft_groups_findings_by_unit_most_first() -> None:
    from backoffice.reporting.notices import Finding, Kind, draft_notice

    findings = [
        Finding(2, "七宝镇", Kind.LOW_GRADE, 12, "0012", "甲", "代表评价为“较差”"),
        Finding(1, "浦江镇", Kind.LATE, 10, "0010", "乙", "签收晚"),
        Finding(2, "七宝镇", Kind.DISAGREED, 12, "0012", "甲", "不同意"),
        Finding(2, "七宝镇", Kind.OVERDUE, 11, "0011", "丙", "答复未办"),
        Finding(2, "七宝镇", Kind.OVERDUE, 11, "0011", "丙", "面商未办"),
    ]
    draft = draft_notice("会议", date(2017, 4, 1), date(2017, 4, 30), findings)
    assert [line.unit for line in draft.lines] == ["七宝镇", "浦江镇"]
    assert draft.lines[0].reason == "超期未办1件、不同意退回1件、满意度较低1件"
    assert [f.kind for f in draft.lines[0].findings] == [
        Kind.OVERDUE, Kind.OVERDUE, Kind.DISAGREED, Kind.LOW_GRADE]
    assert draft.period == "2017年4月1日至2017年4月30日"
