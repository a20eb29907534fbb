"""On PostgreSQL, jobs go through procrastinate's queue to a `backoffice worker` process:
a real worker, killed in the middle of an import, leaves the database all or nothing and
the job's history says it was interrupted."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.jobs.engine import close
from backoffice.models import ImportRun
from tests.backoffice.jobs.steps import apply_as_job, job, new_opinions, previewed, wait_for
from tests.conftest import csrf_token

pytestmark = pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgresql)], indirect=True)

ROOT = Path(__file__).resolve().parents[3]
# Short, for the test; a heartbeat late by a whole STALLED would fail the first job.
HEARTBEAT, STALLED = 0.25, 2.5
# The worker as `backoffice worker` runs it, with a hook that tells where a job has got
# to and holds it there while the hold file exists (to be killed mid-import).
_WORKER = """
import json, sys, time
from pathlib import Path
from backoffice import create_app
from backoffice.jobs.worker import run_worker

config, marker, hold = json.loads(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])

def hook(job_id, done, total):
    marker.write_text(f"{job_id} {done} {total}")
    while hold.exists():
        time.sleep(0.05)

app = create_app({**config, "JOBS_PROGRESS_HOOK": hook})
with app.app_context():
    run_worker(app)
"""


def test_a_worker_runs_jobs_and_one_killed_mid_import_leaves_nothing_half_written(
        app, as_user, tmp_path) -> None:
    config = {key: app.config[key] for key in (
        "SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "IMPORT_FOLDER", "DOCUMENT_FOLDER")}
    app.config.update(JOBS_ROWS=1, JOBS_HEARTBEAT_SECONDS=HEARTBEAT,
                      JOBS_STALLED_SECONDS=STALLED)
    config.update(JOBS_HEARTBEAT_SECONDS=HEARTBEAT, JOBS_STALLED_SECONDS=STALLED)
    marker, hold = tmp_path / "marker", tmp_path / "hold"
    worker = subprocess.Popen(
        [sys.executable, "-c", _WORKER, json.dumps(config), str(marker), str(hold)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = as_user("operator")
        first = apply_as_job(client, previewed(client, tmp_path, 1, 60))
        progress = wait_for(client, first, seconds=30)
        assert (progress["state"], progress["done"], progress["total"]) == ("已完成", 60, 60)
        with app.app_context():
            assert new_opinions() == 60
            runs = db.session.scalar(sa.select(sa.func.count()).select_from(ImportRun))
            from backoffice import jobs

            assert jobs.queue_alive()

        hold.touch()
        second = apply_as_job(client, previewed(client, tmp_path, 61, 60))
        deadline = time.monotonic() + 20
        while not (marker.exists() and marker.read_text().startswith(f"{second} ")):
            assert time.monotonic() < deadline and worker.poll() is None, "worker held no job"
            time.sleep(0.05)
        # The import's rows are written, not committed: the worker dies now.
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        # Its job is found by the page once the worker has missed its heartbeats.
        assert wait_for(client, second, seconds=STALLED + 10)["state"] == "失败"
        page = client.get(f"/admin/jobs/{second}/").get_data(as_text=True)
        assert "失败" in page and "后台进程已中断" in page and "未作任何更改" in page
        with app.app_context():
            assert new_opinions() == 60
            assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportRun)) == runs
            interrupted = job(second)
            assert interrupted.state == "失败" and interrupted.finished_at is not None
            assert not jobs.queue_alive()

        # No worker now: a job waits in the queue, and is cancelled there.
        queued = apply_as_job(client, previewed(client, tmp_path, 200, 5))
        assert client.get(f"/admin/jobs/{queued}/progress").get_json()["state"] == "排队中"
        client.post(f"/admin/jobs/{queued}/cancel",
                    data={"csrf_token": csrf_token(client, f"/admin/jobs/{queued}/")})
        with app.app_context():
            cancelled = job(queued)
            assert cancelled.state == "已取消"
            status = db.session.scalar(sa.text(
                "SELECT status FROM procrastinate_jobs WHERE id = :id"),
                {"id": cancelled.queue_id})
            assert status == "cancelled"
    finally:
        hold.unlink(missing_ok=True)
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)
        close(app)
