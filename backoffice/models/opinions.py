"""Opinions, who handles them, and how their assignment changed."""

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, Versioned, utcnow, vocabulary_column
from backoffice.models.deputies import Deputy
from backoffice.models.sessions import CongressSession
from backoffice.models.units import Unit
from importers.vocabulary import AnswerType, Category, ContactMethod, Grade

if TYPE_CHECKING:
    from backoffice.models.attachments import Attachment
    from backoffice.models.handling import Contact, Evaluation, ProgressReport

opinion_cosigners = sa.Table(
    "opinion_cosigners",
    Base.metadata,
    sa.Column("opinion_id", sa.ForeignKey("opinions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("deputy_id", sa.ForeignKey("deputies.id"), primary_key=True, index=True),
)


class Opinion(Versioned, Base):
    """A deputy's written opinion (书面意见) and the facts of its handling."""

    __tablename__ = "opinions"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "number"),
        sa.CheckConstraint(
            "reply_extension_months IS NULL OR reply_extension_months > 0",
            name="positive_extension",
        ),
        # The list's default order: newest session first, then by number.
        sa.Index("ix_opinions_list_order", sa.desc("session_id"), "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Not indexed alone: the unique key and the list's order both lead with session_id;
    # nor is the title: it is searched by what it contains, which no index serves.
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("congress_sessions.id"))
    number: Mapped[str] = mapped_column(sa.String(16), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    content: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[str] = vocabulary_column(Category, name="category", index=True)
    lead_deputy_id: Mapped[int] = mapped_column(sa.ForeignKey("deputies.id"), index=True)
    lead_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)

    assigned_on: Mapped[date] = mapped_column(index=True)
    accepted_on: Mapped[date | None]
    consulted_on: Mapped[date | None]
    consult_method: Mapped[str | None] = vocabulary_column(
        ContactMethod, name="consult_method", nullable=True
    )
    replied_on: Mapped[date | None] = mapped_column(index=True)
    answer_type: Mapped[str | None] = vocabulary_column(
        AnswerType, name="answer_type", nullable=True, index=True
    )
    reply_extension_months: Mapped[int | None]
    concluded_on: Mapped[date | None] = mapped_column(index=True)
    second_replied_on: Mapped[date | None]
    supervisor: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    # A D reply needs the deputy district head's sign-off (阅批) before it goes out.
    signed_off_by: Mapped[str | None] = mapped_column(sa.String(32))
    signed_off_on: Mapped[date | None]

    # Due dates follow from assigned_on, the session's settings and the working calendar;
    # they are stored (kept by backoffice.deadlines) so that "overdue" filters use indexes.
    accept_due_on: Mapped[date | None] = mapped_column(index=True)
    consult_due_on: Mapped[date | None] = mapped_column(index=True)
    co_opinion_due_on: Mapped[date | None]
    reply_due_on: Mapped[date | None] = mapped_column(index=True)
    # The last reassignment's date: the lead unit's deadlines count from it, not from
    # assigned_on (docs/domain.md, 改派). None: never reassigned.
    restarted_on: Mapped[date | None]

    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    session: Mapped[CongressSession] = relationship()
    lead_deputy: Mapped[Deputy] = relationship()
    # The old lead unit is loaded on change so that the reassignment can be recorded.
    lead_unit: Mapped[Unit] = relationship(active_history=True)
    cosigners: Mapped[list[Deputy]] = relationship(secondary=opinion_cosigners)
    co_handlings: Mapped[list["CoHandling"]] = relationship(
        back_populates="opinion", cascade="all, delete-orphan", order_by="CoHandling.id"
    )
    reassignments: Mapped[list["Reassignment"]] = relationship(
        back_populates="opinion", cascade="all, delete-orphan", order_by="Reassignment.id"
    )
    reassignment_requests: Mapped[list["ReassignmentRequest"]] = relationship(
        back_populates="opinion",
        cascade="all, delete-orphan",
        order_by="ReassignmentRequest.id",
    )
    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="opinion", cascade="all, delete-orphan", order_by="Contact.contacted_on"
    )
    progress_reports: Mapped[list["ProgressReport"]] = relationship(
        back_populates="opinion",
        cascade="all, delete-orphan",
        order_by="ProgressReport.reported_on",
    )
    evaluations: Mapped[list["Evaluation"]] = relationship(
        back_populates="opinion",
        cascade="all, delete-orphan",
        order_by="(Evaluation.evaluated_on, Evaluation.id)",
    )
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="opinion", cascade="all, delete-orphan", order_by="Attachment.id"
    )

    def __str__(self) -> str:
        return f"第{self.number}号 {self.title}"


class CoHandling(Versioned, Base):
    """A co-handler's part (会办) in an opinion: its written opinion and the grades it got."""

    __tablename__ = "co_handlings"
    __table_args__ = (sa.UniqueConstraint("opinion_id", "unit_id"),)
    # It is part of its opinion: a change to it is a change to the opinion too.
    __version_parent__ = "opinion"

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(sa.ForeignKey("opinions.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    submitted_on: Mapped[date | None]
    lead_grade: Mapped[str | None] = vocabulary_column(Grade, name="lead_grade", nullable=True)
    deputy_grade: Mapped[str | None] = vocabulary_column(
        Grade, name="deputy_grade", nullable=True
    )
    # A co-handler added after the opinion was assigned has its own 会办意见 deadline, counted
    # from the day it was added; None: it was there from the start.
    added_on: Mapped[date | None]
    co_opinion_due_on: Mapped[date | None]

    opinion: Mapped[Opinion] = relationship(back_populates="co_handlings")
    unit: Mapped[Unit] = relationship()

    def __str__(self) -> str:
        return f"{self.unit}（会办）"


class Reassignment(Base):
    """A change of an opinion's lead unit, kept as history."""

    __tablename__ = "reassignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("opinions.id", ondelete="CASCADE"), index=True
    )
    from_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    to_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    reassigned_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    actor: Mapped[str] = mapped_column(sa.String(64), default="")

    opinion: Mapped[Opinion] = relationship(back_populates="reassignments")
    from_unit: Mapped[Unit] = relationship(foreign_keys=[from_unit_id])
    to_unit: Mapped[Unit] = relationship(foreign_keys=[to_unit_id])

    def __str__(self) -> str:
        return f"改派 {self.reassigned_on}"


class RequestKind(StrEnum):
    """What a unit asks of the office about an opinion it handles."""

    ADJUST = "申请调整"  # another unit should lead it
    RETURN = "申请退回"  # it is not the unit's to handle: back to the office


class RequestStatus(StrEnum):
    PENDING = "待处理"
    APPROVED = "已同意"
    DECLINED = "未同意"


class ReassignmentRequest(Versioned, Base):
    """A unit's request to reassign or return an opinion, and the office's decision."""

    __tablename__ = "reassignment_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("opinions.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    kind: Mapped[str] = vocabulary_column(RequestKind, name="request_kind")
    reason: Mapped[str] = mapped_column(sa.String(200))
    requested_by: Mapped[str] = mapped_column(sa.String(64))
    requested_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = vocabulary_column(
        RequestStatus, name="request_status", default=RequestStatus.PENDING.value, index=True
    )
    # The office's answer: the unit it reassigned to, or why it declined.
    to_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    decision: Mapped[str] = mapped_column(sa.String(200), default="")
    decided_by: Mapped[str] = mapped_column(sa.String(64), default="")
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    opinion: Mapped[Opinion] = relationship(back_populates="reassignment_requests")
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    to_unit: Mapped[Unit | None] = relationship(foreign_keys=[to_unit_id])

    def __str__(self) -> str:
        return f"{self.unit}{self.kind}"
