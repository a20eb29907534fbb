"""Congress sessions and their deadline settings."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.models.base import Base, Versioned

# The default deadlines (docs/domain.md, "Lifecycle and deadlines"); each session may
# change its own.
DEFAULT_DEADLINES = {
    "accept_working_days": 7,
    "consult_months": 1,
    "co_opinion_months": 1,
    "reply_months": 3,
    "max_extension_months": 3,
    "second_reply_months": 1,
}
# The least and most each setting may be (the table's check constraint holds the least):
# past these a period means nothing, and millions of working days take minutes to count.
DEADLINE_LIMITS = {
    "accept_working_days": (1, 60),
    "consult_months": (1, 12),
    "co_opinion_months": (1, 12),
    "reply_months": (1, 12),
    "max_extension_months": (0, 12),
    "second_reply_months": (1, 12),
}


class CongressSession(Versioned, Base):
    """A congress session (届次会议) whose opinions are handled in one year."""

    __tablename__ = "congress_sessions"
    __table_args__ = (
        sa.CheckConstraint(
            "accept_working_days > 0 AND consult_months > 0 AND co_opinion_months > 0"
            " AND reply_months > 0 AND max_extension_months >= 0 AND second_reply_months > 0",
            name="positive_periods",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    year: Mapped[int] = mapped_column(index=True)
    # Deadline settings (docs/domain.md); each period counts from assignment.
    accept_working_days: Mapped[int] = mapped_column(default=7)
    consult_months: Mapped[int] = mapped_column(default=1)
    co_opinion_months: Mapped[int] = mapped_column(default=1)
    reply_months: Mapped[int] = mapped_column(default=3)
    max_extension_months: Mapped[int] = mapped_column(default=3)
    second_reply_months: Mapped[int] = mapped_column(default=1)

    def __init__(self, **kwargs: object) -> None:
        # Defaults here, not only at INSERT, so due dates can be computed before a flush.
        super().__init__(**{**DEFAULT_DEADLINES, **kwargs})

    def __str__(self) -> str:
        return self.name
