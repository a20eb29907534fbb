"""A failed write (an upload the disk refuses, an import stopped before its commit) leaves
no file and no row; generated documents are kept at their commit; the secret key may come
from the environment."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from backoffice import create_app
from backoffice.demo import DATA
from backoffice.extensions import db
from backoffice.imports import apply_prepared, prepare_import
from backoffice.models import Attachment, ImportRun
from backoffice.storage import documents, storage
from tests.backoffice.imports.test_apply_and_undo import edited
from tests.backoffice.scoping import led_by
from tests.backoffice.test_storage import file_size_limit


def _flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


class Stopped(Exception):
    """The worker applying an import was stopped."""


def _stop(_rows: int) -> None:
    raise Stopped


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_failed_writes_leave_no_file_and_no_row(app, as_user, tmp_path: Path) -> None:
    """An upload the disk refuses, and an import stopped before its commit."""
    with app.app_context():
        opinion_id = led_by("浦江镇").id
        counts = _counts()
    client = as_user("pujiang")
    app.config["WTF_CSRF_ENABLED"] = False  # a form's token is tested elsewhere
    with file_size_limit(50_000):
        response = client.post("/admin/opinion/attachments/", data={
            "opinion_id": str(opinion_id), "kind": "答复函",
            "file": (io.BytesIO(b"%PDF-1.4 " + b"x" * 200_000), "答复函.pdf")})
    assert response.status_code == 302
    assert _flashes(client) == ["上传失败：存储空间已满，文件未能保存，请联系系统管理员。"]
    units = edited(DATA / "2017" / "承办单位名录.xlsx", tmp_path / "units.xlsx",
                   rows={"Sheet1": [[53, "区新设局", "委办局", "新设局"]]})
    with app.app_context():
        prepared = prepare_import(db.session, [units], "units")
        with pytest.raises(Stopped):
            apply_prepared(db.session, prepared, actor="cli", progress=_stop)
        assert _counts() == counts
        assert list(storage().list()) == []
    left = [path for setting in ("ATTACHMENT_FOLDER", "IMPORT_FOLDER")
            for path in Path(app.config[setting]).rglob("*") if path.is_file()]
    assert left == []  # not even a partial or temporary file


def _counts() -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.count(Attachment.id))),
            db.session.scalar(sa.select(sa.func.count(ImportRun.id))))


def test_a_generated_document_is_kept_when_its_record_commits(tmp_path: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "test",
                      "DOCUMENT_FOLDER": str(tmp_path)}, web=False)
    with app.app_context():
        kept = documents.keep(db.session, ".XLSX", io.BytesIO(b"report"))
        dropped = documents.keep(db.session, ".docx", io.BytesIO(b"notice"))
        assert kept.startswith("documents/") and kept.endswith(".xlsx")
        assert not storage().exists(kept)
        db.session.commit()
        db.session.rollback()  # nothing left staged: the commit published both
        assert storage().read(kept) == b"report" and storage().read(dropped) == b"notice"
        documents.keep(db.session, ".docx", io.BytesIO(b"notice"))
        db.session.rollback()
        assert sorted(storage().list()) == sorted([kept, dropped])
    assert len(list(tmp_path.iterdir())) == 2  # no temporary file left either


def test_the_secret_key_may_come_from_the_environment(monkeypatch) -> None:
    config = {"SQLALCHEMY_DATABASE_URI": "sqlite://"}
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert create_app(config, web=False).secret_key == "from-the-environment"
    monkeypatch.setenv("BACKOFFICE_SECRET_KEY", "from-the-prefixed-variable")
    assert create_app(config, web=False).secret_key == "from-the-prefixed-variable"
