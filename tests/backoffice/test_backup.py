"""`backoffice backup` and `restore`: backed up, wiped, restored, and every table's rows and
every stored file are what they were; a damaged archive or a database in use is refused."""

from __future__ import annotations

import io
import shutil
import tarfile
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from backoffice.demo import DATA
from backoffice.extensions import db
from backoffice.imports import run_import
from backoffice.storage import storage
from tests.backoffice.imports.test_apply_and_undo import edited
from tests.backoffice.scoping import led_by


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
    if sa.make_url(url).get_backend_name() == "sqlite":
        Path(sa.make_url(url).database).unlink()
    for setting in ("ATTACHMENT_FOLDER", "IMPORT_FOLDER", "DOCUMENT_FOLDER"):
        shutil.rmtree(app.config[setting], ignore_errors=True)


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
