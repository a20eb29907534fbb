"""Publishing a reply on the public site (公开审核): the office's decision per opinion."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, Versioned, utcnow, vocabulary_column
from backoffice.models.opinions import Opinion


class PublicationStatus(StrEnum):
    PENDING = "待审核"
    PUBLISHED = "已公开"
    DECLINED = "不予公开"
    WITHDRAWN = "已撤回"


class DeclineReason(StrEnum):
    """Why the office does not publish a reply the deputy consented to publish."""

    SECRET = "涉及国家秘密、工作秘密"
    PRIVACY = "涉及个人隐私"
    BUSINESS = "涉及商业秘密"
    IN_PROGRESS = "内容仍在办理、不宜公开"
    OTHER = "其他（须说明）"


class Publication(Versioned, Base):
    """The office's latest decision on publishing one opinion's reply.

    `public_id` is the page's address on the public site: random, so that the site's
    links say nothing of the opinions' ids and cannot be counted through.
    """

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("opinions.id", ondelete="CASCADE"), unique=True
    )
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    status: Mapped[str] = vocabulary_column(
        PublicationStatus, name="publication_status",
        default=PublicationStatus.PENDING.value, index=True,
    )
    reason: Mapped[str | None] = vocabulary_column(
        DeclineReason, name="decline_reason", nullable=True
    )
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    decided_by: Mapped[str] = mapped_column(sa.String(64), default="")
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    opinion: Mapped[Opinion] = relationship()

    def __str__(self) -> str:
        return f"公开审核 {self.status}"
