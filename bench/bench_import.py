"""How fast the `backoffice` command starts and imports a large assignment list, as a
user meets it: the whole process, start-up included, and how much memory it takes.

First `backoffice --help`, five times (the best and the median are shown). Then, for each
size, a helper process builds a database holding the 2017 units and deputies (SQLite in
a temporary folder; PostgreSQL too when BENCH_DATABASE_URL names a server, where it
creates and drops a database of its own) and writes the list
(make_assignment_list.py); then the real console command

    backoffice import opinions LIST.xlsx --session 区六届人大二次会议 --year 2018

runs as a process of its own (read, plan, check, apply in one transaction with row images
and audit entries, commit), `--runs` times on a fresh copy of the database each time
(SQLite; PostgreSQL imports into a fresh database each time). For each run: wall seconds,
rows/s, the process's CPU seconds (user + system: steady when other work shares the
cores) and its peak memory (its own ru_maxrss, interpreter and libraries included). The
load average is printed beside the figures.

With `--peers`, the same file then goes through django-import-export's default resource
(`bench/peers/django_import_export.py`, in a virtual environment of its own).

    .venv/bin/python bench/bench_import.py [--sizes 10000 100000] [--runs 3] [--peers]

The interpreter's compiled bytecode is written and used, as in an installation (the
first `--help` writes what is missing): PYTHONDONTWRITEBYTECODE is dropped for the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SESSION, YEAR = "区六届人大二次会议", 2018


@dataclass
class Run:
    """One process's figures."""

    seconds: float
    cpu: float
    peak_mb: float
    load: str  # the load average as the run ended

    @classmethod
    def of(cls, command: list[str], env: dict[str, str]) -> Run:
        """Run a command to its end; return its wall and CPU seconds and its peak memory."""
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        errors = process.stderr.read().decode() if process.stderr else ""
        code = os.waitstatus_to_exitcode(status)
        if code:
            raise RuntimeError(f"{command[:3]} exited with {code}:\n{errors[-2000:]}")
        return cls(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, load())


def backoffice() -> list[str]:
    """Return the console command as installed beside this interpreter."""
    script = Path(sys.executable).parent / "backoffice"
    if script.exists():
        return [sys.executable, str(script)]
    return [sys.executable, "-c", "from backoffice.cli import main; main()"]


def environment(url: str = "", folder: Path | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)  # this checkout's code, whatever is installed
    env["BACKOFFICE_SECRET_KEY"] = json.dumps("bench")
    if url:
        env["BACKOFFICE_SQLALCHEMY_DATABASE_URI"] = json.dumps(url)
    if folder is not None:
        env["BACKOFFICE_IMPORT_FOLDER"] = json.dumps(str(folder / "imports"))
    return env


def prepare(url: str, size: int, folder: Path) -> None:
    """Build the database and write the list (in a helper process)."""
    from flask_migrate import upgrade

    from backoffice import create_app
    from backoffice.demo import DATA
    from backoffice.extensions import db
    from backoffice.imports import run_import
    from bench.make_assignment_list import write

    write(size, folder / f"list-{size}.xlsx")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "IMPORT_FOLDER": str(folder / "setup")})
    with app.app_context():
        upgrade()
        for name in ("承办单位名录.xlsx", "代表名册.xlsx"):
            run_import(db.session, [DATA / "2017" / name], "auto", dry_run=False, actor="bench")
        db.engine.dispose()


def _prepare_in_child(url: str, size: int, folder: Path) -> None:
    subprocess.run([sys.executable, __file__, "--prepare", url, str(size), str(folder)],
                   check=True, capture_output=True, cwd=ROOT, env=environment())


def import_runs(backend: str, size: int, runs: int) -> tuple[list[Run], float]:
    """Import the list `runs` times, each into a fresh database; return the runs and the
    file's size in MB."""
    results = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if backend == "sqlite":
            template = folder / "template.sqlite3"
            _prepare_in_child(f"sqlite:///{template}", size, folder)
        listing = folder / f"list-{size}.xlsx"
        for _run in range(runs):
            shutil.rmtree(folder / "imports", ignore_errors=True)
            if backend == "sqlite":
                database = folder / "bench.sqlite3"
                shutil.copyfile(template, database)
                results.append(_import(f"sqlite:///{database}", listing, size, folder))
                continue
            with postgres(os.environ["BENCH_DATABASE_URL"]) as url:
                _prepare_in_child(url, size, folder)
                results.append(_import(url, listing, size, folder))
        return results, listing.stat().st_size / 2**20


def _import(url: str, listing: Path, size: int, folder: Path) -> Run:
    command = [*backoffice(), "import", "opinions", str(listing), "--session", SESSION,
               "--year", str(YEAR)]
    return Run.of(command, environment(url, folder))


@contextmanager
def postgres(server: str) -> Iterator[str]:
    """Yield the URL of a database of its own on the server, dropped afterwards."""
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    name = f"bench_import_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def start_up(command: list[str], times: int = 5) -> list[Run]:
    """Run a command `times` times, each a fresh process, after a first run that is not
    counted."""
    Run.of(command, environment())  # writes the bytecode not yet compiled
    return [Run.of(command, environment()) for _ in range(times)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="imports per size and database")
    parser.add_argument("--peers", action="store_true",
                        help="also import the 10,000-row list with django-import-export")
    parser.add_argument("--prepare", nargs=3, metavar=("URL", "SIZE", "FOLDER"))
    args = parser.parse_args()
    if args.prepare:
        url, size, folder = args.prepare
        prepare(url, int(size), Path(folder))
        return
    print(f"load average {load()}")
    runs = start_up([*backoffice(), "--help"])
    walls = [run.seconds for run in runs]
    print(f"backoffice --help: best {min(walls):.2f} s, median {statistics.median(walls):.2f} s"
          f" wall; CPU {min(run.cpu for run in runs):.2f} s; peak "
          f"{max(run.peak_mb for run in runs):.0f} MB")
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("BENCH_DATABASE_URL") else [])
    print(f"{'database':<11}{'rows':>9}{'file MB':>9}{'seconds':>9}{'rows/s':>9}"
          f"{'CPU s':>8}{'peak MB':>9}  load average")
    for backend in backends:
        for size in args.sizes:
            results, file_mb = import_runs(backend, size, args.runs)
            for run in results:
                print(f"{backend:<11}{size:>9,}{file_mb:>9.1f}{run.seconds:>9.2f}"
                      f"{size / run.seconds:>9,.0f}{run.cpu:>8.2f}{run.peak_mb:>9.0f}  {run.load}")
    if args.peers:
        peer = ROOT / "bench" / "peers" / "django_import_export.py"
        with tempfile.TemporaryDirectory() as name:
            listing = Path(name) / "list-10000.xlsx"
            subprocess.run([sys.executable, str(ROOT / "bench" / "make_assignment_list.py"),
                            "10000", str(listing)],
                           check=True, capture_output=True, cwd=ROOT, env=environment())
            subprocess.run([sys.executable, str(peer), str(listing), "--runs", str(args.runs)],
                           check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
