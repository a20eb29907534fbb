"""`backoffice worker`: run background jobs from the PostgreSQL queue (procrastinate)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--concurrency", type=click.IntRange(1, 16), default=1, show_default=True,
              help="同时执行的任务数")
@with_appcontext
def worker(concurrency: int) -> None:
    """Run background jobs (imports, exports) until stopped (SIGTERM or Ctrl-C ends the
    job at hand first). Needs PostgreSQL: with SQLite, jobs run inside the web process."""
    from flask import current_app

    from backoffice.jobs.worker import run_worker

    if not run_worker(current_app, concurrency):
        raise click.ClickException(
            "后台任务进程只用于 PostgreSQL；使用 SQLite 时任务在网站进程内执行，无需启动。")


COMMANDS = (worker,)
