"""Reminders to liaisons: the outbox of messages and the items each one reminded of."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, utcnow, vocabulary_column
from backoffice.models.opinions import Opinion
from backoffice.models.units import LiaisonTerm, Unit


class Channel(StrEnum):
    EMAIL = "邮件"
    SMS = "短信"


class Delivery(StrEnum):
    PENDING = "待发送"
    SENT = "已发送"
    FAILED = "发送失败"


class ReminderKind(StrEnum):
    """Why an item was told: the daily reminder or the office's 催办 to a unit, or the
    lead deputy told that a reply to their opinion is ready."""

    REMINDER = "提醒"
    CHASE = "催办"
    REPLY_NOTICE = "答复告知"


class OutboxMessage(Base):
    """One message to a unit's liaison, or to a deputy about a unit's reply (then unit is
    the replying lead unit and there is no liaison term), waiting, sent or failed."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    as_of: Mapped[date] = mapped_column(index=True)  # the day the reminder is about
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    liaison_term_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("liaison_terms.id", ondelete="SET NULL")
    )
    recipient: Mapped[str] = mapped_column(sa.String(32))
    channel: Mapped[str] = vocabulary_column(Channel, name="outbox_channel")
    address: Mapped[str] = mapped_column(sa.String(128), default="")
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = vocabulary_column(
        Delivery, name="outbox_status", default=Delivery.PENDING.value, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # A pending message that could not go out for now waits until then (back-off).
    next_attempt_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    error: Mapped[str] = mapped_column(sa.String(500), default="")  # the last one

    unit: Mapped[Unit] = relationship()
    liaison_term: Mapped[LiaisonTerm | None] = relationship()
    items: Mapped[list["ReminderItem"]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="ReminderItem.id"
    )

    def __str__(self) -> str:
        return f"{self.as_of} {self.unit} {self.recipient}"


class ReminderItem(Base):
    """One deadline a message reminded a unit of: an item is reminded at most once a day,
    and chased (催办) at most once a day. Or one reply (step 答复 or 二次答复, its date in
    due_on) its lead deputy was told of: once ever, the partial index says."""

    __tablename__ = "reminder_items"
    __table_args__ = (
        sa.UniqueConstraint("unit_id", "opinion_id", "step", "reminded_on", "kind"),
        sa.Index("uq_reminder_items_reply_notice", "opinion_id", "step", unique=True,
                 sqlite_where=sa.text("kind = '答复告知'"),
                 postgresql_where=sa.text("kind = '答复告知'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    opinion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("opinions.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[str] = mapped_column(sa.String(16))
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(16))
    reminded_on: Mapped[date]
    kind: Mapped[str] = vocabulary_column(
        ReminderKind, name="reminder_kind", default=ReminderKind.REMINDER.value
    )

    message: Mapped[OutboxMessage] = relationship(back_populates="items")
    opinion: Mapped[Opinion] = relationship()

    def __str__(self) -> str:
        # The case file's trail reads this: to whom and about what, never the address.
        message = self.__dict__.get("message")
        if self.kind == ReminderKind.REPLY_NOTICE:
            to = f"领衔代表{message.recipient}（{message.channel}）" if message else ""
            return f"{to}：{self.step}已于{self.due_on}作出"
        to = f"{message.unit}联络员{message.recipient}（{message.channel}）" if message else ""
        return f"{to}：{self.step}，期限{self.due_on}，{self.status}"
