"""Imports that were applied: who, when, which files, what they changed, how to undo it."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, Versioned, utcnow, vocabulary_column


class ImportStatus(StrEnum):
    APPLIED = "已导入"
    UNDONE = "已撤销"


class ChangeAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class ImportRun(Base):
    """One applied import of one or more files; its changes can be undone as a whole."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(sa.String(64))
    source: Mapped[str] = mapped_column(sa.String(16))  # web, cli
    kind: Mapped[str] = mapped_column(sa.String(32))  # as asked: auto or one kind
    session_name: Mapped[str | None] = mapped_column(sa.String(64))
    options: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    # Every problem found, as Problem.to_dict() gives them: the rows skipped and why.
    problems: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # How each sheet's columns were read: per file and sheet, each column's header, field,
    # how it was matched and how surely, and the remembered mapping used if any.
    columns: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    status: Mapped[str] = vocabulary_column(ImportStatus, name="import_status",
                                            default=ImportStatus.APPLIED.value)
    # The last audit entry the import wrote: a later entry about a row it created means
    # someone changed that row since, and undo must not delete their work.
    audit_through: Mapped[int | None]
    undone_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    undone_by: Mapped[str | None] = mapped_column(sa.String(64))

    files: Mapped[list["ImportFile"]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="ImportFile.id"
    )

    def __str__(self) -> str:
        names = "、".join(file.name for file in self.files[:3])
        more = f"等{len(self.files)}个文件" if len(self.files) > 3 else ""
        return f"导入 #{self.id} {names}{more}"


class ImportFile(Base):
    """A file of an import, kept under the instance folder by its SHA-256."""

    __tablename__ = "import_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        sa.ForeignKey("import_runs.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(255))  # as uploaded or named on the command line
    kind: Mapped[str | None] = mapped_column(sa.String(32))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int]
    stored_name: Mapped[str] = mapped_column(sa.String(80))  # under IMPORT_FOLDER
    rows: Mapped[int] = mapped_column(default=0)

    run: Mapped[ImportRun] = relationship(back_populates="files")

    def __str__(self) -> str:
        return self.name


class ImportChange(Base):
    """Rows of one table an import created, changed or deleted, with their images.

    Rows go in batches of one table and one action, in the order they were written
    (`row_keys[i]`, `before[i]`, `after[i]` describe the i-th row). Written in bulk by the
    importer, never through the ORM; undo replays them backwards.
    """

    __tablename__ = "import_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        sa.ForeignKey("import_runs.id", ondelete="CASCADE"), index=True
    )
    table_name: Mapped[str] = mapped_column(sa.String(64))
    action: Mapped[str] = vocabulary_column(ChangeAction, name="import_change_action")
    row_keys: Mapped[list[Any]] = mapped_column(sa.JSON)  # each row's primary key values
    before: Mapped[list[Any] | None] = mapped_column(sa.JSON)  # whole rows; None when new
    after: Mapped[list[Any] | None] = mapped_column(sa.JSON)  # the columns written


class RememberedMapping(Versioned, Base):
    """A column mapping confirmed on the import preview, used again for every sheet whose
    headers read the same (its header signature) until someone deletes it."""

    __tablename__ = "remembered_mappings"
    # Each import that uses it notes the time: bookkeeping, not a change to audit.
    __audit_omit__ = frozenset({"last_used_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    signature: Mapped[str] = mapped_column(sa.String(32), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    headers: Mapped[list[str]] = mapped_column(sa.JSON)  # as written, in column order
    mapping: Mapped[dict[str, str | None]] = mapped_column(sa.JSON)  # header -> field, None: 不导入
    confirmed_by: Mapped[str] = mapped_column(sa.String(64))
    confirmed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    def __str__(self) -> str:
        shown = "、".join(self.headers[:4]) + ("等" if len(self.headers) > 4 else "")
        return f"已记住的对应关系（{shown}）"
