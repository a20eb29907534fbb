"""Steps the job tests share: a preview to apply, and waiting for a job to end."""

import re
import time

import sqlalchemy as sa
from flask.testing import FlaskClient

from backoffice.extensions import db
from backoffice.models import CongressSession, Job, Opinion
from tests.backoffice.imports.tables import (
    NEW_SESSION,
    OPINION_HEADER,
    assignment_list,
    opinion_row,
)
from tests.backoffice.imports.test_import_pages import BASE, preview_token, upload
from tests.conftest import csrf_token


def previewed(client: FlaskClient, folder, first: int, count: int) -> str:
    """Upload an assignment list of count new opinions from number first; return its token."""
    with client.application.app_context():
        row = opinion_row(0)  # the deputy and units, looked up once
    number, title = OPINION_HEADER.index("编号"), OPINION_HEADER.index("案由")
    rows = []
    for n in range(first, first + count):
        rows.append(list(row))
        rows[-1][number], rows[-1][title] = n, f"关于第{n}件的建议"
    path = assignment_list(folder / f"交办清单-{first}-{count}.xlsx", rows)
    uploaded = upload(client, path)
    reading = re.search(r"/admin/jobs/(\d+)/$", uploaded.location or "")
    if reading:  # a big upload is read and checked as a job, which links to the preview
        assert wait_for(client, int(reading.group(1)))["state"] == "已完成"
        with client.application.app_context():
            uploaded.location = job(int(reading.group(1))).result_url
    return preview_token(uploaded)


def apply_as_job(client: FlaskClient, token: str) -> int:
    """Press 应用 on the preview; return the job it started."""
    response = client.post(f"{BASE}/preview/{token}/apply",
                           data={"csrf_token": csrf_token(client, f"{BASE}/")})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/admin/jobs/(\d+)/$", response.location).group(1))


def wait_for(client: FlaskClient, job_id: int, seconds: float = 20) -> dict:
    """Poll the job's progress as its page does until it ends; return the last answer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        progress = client.get(f"/admin/jobs/{job_id}/progress").get_json()
        if progress["finished"]:
            return progress
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not end: {progress}")


def new_opinions() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Opinion).join(
        CongressSession).where(CongressSession.name == NEW_SESSION))


def job(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)
