"""A former lead unit keeps the lateness it incurred before a reassignment (改派): the
assessment judges it on the steps of its own schedule that fell due before the date,
and the new lead unit on its restarted deadlines."""

from datetime import date

import sqlalchemy as sa

from backoffice import deadlines, reassigning
from backoffice.assessment import assess_year, year_facts
from backoffice.extensions import db
from backoffice.models import CongressSession, Opinion, Unit
from tests.backoffice.assessment.conftest import SAMPLE_2017
from tests.backoffice.assessment.test_facts_from_database import _statements_during


def _opinion(number: str) -> Opinion:
    return db.session.scalars(sa.select(Opinion).join(Opinion.session).where(
        CongressSession.year == 2017, Opinion.number == number)).one()


def _unit(name: str) -> Unit:
    return db.session.scalars(sa.select(Unit).where(Unit.name == name)).one()


def _late(result, unit: str, number: str) -> set[tuple[str, date, date | None]]:
    return {(e.kind, e.due, e.done_on)
            for e in result.unit(unit).overdue_events if e.opinion == number}


def test_reassigning_today_leaves_a_past_years_lateness_with_the_former_lead(app) -> None:
    with app.app_context():
        before = assess_year(db.session, 2017, SAMPLE_2017)
        pujin, pujiang = before.unit("浦锦街道"), before.unit("浦江镇")
        # 0202 (浦锦街道): accepted 03-08 against 03-01; no reply by its 05-20 deadline.
        kept = {("超期签收", date(2017, 3, 1), date(2017, 3, 8)),
                ("超期答复", date(2017, 5, 20), None)}
        assert _late(before, "浦锦街道", "0202") == kept

        reassigning.reassign(_opinion("0202"), _unit("浦江镇"), "职能调整")
        db.session.commit()
        db.session.expire_all()
        _, statements = _statements_during(
            lambda: year_facts(db.session, 2017, SAMPLE_2017))
        # The eight, then the calendar and the session a former schedule is counted on.
        assert len(statements) == 10

        after = assess_year(db.session, 2017, SAMPLE_2017)
        assert (after.unit("浦锦街道").lead_count, after.unit("浦锦街道").overdue) == (
            pujin.lead_count - 1, pujin.overdue)
        assert _late(after, "浦锦街道", "0202") == kept
        assert after.unit("浦江镇").lead_count == pujiang.lead_count + 1
        assert after.unit("浦江镇").overdue == pujiang.overdue
        assert _late(after, "浦江镇", "0202") == set()
        notes = [n.text for n in after.unit("浦锦街道").notes if "0202" in n.text]
        # Reassigned after the cut-off: as the assessment saw it then, still unanswered.
        assert "第0202号意见超期答复（改派前由本单位主办）：期限为2017年5月20日，" \
            "截至2017年12月15日尚未答复。" in notes


def test_chained_reassignments_in_mid_year_give_each_lead_its_own_lateness(app) -> None:
    with app.app_context():
        # 0001: assigned 2017-02-20 to 浦江镇; acceptance due 03-01, consultation 03-20.
        for unit in ("区水务局", "区统计局"):
            reassigning.reassign(_opinion("0001"), _unit(unit), "职能调整")
            db.session.commit()
        opinion = _opinion("0001")
        first, second = sorted(opinion.reassignments, key=lambda r: r.id)
        first.reassigned_on, second.reassigned_on = date(2017, 3, 10), date(2017, 4, 20)
        opinion.restarted_on = second.reassigned_on
        # 浦江镇 accepts late before handing over; 区水务局 has not consulted by 04-20;
        # 区统计局 consults in time and replies after its restarted deadline.
        opinion.accepted_on, opinion.consulted_on = date(2017, 3, 5), date(2017, 4, 25)
        opinion.replied_on = date(2017, 8, 1)
        db.session.commit()
        # 区水务局's own schedule counted from 03-10: acceptance in 7 working days, then months.
        session = opinion.session
        water_accept = deadlines.load_calendar(db.session).add_workdays(
            date(2017, 3, 10), session.accept_working_days)
        assert water_accept > date(2017, 3, 5)

        db.session.expire_all()
        # Two reassignments cost no more queries than one.
        _, statements = _statements_during(lambda: year_facts(db.session, 2017, SAMPLE_2017))
        assert len(statements) == 10
        result = assess_year(db.session, 2017, SAMPLE_2017)
        assert _late(result, "浦江镇", "0001") == {
            ("超期签收", date(2017, 3, 1), date(2017, 3, 5))}
        assert _late(result, "区水务局", "0001") == {
            ("超期面商", deadlines.add_months(date(2017, 3, 10), session.consult_months), None)}
        assert _late(result, "区统计局", "0001") == {
            ("超期答复", opinion.reply_due_on, date(2017, 8, 1))}
        assert opinion.reply_due_on == deadlines.add_months(
            date(2017, 4, 20), session.reply_months + (opinion.reply_extension_months or 0))
        # Only the current lead unit counts the opinion among those it leads.
        assert "0001" in {o.number for o in year_facts(db.session, 2017, SAMPLE_2017).opinions
                          if o.lead_unit == "区统计局"}
