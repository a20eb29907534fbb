"""After a reassignment (改派) the former lead unit answers for the steps of its own
schedule that fell due before the date; the new lead unit for the rest."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from scoring import FormerLead, Ruleset, assess
from scoring.overdue import describe, former_lead_overdue, former_steps
from tests.scoring.fact_builders import (
    ACCEPTANCE_DUE,
    AS_OF,
    CONSULTATION_DUE,
    REPLY_DUE,
    opinion,
    year_facts,
)


def handed_over(reassigned_on: date, **done) -> FormerLead:
    """Return 甲's part in 0001 until reassigned_on, on the schedule from its assignment."""
    return FormerLead(
        "甲", "0001", reassigned_on, ACCEPTANCE_DUE, CONSULTATION_DUE, REPLY_DUE, **done
    )


def test_former_and_new_lead_each_keep_their_own_lateness() -> None:
    # 甲 led 0001 until 03-10 and accepted it late (03-05 against 03-01); 乙 leads it on
    # deadlines restarted from 03-10, consults in time and replies after its 06-10.
    done = {"accepted_on": date(2017, 3, 5), "consulted_on": date(2017, 3, 25),
            "replied_on": date(2017, 6, 20)}
    reassigned = opinion("0001", "乙", acceptance_due=date(2017, 3, 17),
                         consultation_due=date(2017, 4, 10), reply_due=date(2017, 6, 10), **done)
    facts = replace(
        year_facts(opinions=(reassigned, opinion("0002", "甲"))),
        former_leads=(handed_over(date(2017, 3, 10), **done),),
    )
    result = assess(facts, Ruleset(year=2017))
    former, new = result.unit("甲"), result.unit("乙")
    assert [(e.kind, e.opinion, e.due) for e in former.overdue_events] == [
        ("超期签收", "0001", ACCEPTANCE_DUE)]
    assert [(e.kind, e.opinion, e.due) for e in new.overdue_events] == [
        ("超期答复", "0001", date(2017, 6, 10))]
    # Only the current lead unit counts the opinion; the former answers for its one step:
    # 时限 20 × (4 − 1) / 4 = 15.00 for 甲, 20 × 2/3 = 13.33 for 乙.
    assert (former.lead_count, new.lead_count) == (1, 1)
    timeliness = {u.unit: u.lead_components[-1].points for u in (former, new)}
    assert timeliness == {"甲": Decimal("15.00"), "乙": Decimal("13.33")}
    assert any("共3项，另有改派前主办期间到期的1项，其中超期1项" in n.text for n in former.notes)


def test_a_step_done_only_after_the_reassignment_was_not_done_by_the_former_lead() -> None:
    former = handed_over(date(2017, 4, 1), accepted_on=date(2017, 2, 22),
                         consulted_on=date(2017, 4, 5))
    # Acceptance and consultation fell due before 04-01, the reply after: not its own.
    assert [kind for kind, _, _ in former_steps(former)] == ["超期签收", "超期面商"]
    (event,) = former_lead_overdue(former, AS_OF)
    assert (event.kind, event.done_on, event.reassigned_on) == (
        "超期面商", None, date(2017, 4, 1))
    assert describe(event, AS_OF, "时限").text == (
        "第0001号意见超期面商（改派前由本单位主办）：期限为2017年3月20日，"
        "至2017年4月1日改派时尚未面商。"
    )


def test_a_reassignment_before_any_step_fell_due_leaves_the_former_lead_nothing() -> None:
    former = handed_over(date(2017, 2, 25))  # nothing done, nothing due yet
    assert former_steps(former) == []
    assert former_lead_overdue(former, AS_OF) == []
    facts = replace(year_facts(opinions=(opinion("0002", "甲"),)), former_leads=(former,))
    unit = assess(facts, Ruleset(year=2017)).unit("甲")
    assert unit.overdue == 0 and unit.lead_score == Decimal("100.00")
