"""A lead deputy is texted once that their reply is ready: the daily `backoffice remind`
tells each reply recorded lately (through the form or a returned worklist) over the SMS
loopback service, and never again; an old reply or a deputy without a phone gets none,
and the outbox's preview says why."""

import re
from datetime import date, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from backoffice.exports import export_worklist
from backoffice.extensions import db
from backoffice.imports import run_import
from backoffice.models import CongressSession, Opinion, OutboxMessage, ReminderItem, Unit
from backoffice.reminders import REPLY_NOTICE_WINDOW
from backoffice.security.log import mask_phones
from importers.clock import local_today
from tests.aliyun_sms_service import AliyunSmsService
from tests.backoffice.html_forms import form_data
from tests.conftest import demo_app, sign_in

TODAY = local_today()
# The 2017 demo opinions: 区交通委's one open opinion (its reply comes back on the worklist),
# and three of other deputies, replied by the form, long ago, and to a deputy with no phone.
IMPORTED, BY_FORM, OLD, NO_PHONE = "0188", "0027", "0031", "0042"


def _opinion(number: str) -> Opinion:
    return db.session.scalars(sa.select(Opinion).join(Opinion.session).where(
        CongressSession.year == 2017, Opinion.number == number)).one()


def _return_worklist_with_a_new_reply_date(path, replied_on: date) -> None:
    """Export 区交通委's worklist, change the reply date in it and import it back."""
    session = db.session.scalar(sa.select(CongressSession).where(CongressSession.year == 2017))
    unit = db.session.scalars(sa.select(Unit).where(Unit.name == "区交通委")).one()
    export_worklist(db.session, unit, session, path)
    book = openpyxl.load_workbook(path)
    changed = 0
    for sheet in book.worksheets:
        for header in sheet.iter_rows(max_row=3):
            names = [cell.value for cell in header]
            if "答复日期" in names and "编号" in names:
                for row in sheet.iter_rows(min_row=header[0].row + 1):
                    if row[names.index("编号")].value == IMPORTED:
                        row[names.index("答复日期")].value = replied_on
                        changed += 1
    assert changed == 1
    book.save(path)
    result = run_import(db.session, [path], "auto", session=session.name, dry_run=False)
    assert result.status == "applied", result


@pytest.fixture
def service():
    with AliyunSmsService() as running:
        yield running


def test_each_recent_reply_is_texted_once_to_its_lead_deputy(
    database_url, tmp_path, service
) -> None:
    with demo_app(database_url, tmp_path, "operator", **service.settings()) as app:
        client = app.test_client()
        sign_in(client, "operator")
        with app.app_context():
            opinions = {n: _opinion(n) for n in (IMPORTED, BY_FORM, OLD, NO_PHONE)}
            assert len({o.lead_deputy_id for o in opinions.values()}) == 4
            names = {n: o.lead_deputy.name for n, o in opinions.items()}
            phones = {n: o.lead_deputy.phone for n, o in opinions.items()}
            lead_unit_id = opinions[BY_FORM].lead_unit_id
            opinions[NO_PHONE].lead_deputy.phone = None
            opinions[NO_PHONE].replied_on = TODAY - timedelta(days=1)
            opinions[OLD].replied_on = TODAY - REPLY_NOTICE_WINDOW - timedelta(days=1)
            db.session.commit()
            form_url = f"/admin/opinion/edit/?id={opinions[BY_FORM].id}"
            _return_worklist_with_a_new_reply_date(tmp_path / "区交通委.xlsx",
                                                   TODAY - timedelta(days=3))
        data = form_data(client.get(form_url).get_data(as_text=True))
        data["replied_on"] = (TODAY - timedelta(days=2)).isoformat()
        saved = client.post(form_url, data=data)
        assert saved.status_code == 302, saved.get_data(as_text=True)

        preview = client.get("/admin/outbox/today/").get_data(as_text=True)
        assert "答复告知（2条）" in preview
        to_write = re.search(
            r"将以下(\d+)条提醒、2条答复告知写入发件箱？\">生成（写入发件箱(\d+)条）", preview)
        assert to_write and int(to_write.group(1)) + 2 == int(to_write.group(2)), preview
        unphoned = (f"第{NO_PHONE}号（领衔代表{names[NO_PHONE]}）已答复，"
                    "但代表名单中没有该代表的手机号")
        assert unphoned in preview
        assert mask_phones(phones[BY_FORM]) in preview and phones[BY_FORM] not in preview
        assert f"【书面意见答复告知】第{BY_FORM}号意见已答复" in preview
        assert f"第{OLD}号意见" not in preview

        runner = app.test_cli_runner()
        first = runner.invoke(args=["remind"])
        assert first.exit_code == 0, first.output
        assert "、2 条答复告知；" in first.output
        told = {phone: variables["content"] for phone, variables in service.texts
                if phone in phones.values()}
        assert told == {phones[n]: f"第{n}号意见已答复" for n in (IMPORTED, BY_FORM)}
        texted = [phone for phone, _ in service.texts]
        assert [texted.count(phones[n]) for n in (IMPORTED, BY_FORM)] == [1, 1]

        with app.app_context():
            message = db.session.scalars(sa.select(OutboxMessage).where(
                OutboxMessage.address == phones[BY_FORM])).one()
            assert (message.recipient, message.unit_id, message.liaison_term_id) == (
                names[BY_FORM], lead_unit_id, None)
            assert message.status == "已发送" and "我的意见" in message.body
            assert db.session.scalar(sa.select(sa.func.count(ReminderItem.id)).where(
                ReminderItem.kind == "答复告知")) == 2
        page = client.get(f"/admin/outbox/details/?id={message.id}").get_data(as_text=True)
        assert "收件人" in page and names[BY_FORM] in page and "我的意见" in page

        sent = len(service.texts)
        second = runner.invoke(args=["remind"])
        assert second.exit_code == 0, second.output
        assert "答复告知" not in second.output and len(service.texts) == sent
        assert "答复告知（" not in client.get("/admin/outbox/today/").get_data(as_text=True)
