"""How many opinions stand each way, as changes by day (kept by backoffice.spans)."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.models.base import Base


class StandingCount(Base):
    """On `day`, `change` more (or fewer) of a session's opinions began to stand as `kind`
    (with `value`: a unit, a grade, a category…); the count on a day is the sum of the
    changes up to it.

    Derived data: `backoffice.spans.Recount` moves them with every write that touches an
    opinion's facts; nothing else writes them and the audit log does not record them.
    """

    __tablename__ = "standing_counts"
    __table_args__ = (sa.UniqueConstraint("session_id", "kind", "value", "day"),
                      {"info": {"derived": True}})

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("congress_sessions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    value: Mapped[str] = mapped_column(sa.String(20), default="")  # "" for none
    day: Mapped[date]
    change: Mapped[int]
