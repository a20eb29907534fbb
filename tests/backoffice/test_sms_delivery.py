"""Reminders by text: `backoffice remind` sends them through Aliyun SMS (a stand-in of the
service on loopback that checks each request), fails what the service refuses for good,
and tries again, after growing waits, what it could not take for now."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from backoffice.aliyun_sms import template_text
from backoffice.extensions import db
from backoffice.formatting import local_time
from backoffice.models import Delivery, OutboxMessage, Unit
from backoffice.models.base import utcnow
from backoffice.outbox import RETRY_DELAYS, deliver
from backoffice.senders import senders_from_config
from tests.aliyun_sms_service import AliyunSmsService
from tests.conftest import demo_app, sign_in


@pytest.fixture
def service():
    with AliyunSmsService() as running:
        yield running


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite's are naive


def _message_to(unit_name: str) -> OutboxMessage:
    return db.session.scalars(
        sa.select(OutboxMessage).join(Unit).where(Unit.name == unit_name)).one()


def test_remind_texts_liaisons_through_aliyun_and_retries_a_rate_limited_text(
    database_url, tmp_path, service
) -> None:
    with demo_app(database_url, tmp_path, "operator", **service.settings()) as app:
        with app.app_context():
            db.session.scalars(sa.select(Unit).where(Unit.name == "区农委")).one() \
                .liaison_terms[-1].phone = "1322267674"  # a digit short
            db.session.commit()
            qibao = db.session.scalars(sa.select(Unit).where(Unit.name == "七宝镇")).one()
            service.used_up(qibao.liaison_terms[-1].phone)  # texted already this minute
        runner = app.test_cli_runner()
        app.config["SMS_TEMPLATE_CODE"] = ""  # a setting missing: nothing is written
        refused = runner.invoke(args=["remind", "--date", "2017-05-25"])
        assert refused.exit_code == 1
        assert "SMS_PROVIDER 为 aliyun 时还须设置：SMS_TEMPLATE_CODE。" in refused.output
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
        app.config["SMS_TEMPLATE_CODE"] = service.template_code

        before = utcnow()
        first = runner.invoke(args=["remind", "--date", "2017-05-25"])
        after = utcnow()
        assert first.exit_code == 0, first.output
        with app.app_context():
            messages = db.session.scalars(sa.select(OutboxMessage)).all()
            written = len(messages)
            assert written > 20 and all(m.channel == "短信" for m in messages)
            assert (f"已写入 {written} 条提醒；发送成功 {written - 2} 条，失败 1 条，"
                    f"待发送 0 条，等待重试 1 条。") in first.output
            sent = {m.address: m.subject for m in messages if m.status == Delivery.SENT}
            assert {phone: variables["content"] for phone, variables in service.texts} == {
                phone: template_text(subject) for phone, subject in sent.items()}
            wrong = _message_to("区农委")
            assert (wrong.status, wrong.attempts) == (Delivery.FAILED, 1)
            assert wrong.error == ("短信未发送：手机号码格式不正确，请核对联络员登记的手机号"
                                   "（阿里云错误码 isv.MOBILE_NUMBER_ILLEGAL）。")
            waiting = _message_to("七宝镇")
            next_attempt = _utc(waiting.next_attempt_at)
            assert (waiting.status, waiting.attempts) == (Delivery.PENDING, 1)
            assert before + RETRY_DELAYS[0] <= next_attempt <= after + RETRY_DELAYS[0]
            assert waiting.error == (
                "短信未发送：触发短信发送频率限制（阿里云错误码 isv.BUSINESS_LIMIT_CONTROL）；"
                f"第1次未发出，将于{local_time(next_attempt)}重试。")

        # The outbox shows when the next attempt is, on Beijing time, and no raw stamps.
        client = app.test_client()
        sign_in(client, "operator")
        page = client.get("/admin/outbox/?flt0_0=待发送").get_data(as_text=True)
        assert "下次尝试" in page and local_time(next_attempt) in page and "+00:00" not in page

        requests = service.requests
        early = runner.invoke(args=["remind", "--send-only"])  # its wait is not over
        assert "发送成功 0 条，失败 0 条，待发送 0 条，等待重试 1 条。" in early.output
        assert service.requests == requests

        with app.app_context():  # the wait passes, and the service's minute
            _message_to("七宝镇").next_attempt_at = utcnow() - timedelta(seconds=1)
            db.session.commit()
        service.next_minute()
        due = runner.invoke(args=["remind", "--send-only"])
        assert "发送成功 1 条，失败 0 条，待发送 0 条，等待重试 0 条。" in due.output
        with app.app_context():
            retried = _message_to("七宝镇")
            assert (retried.status, retried.attempts, retried.error) == (Delivery.SENT, 2, "")
            assert retried.next_attempt_at is None and retried.sent_at is not None
        assert service.texts[-1][0] == retried.address


def test_a_failing_platform_is_tried_once_a_run_after_growing_waits_then_the_text_fails(
    database_url, tmp_path, service
) -> None:
    service.fault = "500"
    with demo_app(database_url, tmp_path, "operator") as app, app.app_context():
        unit = db.session.scalars(sa.select(Unit).where(Unit.name == "区交通委")).one()
        first, second = (
            OutboxMessage(as_of=datetime(2017, 5, 25).date(), unit=unit, recipient="孟杰娟",
                          channel="短信", address=phone, subject="【催办】区交通委：请办理",
                          body="……", status=Delivery.PENDING.value, attempts=0, error="")
            for phone in ("13800034361", "13800034362"))
        db.session.add_all([first, second])
        db.session.commit()
        senders = senders_from_config(service.settings())

        def run(now: datetime) -> dict[str, int]:
            counts = deliver(db.session, senders, now)
            db.session.commit()  # as its callers do
            return counts

        now = utcnow()
        for attempt, wait in enumerate(RETRY_DELAYS, start=1):
            counts = run(now)
            assert _utc(first.next_attempt_at) == now + wait
            assert (first.status, first.attempts) == (Delivery.PENDING, attempt)
            # The platform answered 500: the other text waits for the next run, untried.
            assert (second.attempts, counts["待发送"]) == (0, 1)
            assert second.error.endswith("答复 HTTP 500）；本次未发送，待下次运行时发送。")
            now = _utc(first.next_attempt_at)
        counts = run(now)
        assert (first.status, first.attempts, first.next_attempt_at) == (
            Delivery.FAILED, len(RETRY_DELAYS) + 1, None)
        assert first.error.startswith(f"已尝试{len(RETRY_DELAYS) + 1}次仍未发出，不再重试："
                                      "短信平台暂时不可用")
        assert (counts["发送失败"], second.attempts) == (1, 0)
        assert service.requests == len(RETRY_DELAYS) + 1 and service.texts == []

        service.fault = None
        if db.engine.dialect.name == "postgresql":  # another run is sending it meanwhile
            with db.engine.connect() as other:
                other.execute(sa.select(OutboxMessage.id).where(
                    OutboxMessage.id == second.id).with_for_update())
                assert run(now)["已发送"] == 0
                assert service.requests == len(RETRY_DELAYS) + 1
        assert run(now)["已发送"] == 1
        assert service.texts == [("13800034362", {"content": "区交通委：请办理"})]
        assert db.session.get(OutboxMessage, first.id).status == Delivery.FAILED
