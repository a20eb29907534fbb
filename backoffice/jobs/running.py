"""Run one job: claim it, do its work, and record how it ended, whatever happens.

A job's work runs in its own transaction; if it fails, is cancelled or its worker dies,
that transaction never commits, so the work leaves nothing half done, and the history
row says what happened in Chinese. Sending the outbox commits each message as it goes:
its kind says what such a job leaves, and the history row says that instead.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app

from backoffice import access
from backoffice.extensions import db
from backoffice.jobs.engine import Progress
from backoffice.models import Job, JobState, User
from backoffice.models.base import utcnow

if TYPE_CHECKING:
    from backoffice.jobs.engine import Engine
    from backoffice.jobs.kinds import Kind

logger = logging.getLogger(__name__)

CANCELLED = "已按要求取消，未作任何更改。"
# What a job that did not finish leaves behind: nothing, as its work is one transaction,
# unless its kind says otherwise (sending commits each message: kinds.Kind.leaves).
NOTHING_CHANGED = "未作任何更改"


def broken(leaves: str = NOTHING_CHANGED) -> str:
    return f"任务执行出错，{leaves}。请重试；再次出错请联系系统管理员。"


def interrupted(leaves: str = NOTHING_CHANGED) -> str:
    return (f"执行此任务的后台进程已中断（例如被终止或服务器重启），任务未完成，"
            f"{leaves}。可点击“重试”重新执行。")


BROKEN, INTERRUPTED = broken(), interrupted()
NOT_ALLOWED = "您已无权执行此操作，任务未执行。"
REPORT_EVERY = 1.0  # seconds between two progress reports, at most one in between


class JobFailed(Exception):
    """The job cannot be done; its message (Chinese) says why and what to do."""


class JobCancelled(Exception):
    """The job was asked to stop."""


@dataclass
class Outcome:
    """What a finished job tells its owner: a message, and a page or a file to open."""

    message: str
    url: str | None = None
    file_name: str | None = None  # the download's name
    stored: str | None = None  # the result file's stored name (results.py)


class JobContext:
    """What a job function is given: the job's owner and parameters, and its progress."""

    def __init__(self, job: Job, engine: Engine) -> None:
        self.job_id = job.id
        self.user: User = job.user
        self.params = dict(job.params)
        self.engine = engine
        self.done = 0
        self.total: int | None = None
        self._reported = 0.0
        self._first: tuple[float, int] | None = None  # when rows were first counted

    def start(self, total: int | None) -> None:
        """Say how many rows the job will work through."""
        self.total = total
        self._report()

    def advance(self, rows: int) -> None:
        """Count rows done; stop here if the owner cancelled the job."""
        self.done += rows
        if self._first is None:
            self._first = (time.monotonic(), self.done)
        hook = current_app.config.get("JOBS_PROGRESS_HOOK")
        if hook is not None:  # tests hold a job here (a worker to kill mid-work)
            hook(self.job_id, self.done, self.total)
        if time.monotonic() - self._reported >= REPORT_EVERY or self.done == self.total:
            self._report()

    def seconds_left(self) -> int | None:
        """Reckon the time left from the pace since rows were first counted (the work
        before them, such as checking an import's plan again, says nothing of it)."""
        if self._first is None or not self.total:
            return None
        since, counted = self._first
        rows = self.done - counted
        if rows <= 0:
            return None
        return round((time.monotonic() - since) * (self.total - self.done) / rows)

    def _report(self) -> None:
        self._reported = time.monotonic()
        if self.engine.report(self.job_id, Progress(self.done, self.total, self.seconds_left())):
            raise JobCancelled


def run(job_id: int, engine: Engine) -> None:
    """Run the job if it is still queued (a cancelled one is left alone)."""
    from backoffice.jobs.kinds import KINDS

    claimed = db.session.execute(
        sa.update(Job).where(Job.id == job_id, Job.state == JobState.QUEUED.value)
        .values(state=JobState.RUNNING.value, started_at=utcnow())).rowcount
    db.session.commit()
    if not claimed:
        return
    job = db.session.get(Job, job_id)
    kind = KINDS[job.kind]
    context = JobContext(job, engine)
    try:
        if not access.allowed(job.user, *kind.needs(context.params)):
            raise JobFailed(NOT_ALLOWED)
        outcome = kind.run(context)
    except JobCancelled:
        finish(job_id, JobState.CANCELLED, Outcome(CANCELLED), context)
    except JobFailed as failure:
        finish(job_id, JobState.FAILED, Outcome(str(failure)), context)
    except Exception:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        db.session.rollback()
        done = ended_after_commit(kind, job_id)
        finish(job_id, *(done or (JobState.FAILED, Outcome(broken(kind.leaves)))), context)
    else:
        finish(job_id, JobState.DONE, outcome, context)


def ended_after_commit(kind: Kind, job_id: int) -> tuple[JobState, Outcome] | None:
    """Return the end of a job whose work committed before it failed or was interrupted."""
    outcome = kind.committed(job_id) if kind.committed else None
    return (JobState.DONE, outcome) if outcome else None


def finish(job_id: int, state: JobState, outcome: Outcome,
           context: JobContext | None = None) -> None:
    """Record how a job ended (its work's transaction is over: rolled back or committed)."""
    db.session.rollback()
    record_end(job_id, state, outcome, context)
    db.session.commit()


def record_end(job_id: int, state: JobState, outcome: Outcome,
               context: JobContext | None = None) -> None:
    """Write a job's end into the session's transaction, unless it has ended already."""
    values = {"state": state.value, "finished_at": utcnow(), "message": outcome.message,
              "result_url": outcome.url, "result_name": outcome.file_name,
              "result_file": outcome.stored, "seconds_left": None}
    if context is not None:
        values |= {"rows_done": context.done, "rows_total": context.total}
    unfinished = (JobState.QUEUED.value, JobState.RUNNING.value)
    db.session.execute(sa.update(Job).where(Job.id == job_id, Job.state.in_(unfinished))
                       .values(**values))
