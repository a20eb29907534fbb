"""Reminders: one message per liaison, each item once a day, delivered over SMTP on
loopback (a real aiosmtpd server), failures recorded; the outbox is the office's only."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from email.header import decode_header, make_header

import pytest
import sqlalchemy as sa

from backoffice.chasing import chase
from backoffice.deadlines import Status, Step
from backoffice.extensions import db
from backoffice.models import (
    CongressSession,
    Delivery,
    LiaisonTerm,
    OutboxMessage,
    ReminderItem,
    Unit,
)
from backoffice.reminders import DueItem, compose, due_items, send_reminders
from backoffice.senders import senders_from_config
from tests.mail_server import Inbox, free_port, smtp_on_loopback


@pytest.fixture
def smtp_server():
    with smtp_on_loopback() as server:
        yield server


def test_a_message_lists_overdue_and_due_soon_items() -> None:
    items = [
        DueItem(1, 10, "0121", "关于七宝积水点改造的建议", Step.REPLY, False,
                date(2017, 5, 20), Status.OVERDUE),
        DueItem(1, 11, "0159", "关于吴泾慢行系统建设的建议", Step.CO_OPINION, True,
                date(2017, 6, 1), Status.DUE_SOON),
    ]
    subject, body = compose("区交通委", "孟杰娟", items, date(2017, 5, 25))
    assert subject == "【书面意见办理提醒】区交通委：超期1项，7天内到期1项"
    assert body.startswith("孟杰娟同志：\n截至2017年5月25日，区交通委有以下")
    assert "第0121号《关于七宝积水点改造的建议》 答复：期限2017年5月20日，已超期5天" in body
    assert "第0159号《关于吴泾慢行系统建设的建议》 提交会办意见：期限2017年6月1日，还有7天" in body


def _unit(name: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.name == name))


def _liaison_email(name: str, email: str) -> None:
    term = db.session.scalars(
        sa.select(LiaisonTerm).where(LiaisonTerm.unit_id == _unit(name).id,
                                     LiaisonTerm.ended_on.is_(None))
    ).first()
    term.email = email
    db.session.commit()


def test_remind_writes_one_message_per_liaison_once_a_day_and_sends_mail(
    app, smtp_server
) -> None:
    port, inbox = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="office@example.org")
    runner = app.test_cli_runner()
    with app.app_context():
        _liaison_email("区交通委", "jiaotong@example.org")

    dry = runner.invoke(args=["remind", "--date", "2017-05-25", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "（试运行）" in dry.output and "孟杰娟同志" in dry.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    assert inbox.messages == []

    first = runner.invoke(args=["remind", "--date", "2017-05-25"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        messages = db.session.scalars(sa.select(OutboxMessage)).all()
        assert len(messages) == len({m.unit_id for m in messages}) > 5  # one per liaison
        sent = [m for m in messages if m.status == Delivery.SENT]
        assert [m.unit.name for m in sent] == ["区交通委"]
        assert all(m.status == Delivery.PENDING and "未配置短信" in m.error
                   for m in messages if m.unit.name != "区交通委")
        items = db.session.scalar(sa.select(sa.func.count(ReminderItem.id)))
    assert len(inbox.messages) == 1
    recipients, mail = inbox.messages[0]
    assert recipients == ["jiaotong@example.org"]
    subject = str(make_header(decode_header(mail["Subject"])))
    assert subject.startswith("【书面意见办理提醒】区交通委")
    assert "第0121号" in mail.get_payload(decode=True).decode("utf-8")

    again = runner.invoke(args=["remind", "--date", "2017-05-25"])
    assert f"另有 {items} 项当天已提醒过" in again.output
    assert "已写入 0 条提醒" in again.output
    next_day = runner.invoke(args=["remind", "--date", "2017-05-26"])
    assert "已写入 0 条提醒" not in next_day.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReminderItem.id))) > items
    assert len(inbox.messages) == 2


def test_a_refused_delivery_is_recorded_as_failed(app) -> None:
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    with app.app_context():
        _liaison_email("区交通委", "jiaotong@example.org")
    result = app.test_cli_runner().invoke(args=["remind", "--date", "2017-05-25"])
    assert "失败 1 条" in result.output
    with app.app_context():
        failed = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.status == Delivery.FAILED)
        ).one()
        assert failed.unit.name == "区交通委" and failed.attempts == 1
        assert "邮件服务器 127.0.0.1" in failed.error


class SlowInbox(Inbox):
    """An SMTP server that takes its time over each message, as a busy relay does: long
    enough for a second run to try the same messages meanwhile."""

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(0.5)
        return await super().handle_DATA(server, session, envelope)


def _twice_at_once(app, work):
    """Return what work() returned in two threads started together, each in its own app
    context (its own database connection)."""
    start = threading.Barrier(2)

    def run():
        with app.app_context():
            start.wait()
            return work()

    with ThreadPoolExecutor(2) as pool:
        return [f.result() for f in [pool.submit(run), pool.submit(run)]]


def test_two_runs_or_two_chases_at_once_write_and_send_each_message_once(app) -> None:
    with smtp_on_loopback(SlowInbox()) as (port, inbox):
        _remind_and_chase_twice_at_once(app, port, inbox)
    assert len(inbox.messages) == 3


def _remind_and_chase_twice_at_once(app, port: int, inbox: Inbox) -> None:
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="office@example.org")
    day = date(2017, 5, 25)
    with app.app_context():
        session_id = db.session.scalar(sa.select(CongressSession.id).where(
            CongressSession.year == 2017))
        due = due_items(db.session, day, db.session.get(CongressSession, session_id))
        mailed = sorted(db.session.get(Unit, unit_id).name for unit_id in list(due)[:2])
        for name in mailed:
            _liaison_email(name, f"{name}@example.org")
        late = next(i.opinion_id for unit_id in list(due)[:2] for i in due[unit_id]
                    if i.status is Status.OVERDUE)

    def remind() -> tuple[int, dict]:
        session = db.session.get(CongressSession, session_id)
        plan, counts = send_reminders(db.session, day, session, senders_from_config(app.config))
        return len(plan.messages), counts

    def chase_late() -> int:
        return len(chase(db.session, [late], day, senders_from_config(app.config)).messages)

    results = _twice_at_once(app, remind)
    with app.app_context():
        messages = db.session.scalars(sa.select(OutboxMessage)).all()
        units = [m.unit_id for m in messages]
        assert len(units) == len(set(units)) == sum(written for written, _ in results)
        assert sorted(m.unit.name for m in messages if m.status == Delivery.SENT) == mailed
    assert sorted(rcpt for rcpt, _mail in inbox.messages) == [
        [f"{name}@example.org"] for name in mailed]
    assert sum(counts["已发送"] for _, counts in results) == 2

    # A double click on 催办 that reaches two servers at once chases once.
    assert sorted(_twice_at_once(app, chase_late)) == [0, 1]
    with app.app_context():
        chased = db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.subject.startswith("【书面意见办理催办】"))).one()
        assert chased.status == Delivery.SENT
