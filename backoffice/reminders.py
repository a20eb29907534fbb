"""Reminders to liaisons: what each unit has due or overdue, one message per liaison,
written to the outbox and delivered by the configured senders.

An item (a unit's step on an opinion) is reminded at most once a day: the outbox
keeps every reminded item with its day, and a second run that day leaves it out.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.deadline_queries import conditions_as_of
from backoffice.deadlines import ATTENTION, Status, Step, load_deadlines
from backoffice.formatting import prose_date
from backoffice.models import (
    Channel,
    CongressSession,
    Delivery,
    LiaisonTerm,
    Opinion,
    OutboxMessage,
    ReminderItem,
    Unit,
)
from backoffice.models.base import utcnow
from backoffice.senders import DeliveryError, Sender

NO_ADDRESS = "联络员未登记电子邮箱或手机号，无法发送。"


@dataclass(frozen=True)
class DueItem:
    """A step a unit must take on an opinion, due soon or overdue."""

    unit_id: int
    opinion_id: int
    number: str
    title: str
    step: Step
    co_handling: bool
    due_on: date
    status: Status


@dataclass(frozen=True)
class PlannedMessage:
    unit: Unit
    liaison: LiaisonTerm
    items: tuple[DueItem, ...]
    channel: Channel
    address: str
    subject: str
    body: str


@dataclass(frozen=True)
class Plan:
    messages: list[PlannedMessage]
    units_without_liaison: list[str]
    already_reminded: int  # items left out: reminded earlier the same day


def due_items(
    db_session: orm.Session, as_of: date, session: CongressSession
) -> dict[int, list[DueItem]]:
    """Return, by unit, the session's steps overdue or due within 7 days on as_of."""
    # Only the opinions the SQL conditions pick out are loaded and worked through.
    needing = conditions_as_of(as_of).any_step(ATTENTION)
    schedules = load_deadlines(
        db_session, as_of, where=sa.and_(Opinion.session_id == session.id, needing)
    )
    wanted = [s for s in schedules if any(d.needs_attention for d in s.deadlines)]
    titles = {
        opinion_id: (number, title)
        for opinion_id, number, title in db_session.execute(
            sa.select(Opinion.id, Opinion.number, Opinion.title).where(
                Opinion.session_id == session.id
            )
        )
    }
    by_unit: dict[int, list[DueItem]] = defaultdict(list)
    for schedule in wanted:
        number, title = titles[schedule.opinion_id]
        for deadline in schedule.deadlines:
            if deadline.needs_attention:
                unit_id = schedule.unit_of(deadline)
                by_unit[unit_id].append(DueItem(
                    unit_id, schedule.opinion_id, number, title, deadline.step,
                    deadline.co_handler is not None, deadline.due_on, deadline.status,
                ))
    return by_unit


def _line(index: int, item: DueItem, as_of: date) -> str:
    step = "提交会办意见" if item.co_handling else item.step
    if item.status is Status.OVERDUE:
        when = f"期限{prose_date(item.due_on)}，已超期{(as_of - item.due_on).days}天"
    elif item.due_on == as_of:
        when = f"期限{prose_date(item.due_on)}，今天到期"
    else:
        when = f"期限{prose_date(item.due_on)}，还有{(item.due_on - as_of).days}天"
    return f"  {index}. 第{item.number}号《{item.title}》 {step}：{when}"


def compose(unit: str, person: str, items: Iterable[DueItem], as_of: date) -> tuple[str, str]:
    """Return the subject and body of a liaison's reminder."""
    ordered = sorted(items, key=lambda i: (i.due_on, i.number, i.step))
    overdue = [i for i in ordered if i.status is Status.OVERDUE]
    soon = [i for i in ordered if i.status is Status.DUE_SOON]
    subject = f"【书面意见办理提醒】{unit}：超期{len(overdue)}项，7天内到期{len(soon)}项"
    lines = [
        f"{person}同志：",
        f"截至{prose_date(as_of)}，{unit}有以下书面意见办理事项已超期或即将到期，请抓紧办理：",
    ]
    for heading, group in (("已超期", overdue), ("7天内到期", soon)):
        if group:
            lines.append(f"{heading}（{len(group)}项）：")
            lines += [_line(n, item, as_of) for n, item in enumerate(group, start=1)]
    lines += ["如已办理，请及时在办理系统中填报。", "区政府办公室"]
    return subject, "\n".join(lines) + "\n"


def current_liaisons(
    db_session: orm.Session, unit_ids: Iterable[int], as_of: date
) -> dict[int, LiaisonTerm]:
    """Return each unit's liaison serving on as_of (the latest started, if several)."""
    terms = db_session.scalars(
        sa.select(LiaisonTerm)
        .where(
            LiaisonTerm.unit_id.in_(list(unit_ids)),
            LiaisonTerm.started_on <= as_of,
            sa.or_(LiaisonTerm.ended_on.is_(None), LiaisonTerm.ended_on >= as_of),
        )
        .order_by(LiaisonTerm.started_on, LiaisonTerm.id)
    )
    return {term.unit_id: term for term in terms}  # later terms overwrite earlier ones


def _already_reminded(db_session: orm.Session, as_of: date) -> set[tuple[int, int, str]]:
    rows = db_session.execute(
        sa.select(ReminderItem.unit_id, ReminderItem.opinion_id, ReminderItem.step).where(
            ReminderItem.reminded_on == as_of
        )
    )
    return {tuple(row) for row in rows}


def address_of(term: LiaisonTerm) -> tuple[Channel, str]:
    """Return how to reach a liaison: e-mail when known, else a text to the phone."""
    if term.email:
        return Channel.EMAIL, term.email.strip()
    return Channel.SMS, (term.phone or "").strip()


def plan_reminders(db_session: orm.Session, as_of: date, session: CongressSession) -> Plan:
    """Return the messages a run on as_of would write, without writing anything."""
    by_unit = due_items(db_session, as_of, session)
    done = _already_reminded(db_session, as_of)
    liaisons = current_liaisons(db_session, by_unit, as_of)
    units = {u.id: u for u in db_session.scalars(sa.select(Unit).where(Unit.id.in_(by_unit)))}
    messages, missing, skipped = [], [], 0
    for unit_id in sorted(by_unit, key=lambda u: units[u].name):
        fresh = [i for i in by_unit[unit_id] if (unit_id, i.opinion_id, i.step) not in done]
        skipped += len(by_unit[unit_id]) - len(fresh)
        if not fresh:
            continue
        term = liaisons.get(unit_id)
        if term is None:
            missing.append(units[unit_id].name)
            continue
        channel, address = address_of(term)
        subject, body = compose(units[unit_id].name, term.person, fresh, as_of)
        messages.append(PlannedMessage(
            units[unit_id], term, tuple(fresh), channel, address, subject, body
        ))
    return Plan(messages, missing, skipped)


def _message(unit: Unit, term: LiaisonTerm, subject: str, body: str,
             as_of: date) -> OutboxMessage:
    """Return a pending message to the liaison (failed at once without an address)."""
    channel, address = address_of(term)
    message = OutboxMessage(
        as_of=as_of, unit=unit, liaison_term=term, recipient=term.person,
        channel=channel.value, address=address, subject=subject, body=body,
        status=Delivery.PENDING.value, attempts=0, error="",
    )
    if not address:
        message.status, message.error = Delivery.FAILED.value, NO_ADDRESS
    return message


def queue_notice(
    db_session: orm.Session, unit: Unit, as_of: date, write: Callable[[str], tuple[str, str]]
) -> OutboxMessage | None:
    """Write one message to the unit's liaison serving on as_of, subject and body from
    write(the liaison's name); None when the unit has no liaison. The caller commits."""
    with db_session.no_autoflush:
        term = current_liaisons(db_session, [unit.id], as_of).get(unit.id)
    if term is None:
        return None
    message = _message(unit, term, *write(term.person), as_of)
    db_session.add(message)
    return message


def queue(db_session: orm.Session, plan: Plan, as_of: date) -> list[OutboxMessage]:
    """Write the planned messages and their items to the outbox; the caller commits."""
    written = []
    for planned in plan.messages:
        message = _message(planned.unit, planned.liaison, planned.subject, planned.body, as_of)
        message.items = [
            ReminderItem(
                unit_id=item.unit_id, opinion_id=item.opinion_id, step=item.step.value,
                due_on=item.due_on, status=item.status.value, reminded_on=as_of,
            )
            for item in planned.items
        ]
        db_session.add(message)
        written.append(message)
    return written


def deliver(
    db_session: orm.Session, senders: Mapping[Channel, Sender], now: datetime | None = None
) -> dict[str, int]:
    """Send every pending message whose channel has a sender; record sent or failed.

    Messages of a channel without a sender stay pending. The caller commits.
    """
    counts = {Delivery.SENT.value: 0, Delivery.FAILED.value: 0, Delivery.PENDING.value: 0}
    pending = db_session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == Delivery.PENDING.value)
        .order_by(OutboxMessage.id)
    ).all()
    for message in pending:
        sender = senders.get(Channel(message.channel))
        if sender is None:
            message.error = f"未配置{message.channel}发送方式，待配置后发送。"
            counts[Delivery.PENDING.value] += 1
            continue
        message.attempts += 1
        try:
            sender.send(message.address, message.subject, message.body)
        except DeliveryError as problem:
            message.status, message.error = Delivery.FAILED.value, str(problem)[:500]
        else:
            message.status, message.error = Delivery.SENT.value, ""
            message.sent_at = now or utcnow()
        counts[message.status] += 1
    return counts


def send_reminders(db_session: orm.Session, as_of: date, session: CongressSession,
                   senders: Mapping[Channel, Sender],
                   plan: Plan | None = None) -> tuple[Plan, dict[str, int]]:
    """Write the day's reminders (planned now, or as shown) to the outbox and send what
    is pending; commit each."""
    plan = plan or plan_reminders(db_session, as_of, session)
    queue(db_session, plan, as_of)
    db_session.commit()
    counts = deliver(db_session, senders)
    db_session.commit()
    return plan, counts
