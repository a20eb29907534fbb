"""The job queue's adapter: procrastinate on PostgreSQL, a thread per job with SQLite.

The database URL decides. Both carry only a job's id to `running.run`, which does the
work in the same way whichever engine carries it; what differs is how a job reaches a
worker, how its progress and a request to stop travel while its work holds the
database, and how a job whose worker died is found.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import sqlalchemy as sa
from flask import Flask

from backoffice.extensions import db
from backoffice.models import Job, JobState

if TYPE_CHECKING:
    import procrastinate

QUEUE = "backoffice"
TASK = "backoffice.run_job"
UNFINISHED = (JobState.QUEUED.value, JobState.RUNNING.value)


class Progress(NamedTuple):
    """How far a running job has got: rows done, of how many, and the time left."""

    done: int
    total: int | None
    seconds_left: int | None

    @classmethod
    def of(cls, job: Job) -> Progress:
        return cls(job.rows_done, job.rows_total, job.seconds_left)


class Engine(Protocol):
    """What the job screens and the runner ask of a queue."""

    def submit(self, job_id: int) -> None:
        """Hand a committed job to a worker."""

    def report(self, job_id: int, progress: Progress) -> bool:
        """Record a running job's progress; return whether it was asked to stop."""

    def live(self, job: Job) -> Progress:
        """Return a job's progress as the worker knows it now."""

    def stopping(self, job: Job) -> bool:
        """Return whether a running job was asked to stop."""

    def request_stop(self, job_id: int) -> None:
        """Ask a running job to stop at its next progress report."""

    def withdraw(self, job: Job) -> None:
        """Take a queued job off the queue."""

    def interrupted(self) -> list[int]:
        """Return the unfinished jobs whose worker is gone (the caller commits)."""

    def alive(self) -> bool:
        """Return whether a worker is there to run jobs."""


def engine(app: Flask) -> Engine:
    """Return the app's engine, made on first use: the database URL decides which."""
    made = app.extensions.get("jobs")
    if made is None:
        # The app itself, not current_app's proxy: a job's thread outlives the request.
        app = getattr(app, "_get_current_object", lambda: app)()
        url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
        made = QueueEngine(app) if url.get_backend_name() == "postgresql" else ThreadEngine(app)
        app.extensions["jobs"] = made
    return made


def close(app: Flask) -> None:
    """Close the engine's connections to the queue, if it opened any."""
    made = app.extensions.pop("jobs", None)
    if isinstance(made, QueueEngine) and made._opened:
        made.queue.close()


def _run(app: Flask, job_id: int) -> None:
    from backoffice.jobs import running

    with app.app_context():
        threads = engine(app)
        try:
            running.run(job_id, threads)
        finally:
            db.session.remove()
            threads.forget(job_id)


class ThreadEngine:
    """SQLite: a job runs on a thread of the process that asked for it (`make run` stays
    one command). Progress and stop requests stay in the process's memory: an import
    holds SQLite's one write lock until it commits."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.runner = f"{socket.gethostname()}:{os.getpid()}"
        self.progress: dict[int, Progress] = {}
        self.stopping_ids: set[int] = set()

    def submit(self, job_id: int) -> None:
        db.session.execute(sa.update(Job).where(Job.id == job_id).values(runner=self.runner))
        db.session.commit()
        threading.Thread(target=_run, args=(self.app, job_id), name=f"job-{job_id}",
                         daemon=True).start()

    def report(self, job_id: int, progress: Progress) -> bool:
        self.progress[job_id] = progress
        return job_id in self.stopping_ids

    def live(self, job: Job) -> Progress:
        if job.finished:
            return Progress.of(job)
        return self.progress.get(job.id, Progress.of(job))

    def stopping(self, job: Job) -> bool:
        return job.id in self.stopping_ids

    def forget(self, job_id: int) -> None:
        """Drop an ended job's progress (its row holds the last figures)."""
        self.progress.pop(job_id, None)
        self.stopping_ids.discard(job_id)

    def request_stop(self, job_id: int) -> None:
        self.stopping_ids.add(job_id)

    def withdraw(self, job: Job) -> None:
        """A queued job's thread finds it cancelled and ends (`running.run` claims it)."""

    def interrupted(self) -> list[int]:
        """Return the unfinished jobs of this host's processes that are no more."""
        host = socket.gethostname()
        rows = db.session.execute(sa.select(Job.id, Job.runner).where(Job.state.in_(UNFINISHED)))
        return [job_id for job_id, runner in rows if _gone(runner, host)]

    def alive(self) -> bool:
        return True


def _gone(runner: str | None, host: str) -> bool:
    name, _, pid = (runner or "").rpartition(":")
    if name != host or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class QueueEngine:
    """PostgreSQL: procrastinate's queue, worked by `backoffice worker` processes.

    A job whose worker stopped sending heartbeats (killed, its machine gone) is found by
    procrastinate's own stalled-jobs query and marked failed in its queue too. Reading
    and changing the queue goes through procrastinate on the app's own connection, in
    its transaction; only deferring opens connections of procrastinate's (one per job,
    closed at once: a web process keeps none).
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.queue = queue_app(app)
        self._opened = False
        self._lock = threading.Lock()

    def _open(self) -> None:
        import psycopg_pool

        with self._lock:
            if not self._opened:
                self.queue.open(psycopg_pool.NullConnectionPool(conninfo(self.app), open=True))
                self._opened = True

    @staticmethod
    def _connection() -> Any:
        """Return the psycopg connection under the app's session (its transaction)."""
        return db.session.connection().connection.driver_connection

    def submit(self, job_id: int) -> None:
        self._open()
        queue_id = self.queue.configure_task(TASK, queue=QUEUE).defer(job_id=job_id)
        db.session.execute(sa.update(Job).where(Job.id == job_id).values(queue_id=queue_id))
        db.session.commit()

    def report(self, job_id: int, progress: Progress) -> bool:
        # On a connection of its own: the job's work holds its transaction open.
        with db.engine.begin() as connection:
            return bool(connection.execute(
                sa.update(Job).where(Job.id == job_id)
                .values(rows_done=progress.done, rows_total=progress.total,
                        seconds_left=progress.seconds_left).returning(Job.cancel_requested)
            ).scalar())

    def live(self, job: Job) -> Progress:
        return Progress.of(job)

    def stopping(self, job: Job) -> bool:
        return job.cancel_requested

    def request_stop(self, job_id: int) -> None:
        db.session.execute(sa.update(Job).where(Job.id == job_id).values(cancel_requested=True))

    def withdraw(self, job: Job) -> None:
        if job.queue_id is not None:
            self.queue.job_manager.cancel_job_by_id(job.queue_id,
                                                    connection=self._connection())

    def interrupted(self) -> list[int]:
        """Return the jobs of stalled workers, marked failed in the queue (uncommitted)."""
        from procrastinate import sql

        connector = self.queue.connector.get_sync_connector()
        stalled = connector.execute_query_all_with_connection(
            self._connection(), query=sql.queries["select_stalled_jobs_by_heartbeat"],
            queue=QUEUE, task_name=TASK,
            seconds_since_heartbeat=self.app.config["JOBS_STALLED_SECONDS"])
        queue_ids = [row["id"] for row in stalled]
        for queue_id in queue_ids:
            connector.execute_query_one_with_connection(
                self._connection(), query=sql.queries["finish_job"], job_id=queue_id,
                status="failed", delete_job=False)
        if not queue_ids:
            return []
        return list(db.session.scalars(sa.select(Job.id).where(
            Job.queue_id.in_(queue_ids), Job.state.in_(UNFINISHED))))

    def alive(self) -> bool:
        seconds = self.app.config["JOBS_STALLED_SECONDS"]
        with db.engine.connect() as connection:
            return bool(connection.execute(sa.text(
                "SELECT EXISTS (SELECT 1 FROM procrastinate_workers WHERE last_heartbeat > "
                "now() - make_interval(secs => :seconds))"), {"seconds": seconds}).scalar())


def conninfo(app: Flask) -> str:
    """Return the database URL as libpq reads it (SQLAlchemy's names the driver)."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def queue_app(app: Flask, task: Callable[..., None] | None = None) -> procrastinate.App:
    """Return a procrastinate app on the database; with `task`, able to run jobs."""
    import procrastinate

    queue = procrastinate.App(connector=procrastinate.PsycopgConnector(
        conninfo=conninfo(app), min_size=1, max_size=4))
    if task is not None:
        queue.task(name=TASK, queue=QUEUE, pass_context=True)(task)
    return queue
