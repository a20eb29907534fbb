"""Background jobs as the office sees them: what was asked, by whom, how far it got, how
it ended. The queue (procrastinate on PostgreSQL, a thread with SQLite) only carries the
job's id; this table is the history the screens show."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, utcnow, vocabulary_column
from backoffice.models.users import User


class JobState(StrEnum):
    QUEUED = "排队中"
    RUNNING = "进行中"
    DONE = "已完成"
    FAILED = "失败"
    CANCELLED = "已取消"


# States a job no longer leaves.
FINISHED = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})


class Job(Base):
    """One piece of long work run in the background, with its progress and outcome."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))  # a key of backoffice.jobs.kinds.KINDS
    title: Mapped[str] = mapped_column(sa.String(200))  # what the office asked for, in Chinese
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    state: Mapped[str] = vocabulary_column(JobState, name="job_state",
                                           default=JobState.QUEUED.value)
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int | None]
    # The time left as the worker reckons it from the pace of the rows so far.
    seconds_left: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow,
                                                 index=True)
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Who carries it: the queue's job id (PostgreSQL), or host:pid of the process whose
    # thread runs it (SQLite); an interrupted job is found by it.
    queue_id: Mapped[int | None] = mapped_column(index=True)
    runner: Mapped[str | None] = mapped_column(sa.String(128))
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    message: Mapped[str] = mapped_column(sa.Text, default="")  # the outcome, in Chinese
    result_name: Mapped[str | None] = mapped_column(sa.String(200))  # a file to download
    result_file: Mapped[str | None] = mapped_column(sa.String(200))  # its stored name
    result_url: Mapped[str | None] = mapped_column(sa.String(300))  # or a page to open
    retry_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jobs.id"))

    user: Mapped[User] = relationship()

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def __str__(self) -> str:
        return f"后台任务 #{self.id} {self.title}"
