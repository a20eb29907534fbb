"""Reminders: one message per liaison, each item once a day, delivered over SMTP on
loopback (a real aiosmtpd server), failures recorded; the outbox is the office's only."""

from datetime import date
from email.header import decode_header, make_header

import pytest
import sqlalchemy as sa

from backoffice.deadlines import Status, Step
from backoffice.extensions import db
from backoffice.models import Delivery, LiaisonTerm, OutboxMessage, ReminderItem, Unit
from backoffice.reminders import DueItem, compose
from tests.mail_server import free_port, smtp_on_loopback


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
