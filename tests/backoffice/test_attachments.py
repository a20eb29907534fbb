"""The case file's documents: stored by generated names, downloaded by their Chinese names."""

import io
import zipfile
from pathlib import Path
from urllib.parse import quote

import docx
import openpyxl
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import Attachment
from backoffice.signatures import OLE2
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


def _zip(**parts: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _docx() -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)
MATCHING = [
    ("答复函.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
    ("答复函.doc", OLE2 + bytes(504)),
    ("统计.xls", OLE2 + bytes(504)),
    ("答复函.docx", _docx()),
    ("统计.xlsx", _xlsx()),
    ("附件.zip", _zip(**{"说明.txt": b"x"})),
    ("答复函.ofd", _zip(**{"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<x/>"})),
    ("现场.jpg", b"\xff\xd8\xff\xe0" + bytes(16)),
    ("现场.jpeg", b"\xff\xd8\xff\xe1" + bytes(16)),
    ("现场.png", PNG),
    ("说明.txt", "办理情况说明".encode()),
    ("说明（GBK）.txt", "办理情况说明".encode("gb18030")),
]
MISMATCHED = [
    ("答复函.pdf", PNG, "“答复函.pdf”不是PDF 文件，看起来是PNG 图片"),
    ("统计.xlsx", _zip(**{"a.txt": b"x"}),
     "“统计.xlsx”不是Excel 工作簿（.xlsx），看起来是ZIP 压缩包"),
    ("统计.xlsx", b"MZ\x90\x00" + bytes(60),
     "“统计.xlsx”不是Excel 工作簿（.xlsx），看起来是Windows 程序"),
    ("答复函.docx", _xlsx(), "“答复函.docx”不是Word 文档（.docx），看起来是Excel 工作簿（.xlsx）"),
    ("答复函.doc", b"%PDF-1.4",
     "“答复函.doc”不是Word 97-2003 文档或 Excel 97-2003 工作簿，看起来是PDF 文件"),
    ("答复函.ofd", _zip(**{"Doc_0/Document.xml": b"<x/>"}), "“答复函.ofd”不是OFD 版式文件"),
    ("附件.zip", b"PK\x03\x04broken", "“附件.zip”不是ZIP 压缩包"),
    ("现场.jpg", PNG, "“现场.jpg”不是JPEG 图片，看起来是PNG 图片"),
    ("现场.png", b"GIF89a", "“现场.png”不是PNG 图片"),
    ("说明.txt", "说明".encode("utf-16"), "“说明.txt”不是文本文件（UTF-8 或 GBK 编码）"),
    ("说明.txt", b"abc\x00def", "“说明.txt”不是文本文件（UTF-8 或 GBK 编码）"),
]


def test_content_that_matches_its_extension_is_stored(as_user, app) -> None:
    with app.app_context():
        opinion_id = led_by("浦江镇").id
    client = as_user("pujiang")
    for name, data in MATCHING:
        page = _upload(client, opinion_id, name, data).get_data(as_text=True)
        assert f"已上传附件：{name}" in page
    with app.app_context():
        stored = db.session.scalars(sa.select(Attachment.original_name)).all()
        assert sorted(stored) == sorted(name for name, _ in MATCHING)


def test_content_that_does_not_match_its_extension_is_refused(as_user, app) -> None:
    with app.app_context():
        opinion_id = led_by("浦江镇").id
    client = as_user("pujiang")
    for name, data, message in MISMATCHED:
        page = _upload(client, opinion_id, name, data).get_data(as_text=True)
        assert f"上传失败：文件内容与扩展名不符：{message}" in page, name
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    folder = Path(app.config["ATTACHMENT_FOLDER"])
    assert not folder.exists() or not any(folder.iterdir())
