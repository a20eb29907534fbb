"""The least a whole-process import of a 10,000-row assignment list can take on this
machine and this stack, before any of the back-office's own work on a row.

Three parts no import can do without, each timed alone:

- start-up: a fresh process that imports Flask, Flask-SQLAlchemy and SQLAlchemy's ORM
  (the fixed stack), then one that builds the data commands' app (`create_app(web=False)`:
  the models, the extensions): what every `backoffice` data command pays before it runs;
- parsing: calamine reading every sheet of the list into Python values, nothing else;
- the database's own work: the rows the real import wrote (opinions, co-handlers,
  co-signers, their audit entries, undo images, the dashboard's counts, the run), taken
  from a database it was imported into, written again into a fresh copy of the database
  as it was before, by the driver alone in one transaction (SQLite: one executemany per
  table; PostgreSQL: each table's rows as a binary COPY, so that no Python touches a
  value), until committed.

The sum is a floor: the import's reading of cells into typed values, planning, checks,
row images, audit entries and counts all come on top of it.

    .venv/bin/python bench/bench_import_floor.py [--size 10000] [--runs 5]

PostgreSQL too when BENCH_DATABASE_URL names a server (a database of its own is created
and dropped).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_import import (  # noqa: E402
    _import,
    _prepare_in_child,
    load,
    postgres,
    start_up,
)

FRAMEWORKS = "import flask, flask_sqlalchemy, sqlalchemy.orm"
APP = "from backoffice import create_app; create_app(web=False)"


def parsing(listing: Path, times: int) -> list[float]:
    """Seconds calamine takes to read every sheet of the file into Python values."""
    import python_calamine

    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        workbook = python_calamine.CalamineWorkbook.from_path(str(listing))
        for name in workbook.sheet_names:
            workbook.get_sheet_by_name(name).to_python()
        seconds.append(time.perf_counter() - started)
    return seconds


def _tables() -> list[sa.Table]:
    from backoffice.models import Base

    return Base.metadata.sorted_tables


def _snapshot(url: str) -> None:
    """Keep each table's primary keys as they are, in tables of their own (floor_*)."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.begin() as connection:
        for table in _tables():
            keys = ", ".join(f'"{column.name}"' for column in table.primary_key.columns)
            connection.execute(sa.text(
                f'CREATE TABLE "floor_{table.name}" AS SELECT {keys} FROM "{table.name}"'))
    engine.dispose()


def _new_rows(url: str) -> dict[str, str]:
    """Each table's query of the rows added since the snapshot, in the order their
    foreign keys need."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    added = {}
    with engine.connect() as connection:
        for table in _tables():
            same = " AND ".join(f'b."{column.name}" = t."{column.name}"'
                                for column in table.primary_key.columns)
            query = (f'SELECT t.* FROM "{table.name}" t WHERE NOT EXISTS '
                     f'(SELECT 1 FROM "floor_{table.name}" b WHERE {same})')
            if connection.execute(sa.text(f"SELECT EXISTS ({query})")).scalar():
                added[table.name] = query
    engine.dispose()
    return added


def sqlite_work(template: Path, size: int, folder: Path,
                times: int) -> tuple[list[float], dict[str, tuple[int, float]]]:
    """Seconds SQLite takes to write the import's rows into a fresh copy of the database,
    and each table's rows and best seconds."""
    imported = folder / "imported.sqlite3"
    shutil.copyfile(template, imported)
    _snapshot(f"sqlite:///{imported}")
    _import(f"sqlite:///{imported}", folder / f"list-{size}.xlsx", size, folder)
    rows: list[tuple[str, list[str], list[tuple]]] = []
    with sqlite3.connect(imported) as connection:  # the stored values, unconverted
        for name, query in _new_rows(f"sqlite:///{imported}").items():
            cursor = connection.execute(query)
            rows.append((name, [c[0] for c in cursor.description], cursor.fetchall()))
    seconds = []
    tables: dict[str, tuple[int, float]] = {}
    for _ in range(times):
        target = folder / "floor.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, target)
        connection = sqlite3.connect(target, isolation_level=None)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA journal_mode = WAL")
        started = time.perf_counter()
        connection.execute("BEGIN")
        for name, columns, values in rows:
            marks = ", ".join("?" * len(columns))
            begun = time.perf_counter()
            connection.executemany(
                f'INSERT INTO "{name}" ({", ".join(columns)}) VALUES ({marks})', values)
            took = time.perf_counter() - begun
            tables[name] = (len(values), min(took, tables.get(name, (0, took))[1]))
        connection.execute("COMMIT")
        seconds.append(time.perf_counter() - started)
        connection.close()
    return seconds, tables


def postgres_work(server: str, size: int, folder: Path, times: int) -> list[float]:
    """Seconds PostgreSQL takes to take the import's rows, by binary COPY, into a fresh
    database prepared as the import's was."""
    import psycopg

    with postgres(server) as url:
        _prepare_in_child(url, size, folder)
        _snapshot(url)
        _import(url, folder / f"list-{size}.xlsx", size, folder)
        engine = sa.create_engine(url, poolclass=sa.NullPool)
        copies: list[tuple[str, bytes]] = []
        with engine.connect() as connection:
            cursor = connection.connection.cursor()
            for name, query in _new_rows(url).items():
                data = bytearray()
                with cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT binary)") as copy:
                    for block in copy:
                        data += block
                copies.append((name, bytes(data)))
        engine.dispose()
    seconds = []
    for _ in range(times):
        with postgres(server) as url:
            _prepare_in_child(url, size, folder)
            dsn = sa.make_url(url).set(drivername="postgresql").render_as_string(
                hide_password=False)
            with psycopg.connect(dsn) as connection:
                started = time.perf_counter()
                with connection.transaction(), connection.cursor() as cursor:
                    for name, data in copies:
                        with cursor.copy(f'COPY "{name}" FROM STDIN (FORMAT binary)') as copy:
                            copy.write(data)
                seconds.append(time.perf_counter() - started)
    return seconds


def _line(label: str, values: list[float]) -> str:
    return (f"{label:<52}best {min(values):6.3f} s   median {statistics.median(values):6.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    size, runs = args.size, args.runs
    print(f"load average {load()}")
    frameworks = start_up([sys.executable, "-c", FRAMEWORKS], runs)
    app = start_up([sys.executable, "-c", APP], runs)
    print(_line("start-up: Flask, Flask-SQLAlchemy, SQLAlchemy ORM",
                [run.seconds for run in frameworks]))
    print(_line("start-up: the data commands' app (models included)",
                [run.seconds for run in app]))
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        template = folder / "template.sqlite3"
        _prepare_in_child(f"sqlite:///{template}", size, folder)
        listing = folder / f"list-{size}.xlsx"
        megabytes = listing.stat().st_size / 2**20
        print(_line(f"parsing: calamine, the {size:,}-row list ({megabytes:.1f} MB)",
                    parsing(listing, runs)))
        seconds, tables = sqlite_work(template, size, folder, runs)
        rows = sum(count for count, _seconds in tables.values())
        print(_line(f"SQLite: the import's {rows:,} rows, driver alone", seconds))
        for name, (count, best) in sorted(tables.items(), key=lambda item: -item[1][1]):
            print(f"    {name:<24}{count:>8,} rows   {best:6.3f} s")
        if server := os.environ.get("BENCH_DATABASE_URL"):
            print(_line("PostgreSQL: the same rows by binary COPY",
                        postgres_work(server, size, folder, runs)))


if __name__ == "__main__":
    main()
