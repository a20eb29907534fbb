"""People who sign in, and what role they have."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from backoffice.models.base import Base, utcnow, vocabulary_column
from backoffice.models.units import Unit


class Role(StrEnum):
    ADMIN = "admin"  # 区府办: everything
    UNIT = "unit"  # a unit's liaison: its own opinions, the fields a unit fills in
    LEADER = "leader"  # 区领导: reads everything, changes nothing


ROLE_LABELS = {Role.ADMIN: "区府办管理员", Role.UNIT: "承办单位联络员", Role.LEADER: "区领导"}


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        # A unit user belongs to exactly one unit; other roles to none.
        sa.CheckConstraint(
            "(role = 'unit' AND unit_id IS NOT NULL) OR (role <> 'unit' AND unit_id IS NULL)",
            name="unit_role_has_unit",
        ),
    )

    # A password's hash is never written to the audit log.
    __audit_omit__ = frozenset({"password_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(64), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[str] = vocabulary_column(Role, name="role")
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    unit: Mapped[Unit | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __str__(self) -> str:
        return self.display_name or self.username
