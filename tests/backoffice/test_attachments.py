"""The case file's documents: stored by generated names, downloaded by their Chinese names."""

import io
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import Attachment
from tests.backoffice.scoping import led_by
from tests.conftest import csrf_token


def _upload(client, opinion_id: int, name: str, data: bytes, kind: str = "答复函"):
    token = csrf_token(client, "/admin/")
    return client.post(
        "/admin/opinion/attachments/",
        data={
            "csrf_token": token,
            "opinion_id": str(opinion_id),
            "kind": kind,
            "file": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_lead_unit_uploads_and_anyone_who_sees_the_opinion_downloads(as_user, app) -> None:
    with app.app_context():
        opinion_id = led_by("浦江镇").id
    client = as_user("pujiang")
    page = _upload(client, opinion_id, "答复函（第一稿）.pdf", b"%PDF-1.4 reply").get_data(
        as_text=True
    )
    assert "已上传附件：答复函（第一稿）.pdf" in page
    with app.app_context():
        query = sa.select(Attachment).where(Attachment.opinion_id == opinion_id)
        attachment = db.session.scalar(query)
        stored = Path(app.config["ATTACHMENT_FOLDER"]) / attachment.stored_name
        assert stored.read_bytes() == b"%PDF-1.4 reply"
        assert "答复函" not in attachment.stored_name  # the disk name is generated
    with client.get(f"/admin/opinion/attachment/?id={attachment.id}") as response:
        assert response.data == b"%PDF-1.4 reply"
        assert quote("答复函（第一稿）.pdf") in response.headers["Content-Disposition"]


def test_wrong_type_too_big_and_co_handler_uploads_are_refused(as_user, app) -> None:
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    with app.app_context():
        opinion_id = led_by("浦江镇").id
    client = as_user("pujiang")
    assert "不支持的文件类型“exe”" in _upload(client, opinion_id, "a.exe", b"MZ").get_data(
        as_text=True
    )
    assert "单个附件不能超过" in _upload(client, opinion_id, "a.pdf", b"x" * 2048).get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
        qibao_opinion = led_by("七宝镇").id
    # 浦江镇 may not add to another unit's case file.
    assert _upload(client, qibao_opinion, "a.pdf", b"%PDF").status_code == 404
