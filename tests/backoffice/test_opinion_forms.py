"""The opinion form: Chinese messages next to the field, optimistic locking, audit trail."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from backoffice.deadlines import add_months
from backoffice.extensions import db
from backoffice.formatting import prose_date
from backoffice.models import (
    AuditEntry,
    CongressSession,
    Opinion,
    OutboxMessage,
    Reassignment,
    Unit,
)
from importers.clock import local_today
from tests.backoffice.html_forms import form_data
from tests.conftest import sign_in


def _opinion(app, number: str) -> Opinion:
    """Return the 2017 opinion with the number, detached."""
    with app.app_context():
        query = sa.select(Opinion).join(Opinion.session).where(
            CongressSession.year == 2017, Opinion.number == number
        )
        opinion = db.session.scalars(query).one()
        db.session.expunge(opinion)
        return opinion


def _edit(client: FlaskClient, opinion_id: int, **changes: str):
    url = f"/admin/opinion/edit/?id={opinion_id}"
    data = form_data(client.get(url).get_data(as_text=True))
    data.update(changes)
    return client.post(url, data=data)


def _field_error(page: str, field: str) -> str:
    """Return the text of the error block right after the field."""
    start = page.index(f'name="{field}"')
    block = page[start : start + 3000]
    return block


def test_admin_saves_a_reply_date_and_the_trail_shows_old_and_new(as_user, app) -> None:
    opinion = _opinion(app, "0039")
    new_date = (opinion.replied_on - timedelta(days=1)).isoformat()
    client = as_user("operator")
    response = _edit(client, opinion.id, replied_on=new_date)
    assert response.status_code == 302, response.get_data(as_text=True)
    # Back to the case file, where the saved work shows.
    assert f"/admin/opinion/details/?id={opinion.id}" in response.headers["Location"]
    with app.app_context():
        assert db.session.get(Opinion, opinion.id).replied_on.isoformat() == new_date
        entry = db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.opinion_id == opinion.id, AuditEntry.action == "修改")
            .order_by(AuditEntry.id.desc())
        ).first()
        assert entry.actor == "operator" and entry.source == "web"
        assert entry.changes["replied_on"] == [opinion.replied_on.isoformat(), new_date]
    case_file = client.get(f"/admin/opinion/details/?id={opinion.id}").get_data(as_text=True)
    assert f"答复日期：{opinion.replied_on.isoformat()} → {new_date}" in case_file


LEGEND = re.compile(r'<fieldset class="form-section" id="section-\w+"><legend class="h6">(\w+)<')


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the page, not the data
def test_the_form_comes_in_sections_and_names_its_opinion(as_user, app) -> None:

    opinion = _opinion(app, "0039")
    page = as_user("operator").get(f"/admin/opinion/edit/?id={opinion.id}").get_data(
        as_text=True)
    assert LEGEND.findall(page) == [
        "基本信息", "承办", "答复", "阅批与督办", "会办", "沟通走访", "进展反馈", "满意度测评"]
    assert f"0039号意见：{opinion.title}" in page
    assert page.count('type="submit" class="btn btn-primary"') == 2  # above and below
    assert page.count('name="expected_version"') == 1

    with app.app_context():
        led = db.session.scalars(sa.select(Opinion).join(Opinion.lead_unit).where(
            Unit.name == "浦江镇")).first()
        led_id, number = led.id, led.number
    unit = app.test_client()
    sign_in(unit, "pujiang")
    page = unit.get(f"/admin/opinion/edit/?id={led_id}").get_data(as_text=True)
    # A unit's form has only the unit's fields, so only their sections.
    assert LEGEND.findall(page) == ["承办", "答复", "沟通走访", "进展反馈"]
    assert f"{number}号意见：" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"replied_on": "2017-01-05"}, "replied_on", "不能早于交办日期"),
        ({"signed_off_by": "", "signed_off_on": ""}, "answer_type", "须先经分管副区长阅批"),
        ({"number": "0001"}, "number", "编号不能重复"),
    ],
)
def test_bad_input_is_refused_with_a_message_at_the_field(
    as_user, app, changes, field, message
) -> None:
    opinion = _opinion(app, "0026")  # a D reply with a sign-off
    client = as_user("operator")
    response = _edit(client, opinion.id, **changes)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in _field_error(page, field)
    with app.app_context():
        unchanged = db.session.get(Opinion, opinion.id)
        assert (unchanged.number, unchanged.replied_on, unchanged.signed_off_on) == (
            opinion.number, opinion.replied_on, opinion.signed_off_on,
        )


def test_a_co_handler_equal_to_the_lead_unit_is_refused(as_user, app) -> None:
    opinion = _opinion(app, "0003")  # led by 七宝镇 with two co-handlers
    client = as_user("operator")
    with app.app_context():
        lead_unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.name == "七宝镇"))
    response = _edit(client, opinion.id, **{"co_handlings-0-unit": str(lead_unit_id)})
    assert response.status_code == 200
    assert "会办单位不能与主办单位相同：七宝镇" in response.get_data(as_text=True)


def test_the_second_of_two_concurrent_saves_is_refused(as_user, app) -> None:
    opinion = _opinion(app, "0039")
    client = as_user("operator")
    url = f"/admin/opinion/edit/?id={opinion.id}"
    first = form_data(client.get(url).get_data(as_text=True))
    second = dict(first)
    first["content"] = "第一位同事补充的内容"
    second["title"] = "另一位同事改的标题"
    assert client.post(url, data=first).status_code == 302
    refused = client.post(url, data=second)
    assert refused.status_code == 200
    assert "已被他人修改" in refused.get_data(as_text=True)
    with app.app_context():
        kept = db.session.get(Opinion, opinion.id)
        assert kept.content == "第一位同事补充的内容" and kept.title == opinion.title


def test_changing_the_lead_unit_records_a_reassignment(as_user, app) -> None:
    opinion = _opinion(app, "0001")
    with app.app_context():
        new_unit = db.session.scalar(sa.select(Unit).where(Unit.name == "区水务局"))
        new_unit_id = new_unit.id
    client = as_user("operator")
    refused = _edit(client, opinion.id, lead_unit=str(new_unit_id))
    assert refused.status_code == 200
    assert "更换主办单位须填写改派事由。" in _field_error(refused.get_data(as_text=True),
                                                     "reassignment_reason")
    with app.app_context():
        assert db.session.get(Opinion, opinion.id).lead_unit_id == opinion.lead_unit_id

    response = _edit(client, opinion.id, lead_unit=str(new_unit_id),
                     reassignment_reason="职能调整，由水务部门牵头")
    assert response.status_code == 302
    today = local_today()
    with app.app_context():
        history = db.session.scalars(
            sa.select(Reassignment).where(Reassignment.opinion_id == opinion.id)
        ).all()
        assert [(r.from_unit_id, r.to_unit_id, r.actor, r.reason) for r in history] == [
            (opinion.lead_unit_id, new_unit_id, "operator", "职能调整，由水务部门牵头")
        ]
        # The new lead unit's deadlines count from today, as if assigned today.
        saved = db.session.get(Opinion, opinion.id)
        assert saved.restarted_on == today
        assert (saved.consult_due_on, saved.reply_due_on) == (
            add_months(today, saved.session.consult_months),
            add_months(today, saved.session.reply_months))
        assert saved.accept_due_on > today
        # The new unit's liaison is told, with the reason and the new due dates.
        notice = db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.unit_id == new_unit_id)).one()
        assert notice.subject == f"【书面意见改派通知】第{saved.number}号意见改由区水务局主办"
        assert "改派事由：职能调整，由水务部门牵头" in notice.body
        assert f"答复{prose_date(saved.reply_due_on)}前" in notice.body
    case_file = client.get(f"/admin/opinion/details/?id={opinion.id}").get_data(as_text=True)
    assert "主办单位：浦江镇 → 区水务局" in case_file
    assert f"办理期限自{prose_date(today)}起重新计算" in case_file
    # The former lead unit's lateness stays its own (docs/domain.md, Reassignment).
    assert "此前已到期环节的超期记录仍计入浦江镇的年度考核" in case_file


def test_the_audit_log_cannot_be_edited_or_deleted(as_user, app) -> None:
    client = as_user("auditor")
    with app.app_context():
        entry_id = db.session.scalar(sa.select(AuditEntry.id).limit(1))
    assert client.get(f"/admin/audit/edit/?id={entry_id}").status_code == 403
    assert client.get("/admin/audit/new/").status_code == 403
    token = form_data(client.get("/admin/audit/").get_data(as_text=True))["csrf_token"]
    response = client.post("/admin/audit/delete/", data={"id": entry_id, "csrf_token": token})
    assert response.status_code == 403
