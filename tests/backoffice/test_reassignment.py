"""Reassignment done right: a reason always, deadlines restarted for the new lead unit, a
co-handler added later with its own deadline, the new unit told, and units' requests to
reassign or return an opinion answered by the office."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from backoffice import deadline_queries, deadlines, reassigning
from backoffice.extensions import db
from backoffice.models import (
    AuditEntry,
    CoHandling,
    CongressSession,
    Opinion,
    OutboxMessage,
    ReassignmentRequest,
    Unit,
)
from importers.clock import local_today
from tests.backoffice.html_forms import form_data
from tests.conftest import csrf_token, sign_in


def _opinion(number: str) -> Opinion:
    return db.session.scalars(sa.select(Opinion).join(Opinion.session).where(
        CongressSession.year == 2017, Opinion.number == number)).one()


def _unit(name: str) -> Unit:
    return db.session.scalars(sa.select(Unit).where(Unit.name == name)).one()


def _steps(opinion_id: int, as_of: date) -> dict[tuple[str, object], deadlines.Deadline]:
    (schedule,) = deadlines.load_deadlines(db.session, as_of, Opinion.id == opinion_id)
    return {(str(d.step), d.co_handler): d for d in schedule.deadlines}


def test_a_reassignment_restarts_the_deadlines_and_a_co_handler_added_later_has_its_own(
        app) -> None:
    today = local_today()
    with app.app_context():
        opinion = _opinion("0160")  # led by 浦江镇, co-handled by 七宝镇 from the start
        water, statistics = _unit("区水务局"), _unit("区统计局")
        months = opinion.session.co_opinion_months
        opinion.accepted_on = opinion.consulted_on = opinion.replied_on = None
        opinion.answer_type = opinion.concluded_on = None
        for co in opinion.co_handlings:
            co.submitted_on = None
        db.session.commit()
        assert _steps(opinion.id, today)["签收", None].status is deadlines.Status.OVERDUE

        # Every way in needs a reason: the write path refuses a change of lead unit without.
        opinion.lead_unit = water
        with pytest.raises(reassigning.ReassignmentError, match="改派事由"):
            db.session.flush()
        db.session.rollback()

        opinion = _opinion("0160")
        reassigning.reassign(opinion, _unit("区水务局"), "职能调整")
        db.session.commit()
        assert opinion.restarted_on == today
        steps = _steps(opinion.id, today)
        assert steps["签收", None].due_on == deadlines.load_calendar(db.session).add_workdays(
            today, opinion.session.accept_working_days)
        assert steps["答复", None].due_on == deadlines.add_months(
            today, opinion.session.reply_months)
        # The co-handler there before restarts with the lead unit.
        qibao = _unit("七宝镇").id
        assert steps["会办意见", qibao].due_on == deadlines.add_months(today, months)
        assert not any(d.status is deadlines.Status.OVERDUE for d in steps.values())

        # A co-handler added today to an opinion assigned in 2017: its own deadline, one
        # period from today, not the opinion's long past one.
        opinion = _opinion("0001")
        opinion.co_handlings.append(CoHandling(unit=statistics))
        db.session.commit()
        (added,) = opinion.co_handlings
        own = deadlines.add_months(today, months)
        assert (added.added_on, added.co_opinion_due_on) == (today, own)
        assert opinion.co_opinion_due_on < today
        for as_of, status in ((today, deadlines.Status.NOT_DUE),
                              (own + timedelta(days=1), deadlines.Status.OVERDUE)):
            step = _steps(opinion.id, as_of)["会办意见", statistics.id]
            assert (step.due_on, step.status) == (own, status)
            # The lists' SQL conditions pick what the case file shows.
            conditions = deadline_queries.conditions_as_of(as_of)
            assert db.session.scalars(sa.select(CoHandling.unit_id).where(
                CoHandling.opinion_id == opinion.id,
                conditions.co_handling((status,)))).all() == [statistics.id]
            counted = deadline_queries.units_needing_attention(
                db.session, as_of, where=Opinion.id == opinion.id)
            assert counted.get(statistics.id) == (
                1 if status is deadlines.Status.OVERDUE else None)


def _post(client, url: str, page: str, **data: str):
    """Post data to url with the client's CSRF token (read once from page: it lasts the
    signed-in session)."""
    if not hasattr(client, "token"):
        client.token = csrf_token(client, page)
    return client.post(url, data={"csrf_token": client.token, **data})


def test_a_unit_asks_and_the_office_approves_or_declines(app) -> None:
    with app.app_context():
        opinion = _opinion("0160")  # led by 浦江镇, co-handled by 七宝镇
        opinion_id, elsewhere = opinion.id, _opinion("0001").id
        water = _unit("区水务局").id
    page = f"/admin/opinion/details/?id={opinion_id}"
    ask = "/admin/opinion/request-change/"
    clients = {}
    for name in ("pujiang", "qibao", "operator", "leader", "auditor"):
        clients[name] = app.test_client()
        assert sign_in(clients[name], name).status_code == 302
    pujiang, qibao, operator = clients["pujiang"], clients["qibao"], clients["operator"]

    assert _post(pujiang, ask, page, opinion_id=str(opinion_id), kind="申请退回",
                 reason="不属本镇职能").status_code == 302
    assert _post(qibao, ask, page, opinion_id=str(opinion_id), kind="申请调整",
                 reason="应由七宝镇主办").status_code == 302
    again = _post(qibao, ask, page, opinion_id=str(opinion_id), kind="申请调整",
                  reason="再次申请")
    assert "已有待处理的申请" in qibao.get(again.headers["Location"]).get_data(as_text=True)
    # Forbidden: an opinion the unit neither leads nor co-handles, other roles, deciding.
    assert _post(qibao, ask, page, opinion_id=str(elsewhere), kind="申请调整",
                 reason="x").status_code == 404
    for role in ("auditor", "leader"):
        assert _post(clients[role], ask, "/admin/", opinion_id=str(opinion_id),
                     kind="申请调整", reason="x").status_code == 403
    with app.app_context():
        requests = {r.unit.name: r.id for r in db.session.scalars(
            sa.select(ReassignmentRequest).where(ReassignmentRequest.opinion_id == opinion_id))}
    assert set(requests) == {"浦江镇", "七宝镇"}
    approve = "/admin/reassignment_request/approve/"
    decline = "/admin/reassignment_request/decline/"
    for name in ("pujiang", "leader"):
        assert _post(clients[name], approve, page, id=str(requests["浦江镇"]),
                     to_unit_id=str(water)).status_code == 403

    # Declining needs a reason; then the request is answered and stays answered.
    refused = _post(operator, decline, page, id=str(requests["七宝镇"]), decision=" ")
    assert "不同意申请须填写理由" in operator.get(refused.headers["Location"]).get_data(
        as_text=True)
    assert _post(operator, decline, page, id=str(requests["七宝镇"]),
                 decision="仍由浦江镇牵头为宜").status_code == 302
    # Approving reassigns to the unit the office picks, with the request as the reason.
    assert _post(operator, approve, page, id=str(requests["浦江镇"]),
                 to_unit_id=str(water)).status_code == 302
    twice = _post(operator, approve, page, id=str(requests["浦江镇"]), to_unit_id=str(water))
    assert "此申请已处理" in operator.get(twice.headers["Location"]).get_data(as_text=True)

    with app.app_context():
        opinion = db.session.get(Opinion, opinion_id)
        assert opinion.lead_unit.name == "区水务局" and opinion.restarted_on == local_today()
        (reassignment,) = opinion.reassignments
        assert reassignment.reason == "同意浦江镇申请退回：不属本镇职能"
        answered = {r.unit.name: (r.status, r.decision, r.decided_by, r.to_unit_id)
                    for r in opinion.reassignment_requests}
        assert answered == {"浦江镇": ("已同意", "改由区水务局主办", "operator", water),
                            "七宝镇": ("未同意", "仍由浦江镇牵头为宜", "operator", None)}
        notice = db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.unit_id == water)).one()
        assert "改派事由：同意浦江镇申请退回：不属本镇职能" in notice.body
        trail = db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.opinion_id == opinion_id,
            AuditEntry.table_name == "reassignment_requests")).all()
        assert sorted((e.action, e.actor) for e in trail) == [
            ("修改", "operator"), ("修改", "operator"), ("新增", "pujiang"), ("新增", "qibao")]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the pages, not the data
def test_the_screens_of_reassignment(app) -> None:
    with app.app_context():
        opinion_id = _opinion("0160").id
    page = f"/admin/opinion/details/?id={opinion_id}"
    qibao, operator = app.test_client(), app.test_client()
    sign_in(qibao, "qibao")
    sign_in(operator, "operator")
    form = qibao.get(page).get_data(as_text=True)
    assert 'action="/admin/opinion/request-change/"' in form and "申请退回" in form
    _post(qibao, "/admin/opinion/request-change/", page, opinion_id=str(opinion_id),
          kind="申请调整", reason="应由七宝镇主办")
    asked = qibao.get(page).get_data(as_text=True)
    assert "七宝镇申请调整" in asked and "待处理" in asked and "提交申请" not in asked

    case_file = operator.get(page).get_data(as_text=True)
    assert "同意并改派" in case_file and "不同意的理由" in case_file
    work_list = operator.get("/admin/reassignment_request/").get_data(as_text=True)
    assert "应由七宝镇主办" in work_list and "待处理" in work_list
    assert qibao.get("/admin/reassignment_request/").status_code == 200

    edit = operator.get(f"/admin/opinion/edit/?id={opinion_id}").get_data(as_text=True)
    assert "改派事由" in edit
    # A new 会办 block starts with no unit chosen.
    template = edit[edit.index("inline-field-template"):]
    select = template[template.index("name=&#34;unit&#34;"):]
    assert select.index("&lt;option selected value=&#34;__None&#34;&gt;（请选择）") < \
        select.index("&lt;/option&gt;")
    url = f"/admin/opinion/edit/?id={opinion_id}"
    data = {**form_data(edit), "co_handlings-1-unit": "__None"}
    assert "请选择会办单位。" in operator.post(url, data=data).get_data(as_text=True)
    assert "改派事由" not in operator.get("/admin/opinion/new/").get_data(as_text=True)
