"""The outbox page's day: today's reminders previewed (to whom, how, the masked address,
the items and the very text), written as previewed (生成), sent as a job over SMTP on
loopback (发送), and each message shown as written."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import Delivery, LiaisonTerm, OutboxMessage
from backoffice.reminders import due_items
from backoffice.reporting.sessions import current_session
from importers.clock import local_today
from tests.backoffice.jobs.steps import wait_for
from tests.conftest import csrf_token
from tests.mail_server import smtp_on_loopback

# The job that sends runs in a thread of the app with SQLite; what the database does
# (writing once, sending once) is tested on both in test_reminders.py.
SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _serving(unit_id: int) -> LiaisonTerm:
    return db.session.scalars(sa.select(LiaisonTerm).where(
        LiaisonTerm.unit_id == unit_id, LiaisonTerm.ended_on.is_(None))).first()


@SQLITE
def test_preview_then_generate_then_send_then_read(as_user, app) -> None:
    with smtp_on_loopback() as (port, inbox):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                          MAIL_FROM="office@example.org")
        with app.app_context():
            session = current_session(db.session)
            due = sorted(due_items(db.session, local_today(), session))
            by_mail, unserved, texted = (_serving(unit_id) for unit_id in due[:3])
            by_mail.email = "mail@example.org"
            unserved.ended_on = local_today() - timedelta(days=1)
            phone = texted.phone
            db.session.commit()
            names = {t.unit.name for t in (by_mail, unserved, texted)}
            mail_unit, unserved_unit, texted_unit = (t.unit.name for t in
                                                     (by_mail, unserved, texted))
        client = as_user("operator")
        outbox = client.get("/admin/outbox/").get_data(as_text=True)
        assert "预览并生成今天的提醒" in outbox and "发送待发送消息（0条）" in outbox
        assert "发件箱还没有消息：每个工作日上午定时生成并发送当天的提醒" in outbox

        preview = client.get("/admin/outbox/today/").get_data(as_text=True)
        assert f"{unserved_unit}有需要提醒的事项，但今天没有在任联络员" in preview
        assert f"{phone[:3]}****{phone[-4:]}" in preview and phone not in preview
        assert "尚未配置短信发送方式" in preview and "mail@example.org" in preview
        assert f"【书面意见办理提醒】{mail_unit}：超期" in preview
        body = re.search(r'<pre class="message-text">([^<]*)</pre>', preview).group(1)
        assert "同志：\n截至" in body  # the text as it will go, lines and all
        planned = preview.count('class="card mb-3 planned-message"')
        assert planned == len(due) - 1 and len(names) == 3
        token = csrf_token(client, "/admin/outbox/today/")

        # A preview that no longer holds is shown again, not written.
        stale = client.post("/admin/outbox/generate", follow_redirects=True,
                            data={"fingerprint": "0" * 16, "csrf_token": token})
        assert "预览之后情况已有变化" in stale.get_data(as_text=True)
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0

        fingerprint = re.search(r'name="fingerprint" value="(\w+)"', preview).group(1)
        written = client.post("/admin/outbox/generate", follow_redirects=True,
                              data={"fingerprint": fingerprint, "csrf_token": token})
        assert f"已将{planned}条提醒写入发件箱" in written.get_data(as_text=True)
        again = client.get("/admin/outbox/today/").get_data(as_text=True)
        assert "今天的提醒已经生成，没有新的事项需要提醒" in again
        assert inbox.messages == []  # written, not sent

        sent = client.post("/admin/outbox/send", data={"csrf_token": token})
        job_id = int(re.search(r"/admin/jobs/(\d+)/$", sent.location).group(1))
        said = wait_for(client, job_id)["message"]
        assert said == f"发送成功 1 条，失败 0 条，待发送 {planned - 1} 条，等待重试 0 条。"
        assert [rcpt for rcpt, _mail in inbox.messages] == [["mail@example.org"]]
        with app.app_context():
            message = db.session.scalars(sa.select(OutboxMessage).where(
                OutboxMessage.address == "mail@example.org")).one()
            assert message.status == Delivery.SENT and message.attempts == 1
            texted_id = db.session.scalar(sa.select(OutboxMessage.id).join(
                OutboxMessage.unit).where(OutboxMessage.unit.has(name=texted_unit)))
        page = client.get(f"/admin/outbox/details/?id={texted_id}").get_data(as_text=True)
        assert re.search(r'<pre class="message-text">[^<]*同志：\n截至[^<]*\n区政府办公室\n</pre>',
                         page)
