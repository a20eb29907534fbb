"""A deputy's answer to the 面商 (consultation) a unit arranges: confirmed, or please move it."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, utcnow, vocabulary_column
from backoffice.models.deputies import Deputy
from backoffice.models.opinions import Opinion


class ConsultationAnswer(StrEnum):
    CONFIRM = "确认面商"
    RESCHEDULE = "申请改期"


class ConsultationReply(Base):
    """One answer of a deputy about an opinion's 面商; the office and the lead unit read it."""

    __tablename__ = "consultation_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("opinions.id", ondelete="CASCADE"), index=True
    )
    deputy_id: Mapped[int] = mapped_column(sa.ForeignKey("deputies.id"), index=True)
    answer: Mapped[str] = vocabulary_column(ConsultationAnswer, name="consultation_answer")
    # For a reschedule: the day the deputy would rather meet, and why.
    wished_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    answered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    opinion: Mapped[Opinion] = relationship()
    deputy: Mapped[Deputy] = relationship()

    def __str__(self) -> str:
        return f"{self.deputy}{self.answer}"
