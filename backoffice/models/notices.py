"""Notices (通报) the office issues about units."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, Versioned, vocabulary_column
from backoffice.models.units import Unit
from importers.vocabulary import NoticeKind


class Notice(Versioned, Base):
    """One unit named in a notice; 通报批评 lines cost points at year-end."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    issued_on: Mapped[date] = mapped_column(index=True)
    kind: Mapped[str] = vocabulary_column(NoticeKind, name="notice_kind")
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(200), default="")

    unit: Mapped[Unit] = relationship()

    def __str__(self) -> str:
        return f"{self.issued_on} {self.kind} {self.unit}"
