"""People who sign in, and what role they have."""

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from backoffice.models.base import Base, Versioned, utcnow, vocabulary_column
from backoffice.models.deputies import Deputy
from backoffice.models.units import Unit
from backoffice.roles import ROLE_LABELS, Role

__all__ = ["ROLE_LABELS", "Role", "User"]


class User(UserMixin, Versioned, Base):
    __tablename__ = "users"
    __table_args__ = (
        # A unit user belongs to exactly one unit; other roles to none.
        sa.CheckConstraint(
            "(role = 'unit' AND unit_id IS NOT NULL) OR (role <> 'unit' AND unit_id IS NULL)",
            name="unit_role_has_unit",
        ),
        # A deputy's account is one deputy of the roster; other roles are none.
        sa.CheckConstraint(
            "(role = 'deputy' AND deputy_id IS NOT NULL) "
            "OR (role <> 'deputy' AND deputy_id IS NULL)",
            name="deputy_role_has_deputy",
        ),
    )

    # A password's hash is never written to the audit log (the security log says when
    # it changed).
    __audit_omit__ = frozenset({"password_hash", "password_changed_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(64), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[str] = vocabulary_column(Role, name="role")
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    # One account per deputy at most.
    deputy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deputies.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # A password someone else chose (a new account, a reset) is changed at first sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False)

    unit: Mapped[Unit | None] = relationship()
    deputy: Mapped[Deputy | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str, *, chosen_by_user: bool = False) -> None:
        """Set the password; one chosen by someone else must be changed at first sign-in."""
        self.password_hash = generate_password_hash(password)
        self.password_changed_at = utcnow()
        self.must_change_password = not chosen_by_user

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __str__(self) -> str:
        return self.display_name or self.username
