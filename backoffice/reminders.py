"""Reminders to liaisons: what each unit has due or overdue, one message per liaison,
written to the outbox and delivered by the configured senders.

An item (a unit's step on an opinion) is reminded at most once a day: the outbox
keeps every reminded item with its day, and a second run that day leaves it out. Two
runs at once write it once too: the item's unique key refuses the later writer, which
plans again and writes only what is left.

The lead deputy of an opinion whose reply (or second reply) is recorded is texted once
that it is ready, in the same run: the outbox keeps the told reply (a 答复告知 item), and
no later run tells it again, however the reply was recorded.

Delivery is the outbox's (`backoffice.outbox`).
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.deadline_queries import conditions_as_of
from backoffice.deadlines import ATTENTION, Status, Step, load_deadlines
from backoffice.formatting import prose_date
from backoffice.models import (
    Channel,
    CongressSession,
    Delivery,
    Deputy,
    LiaisonTerm,
    Opinion,
    OutboxMessage,
    ReminderItem,
    ReminderKind,
    Unit,
)
from backoffice.outbox import deliver
from backoffice.senders import Sender
from importers.clock import local_today

NO_ADDRESS = "联络员未登记电子邮箱或手机号，无法发送。"
# Only replies dated within this many days of the real today are told: turning the texts
# on, or a run with an old --date, tells no deputy of past years.
REPLY_NOTICE_WINDOW = timedelta(days=30)
# A reply notice's reminded item stands so: the step it tells of is done.
REPLIED = "已答复"


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
class ReplyNotice:
    """A text to an opinion's lead deputy that its reply (or second reply) is ready."""

    opinion_id: int
    unit: Unit  # the lead unit that replied
    deputy: str
    phone: str
    step: Step  # 答复 or 二次答复
    replied_on: date
    subject: str
    body: str


@dataclass(frozen=True)
class Plan:
    messages: list[PlannedMessage]
    units_without_liaison: list[str]
    already_reminded: int  # items left out: reminded earlier the same day
    replies: list[ReplyNotice] = field(default_factory=list)
    # Replies not told: "第0027号（领衔代表张三）", the deputy has no phone on the roster.
    deputies_without_phone: list[str] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """Return what identifies the plan's messages: a preview and a later write of the
        same plan share it, a plan changed meanwhile does not."""
        content = "\n".join(
            [f"{m.liaison.id}|{m.address}|{m.subject}|{m.body}" for m in self.messages]
            + [f"{r.opinion_id}|{r.phone}|{r.subject}|{r.body}" for r in self.replies])
        return hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]


def due_items(
    db_session: orm.Session, as_of: date, session: CongressSession
) -> dict[int, list[DueItem]]:
    """Return, by unit, the session's steps overdue or due within 7 days on as_of."""
    return items_of(db_session, as_of, Opinion.session_id == session.id, ATTENTION)


def items_of(
    db_session: orm.Session, as_of: date, where: sa.ColumnElement[bool],
    statuses: Collection[Status],
) -> dict[int, list[DueItem]]:
    """Return, by unit, the steps of the opinions meeting where in statuses on as_of."""
    # Only the opinions the SQL conditions pick out are loaded and worked through.
    needing = conditions_as_of(as_of).any_step(statuses)
    schedules = load_deadlines(db_session, as_of, where=sa.and_(where, needing))
    wanted = [s for s in schedules if any(d.status in statuses for d in s.deadlines)]
    titles = {
        opinion_id: (number, title)
        for opinion_id, number, title in db_session.execute(
            sa.select(Opinion.id, Opinion.number, Opinion.title).where(where)
        )
    }
    by_unit: dict[int, list[DueItem]] = defaultdict(list)
    for schedule in wanted:
        number, title = titles[schedule.opinion_id]
        for deadline in schedule.deadlines:
            if deadline.status in statuses:
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


def compose(unit: str, person: str, items: Iterable[DueItem], as_of: date,
            kind: ReminderKind = ReminderKind.REMINDER) -> tuple[str, str]:
    """Return the subject and body of a liaison's reminder, or of the office's 催办."""
    ordered = sorted(items, key=lambda i: (i.due_on, i.number, i.step))
    overdue = [i for i in ordered if i.status is Status.OVERDUE]
    soon = [i for i in ordered if i.status is Status.DUE_SOON]
    if kind is ReminderKind.CHASE:
        subject = f"【书面意见办理催办】{unit}：超期{len(overdue)}项"
        late = "已超期，特此催办"
    else:
        subject = f"【书面意见办理提醒】{unit}：超期{len(overdue)}项，7天内到期{len(soon)}项"
        late = "已超期或即将到期"
    lines = [
        f"{person}同志：",
        f"截至{prose_date(as_of)}，{unit}有以下书面意见办理事项{late}，请抓紧办理：",
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


def already_reminded(db_session: orm.Session, as_of: date,
                     kind: ReminderKind | None = None) -> set[tuple[int, int, str]]:
    """Return (unit, opinion, step) of the items reminded on as_of (of kind; any if None)."""
    query = sa.select(ReminderItem.unit_id, ReminderItem.opinion_id, ReminderItem.step).where(
        ReminderItem.reminded_on == as_of
    )
    if kind is not None:
        query = query.where(ReminderItem.kind == kind.value)
    rows = db_session.execute(query)
    return {tuple(row) for row in rows}


def address_of(term: LiaisonTerm) -> tuple[Channel, str]:
    """Return how to reach a liaison: e-mail when known, else a text to the phone."""
    if term.email:
        return Channel.EMAIL, term.email.strip()
    return Channel.SMS, (term.phone or "").strip()


def compose_reply_notice(deputy: str, number: str, title: str, unit: str, step: Step,
                         replied_on: date) -> tuple[str, str]:
    """Return the subject and body of the text telling a lead deputy their reply is ready."""
    again = step is Step.SECOND_REPLY
    subject = f"【书面意见答复告知】第{number}号意见已{'再次' if again else ''}答复"
    body = (f"{deputy}代表：\n您领衔提出的第{number}号书面意见《{title}》，{unit}已于"
            f"{prose_date(replied_on)}作出{'第二次' if again else ''}答复。"
            "请登录书面意见办理系统（账号由区政府办公室提供），在“我的意见”中查看答复，"
            "并填写满意度测评。\n区政府办公室\n")
    return subject, body


def plan_reply_notices(db_session: orm.Session) -> tuple[list[ReplyNotice], list[str]]:
    """Return the texts due to lead deputies for replies dated within the window and not
    told yet, and the replies whose deputy has no phone to text."""
    since = local_today() - REPLY_NOTICE_WINDOW
    notices, without_phone = [], []
    for step, replied in ((Step.REPLY, Opinion.replied_on),
                          (Step.SECOND_REPLY, Opinion.second_replied_on)):
        told = sa.select(ReminderItem.id).where(
            ReminderItem.opinion_id == Opinion.id, ReminderItem.step == step.value,
            ReminderItem.kind == ReminderKind.REPLY_NOTICE.value)
        rows = db_session.execute(
            sa.select(Opinion, Deputy, Unit, replied)
            .join(Deputy, Deputy.id == Opinion.lead_deputy_id)
            .join(Unit, Unit.id == Opinion.lead_unit_id)
            .where(replied >= since, ~told.exists())
            .order_by(replied, Opinion.number))
        for opinion, deputy, unit, replied_on in rows:
            phone = (deputy.phone or "").strip()
            if not phone:
                without_phone.append(f"第{opinion.number}号（领衔代表{deputy.name}）")
                continue
            notices.append(ReplyNotice(
                opinion.id, unit, deputy.name, phone, step, replied_on,
                *compose_reply_notice(deputy.name, opinion.number, opinion.title, unit.name,
                                      step, replied_on)))
    return notices, without_phone


@dataclass
class UnitMessages:
    """Each unit's message of a run (daily reminders or 催办), and whom it left out."""

    messages: list[PlannedMessage]
    without_liaison: list[str]  # unit names: items to tell, nobody serving to tell
    told_before: list[str]  # unit names: every item already told that day
    skipped: int  # items already told that day


def unit_messages(db_session: orm.Session, by_unit: Mapping[int, list[DueItem]], as_of: date,
                  kind: ReminderKind = ReminderKind.REMINDER) -> UnitMessages:
    """Return one message per unit to its liaison serving on as_of, naming its items not
    yet told that day in a message of the kind (units in name order)."""
    # A step chased earlier today is left out of the daily reminder; a 催办 looks at 催办s.
    told = already_reminded(db_session, as_of,
                            None if kind is ReminderKind.REMINDER else kind)
    liaisons = current_liaisons(db_session, by_unit, as_of)
    units = {u.id: u for u in db_session.scalars(sa.select(Unit).where(Unit.id.in_(by_unit)))}
    found = UnitMessages([], [], [], 0)
    for unit_id in sorted(by_unit, key=lambda u: units[u].name):
        unit, term = units[unit_id], liaisons.get(unit_id)
        fresh = [i for i in by_unit[unit_id] if (unit_id, i.opinion_id, i.step) not in told]
        found.skipped += len(by_unit[unit_id]) - len(fresh)
        if not fresh:
            found.told_before.append(unit.name)
        elif term is None:
            found.without_liaison.append(unit.name)
        else:
            channel, address = address_of(term)
            subject, body = compose(unit.name, term.person, fresh, as_of, kind)
            found.messages.append(
                PlannedMessage(unit, term, tuple(fresh), channel, address, subject, body))
    return found


def plan_reminders(db_session: orm.Session, as_of: date, session: CongressSession) -> Plan:
    """Return the messages a run on as_of would write, without writing anything: the
    session's reminders to liaisons, and texts to deputies whose reply is ready."""
    found = unit_messages(db_session, due_items(db_session, as_of, session), as_of)
    return Plan(found.messages, found.without_liaison, found.skipped,
                *plan_reply_notices(db_session))


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


def queue(db_session: orm.Session, plan: Plan, as_of: date,
          kind: ReminderKind = ReminderKind.REMINDER) -> list[OutboxMessage]:
    """Write the planned messages and their items to the outbox; the caller commits."""
    written = []
    for planned in plan.messages:
        message = _message(planned.unit, planned.liaison, planned.subject, planned.body, as_of)
        message.items = [
            ReminderItem(
                unit_id=item.unit_id, opinion_id=item.opinion_id, step=item.step.value,
                due_on=item.due_on, status=item.status.value, reminded_on=as_of,
                kind=kind.value,
            )
            for item in planned.items
        ]
        db_session.add(message)
        written.append(message)
    for notice in plan.replies:
        message = OutboxMessage(
            as_of=as_of, unit=notice.unit, liaison_term=None, recipient=notice.deputy,
            channel=Channel.SMS.value, address=notice.phone, subject=notice.subject,
            body=notice.body, status=Delivery.PENDING.value, attempts=0, error="")
        message.items = [ReminderItem(
            unit_id=notice.unit.id, opinion_id=notice.opinion_id, step=notice.step.value,
            due_on=notice.replied_on, status=REPLIED, reminded_on=as_of,
            kind=ReminderKind.REPLY_NOTICE.value)]
        db_session.add(message)
        written.append(message)
    return written


def write_reminders(db_session: orm.Session, as_of: date, session: CongressSession,
                    plan: Plan | None = None) -> Plan:
    """Write the day's reminders (planned now, or as shown) to the outbox and commit;
    return what was written. Should another run write some of the same items first, plan
    again and write what is left."""
    return write_once(db_session, lambda: plan_reminders(db_session, as_of, session), as_of,
                      plan=plan)[0]


def write_once(db_session: orm.Session, planner: Callable[[], Plan], as_of: date,
               kind: ReminderKind = ReminderKind.REMINDER,
               plan: Plan | None = None) -> tuple[Plan, list[OutboxMessage]]:
    """Write a plan (planner's, unless given) to the outbox and commit; return it and the
    messages written. Each item is written once a day (a unique key): should another run
    write some of the same items first, plan again and write what is left."""
    plan = plan or planner()
    written = queue(db_session, plan, as_of, kind)
    try:
        db_session.commit()
    except sa.exc.IntegrityError:
        db_session.rollback()
        plan = planner()
        written = queue(db_session, plan, as_of, kind)
        db_session.commit()
    return plan, written


def send_reminders(db_session: orm.Session, as_of: date, session: CongressSession,
                   senders: Mapping[Channel, Sender],
                   plan: Plan | None = None) -> tuple[Plan, dict[str, int]]:
    """Write the day's reminders (planned now, or as shown) to the outbox and send what
    is due; commit each."""
    plan = write_reminders(db_session, as_of, session, plan)
    counts = deliver(db_session, senders)
    db_session.commit()
    return plan, counts
