"""The audit log: who changed which record when, old and new values."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.models.base import Base, utcnow, vocabulary_column


class AuditAction(StrEnum):
    CREATE = "新增"
    UPDATE = "修改"
    DELETE = "删除"


class AuditEntry(Base):
    """One recorded change; written by backoffice.audit, never edited."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(sa.String(64), index=True)
    source: Mapped[str] = mapped_column(sa.String(16))  # web, cli, import
    action: Mapped[str] = vocabulary_column(AuditAction, name="audit_action")
    table_name: Mapped[str] = mapped_column(sa.String(64), index=True)
    record_id: Mapped[str] = mapped_column(sa.String(64))
    record_label: Mapped[str] = mapped_column(sa.String(300), default="")
    # The opinion a change belongs to, so a case file can show its whole trail.
    opinion_id: Mapped[int | None] = mapped_column(index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
