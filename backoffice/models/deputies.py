"""Deputies of the People's Congress."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.models.base import Base, Versioned


class Deputy(Versioned, Base):
    """A deputy (代表) and the delegation (代表团) they sit in."""

    __tablename__ = "deputies"
    __table_args__ = (sa.UniqueConstraint("name", "delegation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(32), index=True)
    delegation: Mapped[str] = mapped_column(sa.String(64))
    phone: Mapped[str | None] = mapped_column(sa.String(32))

    def __str__(self) -> str:
        return self.name
