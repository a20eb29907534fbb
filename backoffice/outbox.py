"""The outbox's delivery: each due message handed to its channel's sender, and how it went.

A message is sent at most once, however many processes deliver at the same time (the
daily timer, the outbox's 发送 job, a 催办): each takes a message by changing its status
in the database before handing it over (`_claim`), and only one can. A message that could
not go out for now waits for its next attempt; one refused for good fails with the reason.
"""

from collections.abc import Collection, Mapping
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.audit import Recorded, record_bulk
from backoffice.formatting import local_time
from backoffice.models import AuditAction, Channel, Delivery, OutboxMessage
from backoffice.models.base import utcnow
from backoffice.senders import DeliveryError, RetryLater, Sender

# A message that could not go out for now (RetryLater) is tried again after these waits
# in turn; refused once more after the last, it fails. Due attempts are made by the next
# `backoffice remind` (the outbox timer runs `remind --send-only` every 10 minutes).
RETRY_DELAYS = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                timedelta(hours=6))
WAITING = "等待重试"  # counts' key: pending messages whose next attempt is later
# What a message taken for sending says until its outcome is recorded; a process that
# stops in between leaves it so, for a person to check and queue again.
INTERRUPTED = ("正在发送；如长时间停留于此，说明发送中断，"
               "请向联络员核实是否收到，需要时重新排队发送。")


def _claim(db_session: orm.Session, message: OutboxMessage,
           is_due: sa.ColumnElement[bool]) -> bool:
    """Take a message that is due for sending and commit; False if another process took it.

    The message's status is the lock: it leaves 待发送 in one statement only one process
    can make, and reads 发送失败 (INTERRUPTED) until the outcome is recorded, so that a
    process stopped meanwhile leaves a message a person checks, never one sent twice.
    """
    # A row another transaction holds (PostgreSQL) is skipped rather than waited for.
    free = (sa.select(OutboxMessage.id).where(OutboxMessage.id == message.id, is_due)
            .with_for_update(skip_locked=True))
    taken = db_session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(free.scalar_subquery()))
        .values(status=Delivery.FAILED.value, error=INTERRUPTED,
                attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if taken:
        record_bulk(db_session, [Recorded(
            AuditAction.UPDATE, OutboxMessage.__tablename__, str(message.id), str(message),
            {"status": [Delivery.PENDING.value, Delivery.FAILED.value],
             "error": [message.error, INTERRUPTED],
             "attempts": [message.attempts, message.attempts + 1]})])
    db_session.commit()
    db_session.refresh(message)
    return taken


def deliver(
    db_session: orm.Session, senders: Mapping[Channel, Sender], now: datetime | None = None,
    ids: Collection[int] | None = None,
) -> dict[str, int]:
    """Send every pending message (of ids, if given) that is due: never tried, or its next
    attempt has come; record it sent, failed, or when to try again, committing each.

    Messages of a channel without a sender stay pending, and so do the rest of a
    channel's messages once its platform is found down. The caller commits the rest (the
    notes on messages left pending).
    """
    now = now or utcnow()
    counts = {Delivery.SENT.value: 0, Delivery.FAILED.value: 0, Delivery.PENDING.value: 0}
    is_due = sa.and_(OutboxMessage.status == Delivery.PENDING.value,
                     sa.or_(OutboxMessage.next_attempt_at.is_(None),
                            OutboxMessage.next_attempt_at <= now))
    query = sa.select(OutboxMessage).where(is_due)
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(list(ids)))
    down: dict[Channel, str] = {}  # channel: why its platform is down
    for message in db_session.scalars(query.order_by(OutboxMessage.id)).all():
        channel = Channel(message.channel)
        sender = senders.get(channel)
        if sender is None or channel in down:
            message.error = (f"{down[channel]}；本次未发送，待下次运行时发送。" if sender
                             else f"未配置{message.channel}发送方式，待配置后发送。")
            counts[Delivery.PENDING.value] += 1
            continue
        if not _claim(db_session, message, is_due):
            continue  # another process is sending it, or has sent it
        problem = _attempt(message, sender, now)
        db_session.commit()
        if message.status != Delivery.PENDING.value:
            counts[message.status] += 1
        if problem is not None and problem.platform_down:
            down[channel] = str(problem)
    counts[WAITING] = db_session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.status == Delivery.PENDING.value, OutboxMessage.next_attempt_at > now)
    )
    return counts


def _attempt(message: OutboxMessage, sender: Sender, now: datetime) -> RetryLater | None:
    """Hand one claimed message to its sender and record how it went; return the problem
    when it was one of the moment (waiting for the next attempt, or failed after the last)."""
    try:
        sender.send(message.address, message.subject, message.body)
    except RetryLater as problem:
        if message.attempts <= len(RETRY_DELAYS):
            message.status = Delivery.PENDING.value
            message.next_attempt_at = now + RETRY_DELAYS[message.attempts - 1]
            message.error = (f"{problem}；第{message.attempts}次未发出，"
                             f"将于{local_time(message.next_attempt_at)}重试。")[:500]
        else:
            message.status, message.next_attempt_at = Delivery.FAILED.value, None
            message.error = f"已尝试{message.attempts}次仍未发出，不再重试：{problem}。"[:500]
        return problem
    except DeliveryError as problem:
        message.status, message.error = Delivery.FAILED.value, str(problem)[:500]
    else:
        message.status, message.error = Delivery.SENT.value, ""
        message.sent_at, message.next_attempt_at = now, None
    return None


def delivery_summary(counts: Mapping[str, int]) -> str:
    """Return what a delivery run did, in a sentence."""
    return (f"发送成功 {counts[Delivery.SENT.value]} 条，失败 {counts[Delivery.FAILED.value]} 条，"
            f"待发送 {counts[Delivery.PENDING.value]} 条，等待重试 {counts[WAITING]} 条。")
