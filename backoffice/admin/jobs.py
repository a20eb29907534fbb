"""后台任务: a user's own jobs, each with its progress, cancel, retry and result.

The page shows and asks; `backoffice.jobs` queues, runs and records. Everyone sees
their own jobs only (access.own_jobs): another's job is 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, flash, jsonify, redirect, send_file, url_for
from flask_admin import expose
from flask_login import current_user
from werkzeug.wrappers import Response

from backoffice import access, jobs
from backoffice.access import Action
from backoffice.admin.pages import SecuredPage
from backoffice.exports.downloads import attachment
from backoffice.extensions import db
from backoffice.inputs import MAX_INT, int_arg
from backoffice.jobs.engine import engine
from backoffice.jobs.kinds import KINDS
from backoffice.jobs.results import open_result
from backoffice.models import Job, JobState
from backoffice.models.security import SecurityEventKind
from backoffice.security import log

PAGE_SIZE = 50
WAITING = {JobState.QUEUED.value: "正在排队，等待后台进程执行…",
           JobState.RUNNING.value: "正在执行，完成后在此显示结果。"}
RETRIABLE = frozenset({JobState.FAILED.value, JobState.CANCELLED.value})


def start_job(kind: str, title: str, params: dict[str, Any]) -> Response:
    """Queue a job for the signed-in user and open its page (what every screen does with
    work too big for a request)."""
    return redirect(url_for("jobs.job", job_id=jobs.enqueue(kind, title, current_user, params)))


def _duration(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}分{seconds}秒" if minutes else f"{seconds}秒"


def progress(job: Job) -> dict[str, Any]:
    """Return what the page and its polling show of a job: state, rows, time left."""
    queue = engine(current_app)
    done, total, seconds_left = queue.live(job)
    shown: dict[str, Any] = {
        "state": job.state, "finished": job.finished, "done": done, "total": total,
        "percent": min(100, done * 100 // total) if total else (100 if job.finished else 0),
        "message": job.message, "eta": "",
    }
    if job.state == JobState.RUNNING.value and seconds_left is not None:
        shown["eta"] = "约" + _duration(seconds_left)
    if job.state == JobState.RUNNING.value and queue.stopping(job):
        shown["message"] = "已请求取消，正在停止…"
    elif not job.finished:
        shown["message"] = WAITING.get(job.state, "")
    return shown


class JobView(SecuredPage):
    access_group = "jobs"
    page_actions = {"cancel": Action.EDIT, "retry": Action.CREATE, "download": Action.EXPORT}

    @expose("/")
    def index(self) -> str:
        jobs.sweep()
        page = int_arg("page", 1, minimum=1, maximum=MAX_INT // PAGE_SIZE)
        found = db.session.scalars(
            sa.select(Job).where(access.own_jobs(current_user)).order_by(Job.id.desc())
            .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
        return self.render("admin/jobs/index.html", jobs=found[:PAGE_SIZE], page=page,
                           more=len(found) > PAGE_SIZE, kinds=KINDS, progress=progress)

    @expose("/<int:job_id>/")
    def job(self, job_id: int) -> str:
        jobs.sweep()
        job = self._own(job_id)
        return self.render("admin/jobs/job.html", job=job, shown=progress(job),
                           retriable=job.state in RETRIABLE)

    @expose("/<int:job_id>/progress")
    def status(self, job_id: int) -> Response:
        jobs.sweep()
        return jsonify(progress(self._own(job_id)))

    @expose("/<int:job_id>/cancel", methods=("POST",))
    def cancel(self, job_id: int) -> Response:
        job = self._own(job_id)
        if job.finished:
            flash("任务已结束，无需取消。", "info")
        else:
            jobs.cancel(job)
            flash("已取消。" if job.state == JobState.CANCELLED.value
                  else "已请求取消：任务将在下一次报告进度时停止，已做的更改全部撤回。", "info")
        return redirect(self.get_url(".job", job_id=job_id))

    @expose("/<int:job_id>/retry", methods=("POST",))
    def retry(self, job_id: int) -> Response:
        job = self._own(job_id)
        if job.state not in RETRIABLE:
            flash("只有失败或已取消的任务可以重试。", "error")
            return redirect(self.get_url(".job", job_id=job_id))
        return redirect(self.get_url(".job", job_id=jobs.retry(job, current_user)))

    @expose("/<int:job_id>/download")
    def download(self, job_id: int) -> Response:
        job = self._own(job_id)
        stream = open_result(job.result_file) if job.result_file else None
        if stream is None or job.state != JobState.DONE.value:
            abort(404)
        log.record_now(SecurityEventKind.EXPORT, object=job.result_name,
                       detail=f"后台任务 #{job.id}")
        response = send_file(stream, as_attachment=True, download_name=job.result_name)
        response.headers["Content-Disposition"] = attachment(job.result_name)
        return response

    def _own(self, job_id: int) -> Job:
        job = db.session.scalar(sa.select(Job).where(Job.id == job_id,
                                                     access.own_jobs(current_user)))
        if job is None:
            if db.session.get(Job, job_id) is not None:  # another's: refused, and logged
                self.refuse(404, f"后台任务 #{job_id}")
            abort(404)
        return job
