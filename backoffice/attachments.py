"""Uploading and downloading the documents of an opinion's case file."""

import io
import mimetypes
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, request, send_file
from flask_login import current_user
from werkzeug.wrappers import Response

from backoffice import access
from backoffice.extensions import db
from backoffice.inputs import file_name, row_id
from backoffice.models import Attachment
from backoffice.models.security import SecurityEventKind
from backoffice.security import log
from backoffice.signatures import content_problem
from backoffice.storage import StorageError, StoredFileMissing, staging, storage
from importers.vocabulary import AttachmentKind


def key(stored_name: str) -> str:
    """Return the storage key of an attachment stored under stored_name."""
    return f"attachments/{stored_name}"


def _problem(name: str, data: bytes) -> str | None:
    size = len(data)
    extension = Path(name).suffix.lower().lstrip(".")
    allowed = current_app.config["ATTACHMENT_EXTENSIONS"]
    if not name or extension not in allowed:
        kinds = "、".join(sorted(allowed))
        return f"不支持的文件类型“{extension or '无扩展名'}”，可上传：{kinds}。"
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    if size > limit:
        return f"文件过大（{size / 1048576:.1f} MB），单个附件不能超过 {limit // 1048576} MB。"
    if size == 0:
        return "文件为空。"
    return content_problem(name, data)


def upload(view: Any) -> Response:
    """Store an uploaded document by a generated name and add it to the case file."""
    opinion = view.get_one(request.form.get("opinion_id", ""))
    back = redirect(view.get_url(".details_view", id=opinion.id))
    upload_ = request.files.get("file")
    if upload_ is None:
        flash("请选择要上传的文件。", "error")
        return back
    data = upload_.read()
    # The browser's file name is kept for display and download, never used on disk.
    original_name = file_name(upload_.filename or "")
    problem = _problem(original_name, data)
    kind = request.form.get("kind", AttachmentKind.OTHER.value)
    if kind not in set(AttachmentKind):
        problem = "请选择附件类别。"
    if problem:
        flash(f"上传失败：{problem}", "error")
        return back
    stored_name = f"{uuid.uuid4().hex}{Path(original_name).suffix.lower()}"
    try:
        staging.stage(db.session, key(stored_name), io.BytesIO(data))
    except StorageError as error:
        flash(f"上传失败：{error}", "error")
        return back
    db.session.add(
        Attachment(
            opinion=opinion,
            kind=kind,
            original_name=original_name,
            stored_name=stored_name,
            content_type=mimetypes.guess_type(original_name)[0] or "application/octet-stream",
            size=len(data),
            uploaded_by=current_user.username,
        )
    )
    db.session.commit()
    flash(f"已上传附件：{original_name}", "success")
    return back


def download(view: Any) -> Response:
    """Send a document under its original (Chinese) file name."""
    attachment_id = row_id(request.args.get("id", ""))
    query = sa.select(Attachment).where(
        Attachment.id == attachment_id, access.visible(Attachment, current_user)
    )
    attachment = db.session.scalar(query)
    if attachment is None:
        hidden = db.session.get(Attachment, attachment_id) if attachment_id else None
        if hidden is not None:
            log.refuse(db.session, 404, f"附件 {hidden.original_name}")
        abort(404)
    log.record(db.session, SecurityEventKind.DOWNLOAD, object=f"附件 {attachment.original_name}",
               detail=f"书面意见 {attachment.opinion}")
    db.session.commit()
    try:
        stream = storage().open(key(attachment.stored_name))
    except StoredFileMissing:
        abort(404)
    except StorageError:
        abort(503)  # the object store is down: try again later
    return send_file(
        stream,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.original_name,
    )
