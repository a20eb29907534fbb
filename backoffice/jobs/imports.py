"""An import's two long steps, in the request when small and as a job when big: reading
and checking an upload (the preview), and applying the previewed plan, in one
transaction either way, so that a failure or a killed worker leaves nothing written."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from backoffice.extensions import db
from backoffice.imports import StalePlan, apply_prepared, pending, prepare_import
from backoffice.imports.pending import PendingMissing
from backoffice.imports.service import ImportResult, PreparedImport, Progress
from backoffice.jobs.running import JobContext, JobFailed, Outcome
from backoffice.jobs.urls import page_path
from backoffice.models import ImportRun
from backoffice.storage import StorageError
from importers import UsageError

REFUSED = "有错误，未导入任何数据。请修正后重新上传，或勾选“跳过有错误的行”。"
CONFLICT = "导入失败：与同时写入的数据冲突，未导入任何数据。请重新预览后再导入。"
UNCHANGED = "没有需要导入的变更：数据库中已是这些数据。"
GONE = "这次上传的预览已不存在（已导入、已过期或已清理），未导入任何数据。请重新上传。"


class ImportRefused(Exception):
    """The import was not applied; the message (Chinese) says why."""


def big_upload(paths: list[Path]) -> bool:
    """Return whether an upload is read and checked as a job (by its files' bytes: rows
    are known only once it is read)."""
    size = sum(path.stat().st_size for path in paths)
    return size >= current_app.config["JOBS_UPLOAD_BYTES"]


def prepare(context: JobContext) -> Outcome:
    """The job: read and check the upload named by params["token"] with the preview's
    options, and keep the plan for the preview page."""
    token = context.params["token"]
    try:
        paths, names = pending.uploaded(token, context.user.id)
    except PendingMissing as error:
        raise JobFailed(GONE) from error
    context.start(None)
    try:
        prepared = prepare_import(db.session, paths, names=names, **context.params["options"])
        pending.save_plan(token, prepared)
    except UsageError as error:
        raise JobFailed(f"无法导入：{error}") from error
    finally:
        db.session.rollback()  # planning reads only; end its transaction
    context.done = sum(prepared.rows.values())
    return Outcome(f"已读取 {context.done} 行并核对完毕，请查看预览，确认后导入。",
                   url=page_path("imports.preview", token=token))


def writing_rows(prepared: PreparedImport) -> int:
    return sum(1 for _row in prepared.plan.writing_rows())


def set_options(prepared: PreparedImport, options: dict[str, Any]) -> None:
    """Set what the preview's form chose (plain data: a job carries it as JSON)."""
    known = {field.name for field in dataclasses.fields(prepared)}
    for name, value in options.items():
        if name in known:
            setattr(prepared, name, value)


def apply_upload(prepared: PreparedImport, token: str, actor: str,
                 progress: Progress | None = None,
                 overwrite: Collection[Sequence[Any]] = ()) -> ImportResult:
    """Apply the previewed plan of an upload; raise ImportRefused when it is not applied.

    Rows with a conflict (changed in the database since their export) are applied only
    when named in overwrite.
    """
    try:
        result = apply_prepared(db.session, prepared, actor=actor, source="web",
                                check_stale=True, progress=progress, overwrite=overwrite)
    except StalePlan as error:
        raise ImportRefused(f"{error}。") from error
    except sa.exc.IntegrityError as error:
        raise ImportRefused(CONFLICT) from error
    except StorageError as error:
        raise ImportRefused(f"导入失败，未导入任何数据：{error}") from error
    if result.status == "refused":
        raise ImportRefused(REFUSED)
    pending.discard(token)
    return result


def applied_message(result: ImportResult) -> str:
    counts = result.counts
    held = (f"有冲突的 {counts['conflicted']} 行未导入，数据库中的值保持不变。"
            if counts["conflicted"] else "")
    if result.status == "unchanged":
        return held or UNCHANGED
    return (f"已导入：新增 {counts['created']} 行，修改 {counts['updated']} 行，"
            f"无变化 {counts['unchanged']} 行，跳过 {counts['skipped']} 行。{held}")


def apply(context: JobContext) -> Outcome:
    """The job: apply the upload named by params["token"] with params["options"]."""
    token = context.params["token"]
    try:
        prepared = pending.load_plan(token, context.user.id)
    except PendingMissing as error:
        raise JobFailed(GONE) from error
    set_options(prepared, context.params.get("options", {}))
    prepared.job_id = context.job_id
    context.start(writing_rows(prepared))
    try:
        result = apply_upload(prepared, token, context.user.username, context.advance,
                              overwrite=context.params.get("overwrite", ()))
    except ImportRefused as refusal:
        raise JobFailed(str(refusal)) from refusal
    url = page_path("imports.run", run_id=result.run_id) if result.run_id else None
    return Outcome(applied_message(result), url=url)


def committed(job_id: int) -> Outcome | None:
    """Return the outcome of an apply job whose import went in before the job failed or
    was interrupted (so it could not say so), or None if nothing of it went in."""
    run = db.session.scalar(sa.select(ImportRun).where(
        ImportRun.options["job"].as_integer() == job_id))
    if run is None:
        return None
    return Outcome(f"导入已完成（导入记录 #{run.id}：新增 {run.created} 行，"
                   f"修改 {run.updated} 行），任务随后出错或中断，未能及时显示结果。"
                   "请打开导入记录核对，无需重试。",
                   url=page_path("imports.run", run_id=run.id))
