"""Long work as background jobs: import apply, big exports, documents, reminders.

    job_id = enqueue("list_export", "书面意见 导出", user, {...})
    cancel(job), retry(job, user), sweep(), queue_alive()

A job is a row of `jobs` (the history the screens show) carried by the engine the
database URL chooses (`engine.py`): procrastinate on PostgreSQL, worked by
`backoffice worker`; a thread of the asking process with SQLite. The job functions
(`kinds.py`) are the same code either way; screens only enqueue and show progress.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app

from backoffice.extensions import db
from backoffice.jobs.engine import UNFINISHED, engine
from backoffice.jobs.running import (
    Outcome,
    ended_after_commit,
    finish,
    interrupted,
    record_end,
)
from backoffice.models import Job, JobState, User
from backoffice.models.base import utcnow

QUEUE_DOWN = "任务队列暂时不可用，任务未能排队。请稍后重试，或联系系统管理员。"


def big(rows: int) -> bool:
    """Return whether work over this many rows runs as a job rather than in the request."""
    return rows >= current_app.config["JOBS_ROWS"]


def enqueue(kind: str, title: str, user: User, params: dict[str, Any],
            retry_of: int | None = None) -> int:
    """Record a job and hand it to the engine; return its id."""
    job_id = db.session.execute(sa.insert(Job).returning(Job.id), {
        "kind": kind, "title": title[:200], "user_id": user.id, "params": params,
        "state": JobState.QUEUED.value, "rows_done": 0, "cancel_requested": False,
        "message": "", "retry_of_id": retry_of}).scalar_one()
    db.session.commit()
    try:
        engine(current_app).submit(job_id)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("job %s could not be queued", job_id)
        finish(job_id, JobState.FAILED, Outcome(QUEUE_DOWN))
    return job_id


def cancel(job: Job) -> None:
    """Cancel a queued job now; ask a running one to stop at its next progress report.

    A running job is not written to: with SQLite its work holds the database's one lock.
    """
    withdrawn = job.state == JobState.QUEUED.value and db.session.execute(
        sa.update(Job).where(Job.id == job.id, Job.state == JobState.QUEUED.value)
        .values(state=JobState.CANCELLED.value, message="已取消，未执行。",
                finished_at=utcnow())).rowcount
    if withdrawn:
        engine(current_app).withdraw(job)  # in the same transaction, on PostgreSQL
    else:
        engine(current_app).request_stop(job.id)
    db.session.commit()


def retry(job: Job, user: User) -> int:
    """Run a failed or cancelled job again, as a new job; return its id."""
    return enqueue(job.kind, job.title, user, dict(job.params), retry_of=job.id)


def sweep() -> int:
    """Mark the unfinished jobs whose worker died as failed; return how many."""
    from backoffice.jobs.kinds import KINDS

    found = engine(current_app).interrupted()
    kinds = dict(db.session.execute(sa.select(Job.id, Job.kind).where(Job.id.in_(found))).all()
                 ) if found else {}
    for job_id in found:
        kind = KINDS.get(kinds.get(job_id, ""))
        done = ended_after_commit(kind, job_id) if kind else None
        record_end(job_id, *(done or (JobState.FAILED, Outcome(
            interrupted(kind.leaves) if kind else interrupted()))))
    db.session.commit()  # with the queue's own record of them, on PostgreSQL
    return len(found)


def queue_alive() -> bool:
    """Return whether a worker is there to run jobs (with SQLite: always)."""
    try:
        return engine(current_app).alive()
    except sa.exc.SQLAlchemyError:
        return False


__all__ = ["UNFINISHED", "big", "cancel", "enqueue", "queue_alive", "retry", "sweep"]
