"""Working-calendar overrides for days the holiday package does not know."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.models.base import Base, Versioned


class CalendarOverride(Versioned, Base):
    """A day declared a working day or a day off by the office."""

    __tablename__ = "calendar_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(sa.String(100), default="")

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.is_workday else '休息'}"
