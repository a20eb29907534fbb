"""The worker: procrastinate's, running each job's id through `running.run`, and sweeping
up the jobs of workers that died (every minute, and when it starts)."""

from __future__ import annotations

import logging

from flask import Flask

from backoffice.extensions import db
from backoffice.jobs.engine import QUEUE, QueueEngine, engine, queue_app

logger = logging.getLogger(__name__)


def run_worker(app: Flask, concurrency: int = 1) -> bool:
    """Work the queue until stopped; return False when the database has no queue."""
    found = engine(app)
    if not isinstance(found, QueueEngine):
        return False

    def run_job(context: object, job_id: int) -> None:
        from backoffice.jobs import running

        with app.app_context():
            try:
                running.run(job_id, found)
            finally:
                db.session.remove()

    def sweep(context: object, timestamp: int) -> None:
        from backoffice import jobs

        with app.app_context():
            try:
                if swept := jobs.sweep():
                    logger.warning("%s interrupted jobs marked failed", swept)
            finally:
                db.session.remove()

    queue = queue_app(app, run_job)
    queue.periodic(cron="* * * * *", periodic_id="sweep")(
        queue.task(name="backoffice.sweep", queue=QUEUE, pass_context=True)(sweep))
    with app.app_context():
        sweep(None, 0)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    queue.run_worker(
        queues=[QUEUE], concurrency=concurrency,
        update_heartbeat_interval=app.config["JOBS_HEARTBEAT_SECONDS"],
        stalled_worker_timeout=app.config["JOBS_STALLED_SECONDS"])
    return True



