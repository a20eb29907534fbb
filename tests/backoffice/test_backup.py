"""`backoffice backup` and `restore`: backed up, wiped, restored, and every table's rows and
every stored file are what they were; a damaged archive or a database in use is refused."""

from __future__ import annotations

import io
import tarfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from backoffice.backup import BackupError, database
from backoffice.demo import DATA
from backoffice.extensions import db
from backoffice.imports import run_import
from backoffice.imports.annotations import annotate_recorded
from backoffice.models import Attachment, ImportFile
from backoffice.storage import storage
from tests.backoffice.imports.test_apply_and_undo import edited
from tests.backoffice.scoping import led_by
from tests.object_store import ObjectStore


def _contents(app: Flask) -> tuple[dict[str, list], dict[str, bytes]]:
    """Return every table's rows (in a stable order) and every stored file's bytes."""
    with app.app_context():
        with db.engine.connect() as connection:
            rows = {name: sorted((tuple(row) for row in connection.execute(
                        sa.text(f'SELECT * FROM "{name}"'))), key=repr)
                    for name in sa.inspect(connection).get_table_names()}
        store = storage()
        return rows, {key: store.read(key) for key in store.list()}


def _wipe(app: Flask, url: str) -> None:
    """Drop everything the database holds, and empty the storage."""
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            # As a new database would be (a dropped one costs PostgreSQL a checkpoint).
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.engine.dispose()
        store = storage()
        for key in list(store.list()):
            store.delete(key)
    if sa.make_url(url).get_backend_name() == "sqlite":
        Path(sa.make_url(url).database).unlink()


def _damaged(archive: Path, target: Path) -> Path:
    """Copy the archive with one stored file's bytes changed (its manifest entry not)."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("files/attachments/"):
                data = data.replace(b"reply", b"REPLY")
            copy.addfile(member, io.BytesIO(data))
    return target


def test_backup_wipe_restore_gives_identical_data_and_files(app, as_user, database_url,
                                                            tmp_path: Path) -> None:
    _round_trip(app, as_user, database_url, tmp_path)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_files_in_an_object_store_are_backed_up_and_restored_there(
        app, as_user, database_url, tmp_path: Path, object_store: ObjectStore) -> None:
    app.config.update(object_store.config(f"backup-{uuid.uuid4().hex[:12]}"))
    client = _round_trip(app, as_user, database_url, tmp_path)
    assert not any(Path(app.config["ATTACHMENT_FOLDER"]).glob("*"))  # all in the store
    with app.app_context():
        original = db.session.scalar(sa.select(ImportFile).order_by(ImportFile.id.desc()))
        annotated = annotate_recorded(original.run, original)  # reads the original back
        assert annotated is not None and annotated[0].stat().st_size > 0
        attachment_id = db.session.scalar(sa.select(sa.func.max(Attachment.id)))
    with client.get(f"/admin/opinion/attachment/?id={attachment_id}") as response:
        assert response.data == b"%PDF-1.4 reply"


def _round_trip(app: Flask, as_user, database_url: str, tmp_path: Path) -> FlaskClient:
    """Store an attachment and an import's original, back up, wipe, restore, compare;
    return the client, signed in as 浦江镇's user."""
    with app.app_context():
        opinion_id = led_by("浦江镇").id
    client = as_user("pujiang")
    app.config["WTF_CSRF_ENABLED"] = False  # tested elsewhere; its page costs a second here
    uploaded = client.post("/admin/opinion/attachments/", data={
        "opinion_id": str(opinion_id), "kind": "答复函",
        "file": (io.BytesIO(b"%PDF-1.4 reply"), "答复函.pdf")})
    assert uploaded.status_code == 302
    units = edited(DATA / "2017" / "承办单位名录.xlsx", tmp_path / "units.xlsx",
                   rows={"Sheet1": [[53, "区新设局", "委办局", "新设局"]]})
    with app.app_context():
        assert run_import(db.session, [units], "units", dry_run=False).status == "applied"
    before = _contents(app)
    areas = {key.split("/")[0] for key in before[1]}
    assert areas == {"attachments", "imports"} and before[0]["opinions"]

    runner = app.test_cli_runner()
    archive = tmp_path / "backup.tar.gz"
    made = runner.invoke(args=["backup", str(archive)])
    assert made.exit_code == 0, made.output
    assert "个文件" in made.output and "备份于" in made.output
    _wipe(app, database_url)
    assert _contents(app) == ({}, {})

    damaged = runner.invoke(args=["restore", str(_damaged(archive, tmp_path / "bad.tar.gz"))])
    assert damaged.exit_code == 1
    assert "备份已损坏：files/attachments/" in damaged.output
    assert "校验和与清单不符" in damaged.output
    assert _contents(app) == ({}, {})  # refused before anything changed

    restored = runner.invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    assert _contents(app) == before

    again = runner.invoke(args=["restore", str(archive)])
    assert again.exit_code == 1
    assert "数据库不是空的" in again.output and "只能恢复到空数据库" in again.output
    refused = runner.invoke(args=["backup", str(archive)])
    assert refused.exit_code == 1 and "已存在，备份不会覆盖它" in refused.output
    return client


def test_a_missing_postgresql_tool_is_named_with_where_to_set_it(tmp_path: Path) -> None:
    url = sa.make_url("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(BackupError, match=f"在目录 {tmp_path}中找不到 pg_dump.*POSTGRES_BIN_DIR"):
        database.dump(url, tmp_path / "dump", str(tmp_path))
