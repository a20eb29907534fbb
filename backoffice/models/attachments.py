"""Documents of an opinion's case file (一案一册)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, utcnow, vocabulary_column
from backoffice.models.opinions import Opinion
from importers.vocabulary import AttachmentKind


class Attachment(Base):
    """An uploaded document, stored under the instance folder by a generated name."""

    __tablename__ = "attachments"
    __version_parent__ = "opinion"

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("opinions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = vocabulary_column(AttachmentKind, name="attachment_kind")
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(128))
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(sa.String(64))

    opinion: Mapped[Opinion] = relationship(back_populates="attachments")

    def __str__(self) -> str:
        return self.original_name
