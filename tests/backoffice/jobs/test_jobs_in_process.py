"""With SQLite, jobs run on a thread of the web process: the same job functions, the same
pages (progress, history, cancel, retry, download) as with the PostgreSQL queue."""

import csv
import io
import re
import threading

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import ImportRun, Opinion, OutboxMessage
from tests.backoffice.jobs.steps import apply_as_job, job, new_opinions, previewed, wait_for
from tests.conftest import csrf_token, sign_in

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_an_import_runs_as_a_job_with_progress_and_only_its_owner_sees_it(app, as_user,
                                                                          tmp_path) -> None:
    app.config.update(JOBS_ROWS=1, JOBS_UPLOAD_BYTES=1)  # reading the upload too
    client = as_user("operator")
    job_id = apply_as_job(client, previewed(client, tmp_path, 1, 100))

    page = client.get(f"/admin/jobs/{job_id}/").get_data(as_text=True)
    assert re.search(r'<script nonce="[^"]+" src="/static/jobs.js', page)
    progress = wait_for(client, job_id)
    assert (progress["state"], progress["done"], progress["total"]) == ("已完成", 100, 100)
    assert "新增 100 行" in progress["message"]
    with app.app_context():
        assert new_opinions() == 100
        done = job(job_id)
        run_url = done.result_url
        assert done.started_at <= done.finished_at
    assert re.fullmatch(r"/admin/imports/history/\d+/", run_url)
    page = client.get(f"/admin/jobs/{job_id}/").get_data(as_text=True)
    assert f'href="{run_url}"' in page and "已完成" in page
    assert f"/admin/jobs/{job_id}/" in client.get("/admin/jobs/").get_data(as_text=True)

    for name in ("auditor", "pujiang"):
        other = app.test_client()
        sign_in(other, name)
        assert other.get(f"/admin/jobs/{job_id}/").status_code == 404
        assert other.get(f"/admin/jobs/{job_id}/progress").status_code == 404
        token = csrf_token(other, "/admin/jobs/")
        assert other.post(f"/admin/jobs/{job_id}/cancel",
                          data={"csrf_token": token}).status_code == 404
        assert f"/admin/jobs/{job_id}/" not in other.get("/admin/jobs/").get_data(as_text=True)


def test_failed_and_cancelled_import_jobs_change_nothing_and_say_why_in_chinese(
        app, as_user, tmp_path) -> None:
    client = as_user("operator")
    stale = previewed(client, tmp_path, 1, 40)
    # Another import creates the session after this preview: its plan no longer holds.
    app.config["JOBS_ROWS"] = 10_000
    first = previewed(client, tmp_path, 1, 40)
    client.post(f"/admin/imports/preview/{first}/apply",
                data={"csrf_token": csrf_token(client, "/admin/imports/")})
    app.config["JOBS_ROWS"] = 1
    with app.app_context():
        runs = db.session.scalar(sa.select(sa.func.count()).select_from(ImportRun))
    job_id = apply_as_job(client, stale)

    progress = wait_for(client, job_id)
    assert progress["state"] == "失败"
    assert "已在预览之后创建，请重新预览" in progress["message"]
    with app.app_context():
        assert new_opinions() == 40
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportRun)) == runs
        assert job(job_id).finished_at is not None
    page = client.get(f"/admin/jobs/{job_id}/").get_data(as_text=True)
    assert "重试" in page and "请重新预览" in page

    retried = client.post(f"/admin/jobs/{job_id}/retry",
                          data={"csrf_token": csrf_token(client, f"/admin/jobs/{job_id}/")})
    again = int(re.search(r"/admin/jobs/(\d+)/$", retried.location).group(1))
    assert again != job_id
    assert wait_for(client, again)["state"] == "失败"
    with app.app_context():
        assert job(again).retry_of_id == job_id

    # A running import is cancelled at its next progress report: nothing of it stays.
    reached, go_on = threading.Event(), threading.Event()
    app.config["JOBS_PROGRESS_HOOK"] = lambda *_progress: reached.set() or go_on.wait(10)
    running = apply_as_job(client, previewed(client, tmp_path, 41, 30))
    assert reached.wait(10)
    client.post(f"/admin/jobs/{running}/cancel",
                data={"csrf_token": csrf_token(client, "/admin/jobs/")})
    go_on.set()
    progress = wait_for(client, running)
    assert progress["state"] == "已取消" and "未作任何更改" in progress["message"]
    with app.app_context():
        assert new_opinions() == 40


def started_job(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/admin/jobs/(\d+)/$", response.location).group(1))


def test_big_exports_documents_and_reminders_are_jobs_whose_files_only_owners_download(
        app, as_user) -> None:
    app.config["JOBS_ROWS"] = 1
    client = as_user("operator")
    job_id = started_job(client.get("/admin/opinion/export/csv/"))
    progress = wait_for(client, job_id)
    with app.app_context():
        opinions = db.session.scalar(sa.select(sa.func.count()).select_from(Opinion))
    assert progress["state"] == "已完成" and f"已导出 {opinions} 行" in progress["message"]
    download = client.get(f"/admin/jobs/{job_id}/download")
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    download.close()
    assert len(rows) == opinions + 1 and "编号" in rows[0]
    leader = app.test_client()
    sign_in(leader, "leader")
    assert leader.get(f"/admin/jobs/{job_id}/download").status_code == 404

    report = started_job(client.get("/admin/annual_report/download/docx"))
    assert wait_for(client, report)["state"] == "已完成"
    document = client.get(f"/admin/jobs/{report}/download")
    assert document.data[:2] == b"PK" and ".docx" in document.headers["Content-Disposition"]
    document.close()

    assert app.test_cli_runner().invoke(args=["remind", "--date", "2017-05-25"]).exit_code == 0
    with app.app_context():
        written = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    reminders = started_job(client.post(
        "/admin/outbox/send", data={"csrf_token": csrf_token(client, "/admin/outbox/")}))
    progress = wait_for(client, reminders)
    assert progress["state"] == "已完成"
    assert f"待发送 {written} 条" in progress["message"] and written > 0
