"""催办: the office chases the units behind opinions' overdue steps, from the case file or
the opinions list.

One message per unit goes to its liaison serving today, naming the overdue steps of the
chosen opinions (the lead unit's steps, and a co-handler's own 会办意见); it is written
and sent as the daily reminders are (`reminders.compose`, `queue`, `outbox.deliver`). Each step
is chased at most once a day for each unit: the reminded item's unique key says so, so
a double click, or two clicks at once, send one message. The items land on the case
file's trail through the audit log, with who chased and when.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice import outbox, reminders
from backoffice.deadlines import Status
from backoffice.models import Channel, Delivery, Opinion, OutboxMessage, ReminderKind
from backoffice.senders import Sender

# Messages a click sends at once; more wait for the outbox's 发送 (a request must end).
SENT_AT_ONCE = 3


@dataclass
class Chase:
    """What a 催办 did: the messages written, and what it left out and why."""

    messages: list[OutboxMessage] = field(default_factory=list)
    nothing_overdue: list[str] = field(default_factory=list)  # opinion numbers
    without_liaison: list[str] = field(default_factory=list)  # unit names
    chased_before: list[str] = field(default_factory=list)  # unit names, chased today
    counts: dict[str, int] = field(default_factory=dict)  # delivery, by status

    def summary(self) -> tuple[str, str]:
        """Return what to tell the office, in Chinese, and the message's category."""
        said = []
        if self.messages:
            units = "、".join(f"{m.unit.name}（{m.recipient}）" for m in self.messages)
            sent, failed, waiting = (self.counts.get(status.value, 0) for status in
                                      (Delivery.SENT, Delivery.FAILED, Delivery.PENDING))
            said.append(f"已向{units}发出催办{len(self.messages)}条：发送成功{sent}条，"
                        f"失败{failed}条，待发送{waiting}条（见提醒发件箱）。")
        if self.nothing_overdue:
            said.append(f"第{'、'.join(self.nothing_overdue)}号意见当前没有超期未办的环节，无需催办。")
        if self.without_liaison:
            said.append(f"{'、'.join(self.without_liaison)}今天没有在任联络员，未能催办，"
                        "请先在联络员名单中登记。")
        if self.chased_before:
            said.append(f"{'、'.join(self.chased_before)}的这些超期事项今天已催办过，不再重复发送。")
        return "".join(said), "success" if self.messages else "error"


def chase(db_session: orm.Session, opinion_ids: Collection[int], as_of: date,
          senders: Mapping[Channel, Sender]) -> Chase:
    """Chase the units behind the opinions' steps overdue on as_of: write one message per
    unit, commit, and send the first few."""
    done = Chase()
    by_unit = reminders.items_of(db_session, as_of, Opinion.id.in_(list(opinion_ids)),
                                 {Status.OVERDUE})
    overdue_opinions = {i.opinion_id for items in by_unit.values() for i in items}
    done.nothing_overdue = sorted(db_session.scalars(
        sa.select(Opinion.number).where(Opinion.id.in_(set(opinion_ids) - overdue_opinions))))

    def plan() -> reminders.Plan:
        found = reminders.unit_messages(db_session, by_unit, as_of, ReminderKind.CHASE)
        done.without_liaison, done.chased_before = found.without_liaison, found.told_before
        return reminders.Plan(found.messages, found.without_liaison, found.skipped)

    _, written = reminders.write_once(db_session, plan, as_of, ReminderKind.CHASE)
    ids = [m.id for m in written]
    outbox.deliver(db_session, senders, ids=ids[:SENT_AT_ONCE])
    done.messages = db_session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
    ).all()
    for message in done.messages:
        done.counts[message.status] = done.counts.get(message.status, 0) + 1
    return done
