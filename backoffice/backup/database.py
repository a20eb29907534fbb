"""The database in and out of a backup by its own tools: pg_dump and pg_restore for
PostgreSQL, the sqlite3 module's online backup for SQLite."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa

from backoffice.backup.errors import BackupError

# The file the database is kept in inside a backup, per dialect.
FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


def dialect(url: sa.URL) -> str:
    name = url.get_backend_name()
    if name not in FILES:
        raise BackupError(f"不支持备份此类数据库：{name}（只支持 PostgreSQL 和 SQLite）。")
    return name


def tables(engine: sa.Engine) -> list[str]:
    """Return the names of the tables the database holds."""
    return sa.inspect(engine).get_table_names()


def revision(engine: sa.Engine) -> str | None:
    """Return the migration the database is at, if it has one."""
    if "alembic_version" not in tables(engine):
        return None
    with engine.connect() as connection:
        return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))


def dump(url: sa.URL, target: Path, bin_dir: str | None) -> None:
    """Write the whole database to target, consistent as of one moment."""
    if dialect(url) == "sqlite":
        with closing(_sqlite(url)) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
        return
    _run("pg_dump", bin_dir, url, "--format=custom", "--no-owner", "--no-privileges",
         f"--file={target}")


def load(url: sa.URL, source: Path, bin_dir: str | None) -> None:
    """Load a dump into the (empty) database, all of it or nothing."""
    if dialect(url) == "sqlite":
        with closing(sqlite3.connect(source)) as copy, closing(_sqlite(url)) as target:
            copy.backup(target)
        return
    _run("pg_restore", bin_dir, url, "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", str(source))


def _sqlite(url: sa.URL) -> sqlite3.Connection:
    if not url.database or url.database == ":memory:":
        raise BackupError("内存中的 SQLite 数据库无法备份或恢复。")
    return sqlite3.connect(url.database)


def _tool(name: str, bin_dir: str | None) -> str:
    """Return the path of a PostgreSQL client program: in POSTGRES_BIN_DIR, or on PATH."""
    found = shutil.which(name, path=bin_dir) if bin_dir else shutil.which(name)
    if found is None:
        where = f"目录 {bin_dir}" if bin_dir else "PATH"
        raise BackupError(f"在{where}中找不到 {name}：请安装 PostgreSQL 客户端，"
                          f"或用配置项 POSTGRES_BIN_DIR 指明其所在目录。")
    return found


def _run(name: str, bin_dir: str | None, url: sa.URL, *arguments: str) -> None:
    # The password goes by the environment, not on the command line others can list.
    environment = {**os.environ}
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    address = url.set(drivername="postgresql", password=None).render_as_string()
    done = subprocess.run([_tool(name, bin_dir), f"--dbname={address}", *arguments],
                          capture_output=True, text=True, env=environment, check=False)
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()[-1:] or [f"退出码 {done.returncode}"]
        raise BackupError(f"{name} 未能完成：{said[0]}")
