"""`backoffice backup OUT` and `backoffice restore IN`: the database and every stored file
in one archive, and back into an empty database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask.cli import with_appcontext

if TYPE_CHECKING:
    from backoffice.backup import Summary


def _describe(summary: Summary) -> str:
    from backoffice.formatting import local_time

    where = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[summary.dialect]
    made = local_time(summary.created_at, seconds=True)
    return (f"{where} 数据库（迁移版本 {summary.revision or '无'}）和 {summary.files} 个文件"
            f"（{summary.bytes / 1048576:.1f} MB），备份于 {made}")


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(out: Path) -> None:
    """Write the database, every stored file and their checksums to OUT (.tar.gz)."""
    from flask import current_app

    from backoffice.backup import BackupError, back_up
    from backoffice.extensions import db
    from backoffice.storage import StorageError, storage

    try:
        summary = back_up(db.engine, storage(), out, current_app.config["POSTGRES_BIN_DIR"])
    except (BackupError, StorageError) as error:
        raise click.ClickException(f"备份失败：{error}") from None
    click.echo(f"已备份到 {out}：{_describe(summary)}。")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                metavar="IN")
@with_appcontext
def restore(archive: Path) -> None:
    """Restore a backup into an empty database and the configured storage."""
    from flask import current_app

    from backoffice import backup
    from backoffice.extensions import db
    from backoffice.storage import StorageError, storage

    try:
        summary = backup.restore(db.engine, storage(), archive,
                                 current_app.config["POSTGRES_BIN_DIR"])
    except (backup.BackupError, StorageError) as error:
        raise click.ClickException(f"恢复失败：{error}") from None
    click.echo(f"已从 {archive} 恢复：{_describe(summary)}。")


COMMANDS = (backup, restore)
