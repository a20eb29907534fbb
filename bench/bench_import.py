"""How fast a large assignment list imports, end to end, and how much memory it takes.

For each size, a fresh process builds a database holding the 2017 units and deputies
(SQLite in a temporary folder; PostgreSQL too when BENCH_DATABASE_URL names a server,
where it creates and drops a database of its own), writes the list
(make_assignment_list.py), then times `run_import` (read, plan, check, apply in one
transaction with row images and audit entries, commit): wall seconds, rows/s, the
process's CPU seconds for it (steady when other work shares the cores), and its peak
memory (ru_maxrss: interpreter and libraries included).

    .venv/bin/python bench/bench_import.py [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SESSION, YEAR = "区六届人大二次会议", 2018


def child(url: str, size: int, folder: Path) -> dict:
    """Build the database, import the list once, and return the figures (in the child)."""
    from flask_migrate import upgrade

    from backoffice import create_app
    from backoffice.demo import DATA
    from backoffice.extensions import db
    from backoffice.imports import run_import
    from bench.make_assignment_list import write

    path = write(size, folder / f"list-{size}.xlsx")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "IMPORT_FOLDER": str(folder / "imports")})
    with app.app_context():
        upgrade()
        for name in ("承办单位名录.xlsx", "代表名册.xlsx"):
            run_import(db.session, [DATA / "2017" / name], "auto", dry_run=False, actor="bench")
        started, cpu = time.perf_counter(), time.process_time()
        result = run_import(db.session, [path], "opinions", session=SESSION, year=YEAR,
                            dry_run=False, actor="bench")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert result.status == "applied" and not result.errors, result.errors[:3]
        db.engine.dispose()
    return {"rows": size, "seconds": seconds, "cpu": cpu, "created": result.counts["created"],
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "file_mb": path.stat().st_size / 2**20}


def measure(backend: str, url: str, size: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        if backend == "sqlite":
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        output = subprocess.run(
            [sys.executable, __file__, "--child", url, str(size), folder],
            check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(output.strip().splitlines()[-1])


def postgres(server: str) -> tuple[str, sa.Engine, str]:
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    name = f"bench_import_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    url = sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    return url, admin, name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--child", nargs=3, metavar=("URL", "SIZE", "FOLDER"))
    args = parser.parse_args()
    if args.child:
        url, size, folder = args.child
        print(json.dumps(child(url, int(size), Path(folder))))
        return
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("BENCH_DATABASE_URL") else [])
    print(f"{'database':<11}{'rows':>9}{'file MB':>9}{'seconds':>9}{'rows/s':>9}"
          f"{'CPU s':>8}{'peak MB':>9}")
    for backend in backends:
        for size in args.sizes:
            admin = name = None
            url = ""
            if backend == "postgresql":
                url, admin, name = postgres(os.environ["BENCH_DATABASE_URL"])
            try:
                figures = measure(backend, url, size)
            finally:
                if admin is not None:
                    with admin.connect() as conn:
                        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            print(f"{backend:<11}{figures['rows']:>9,}{figures['file_mb']:>9.1f}"
                  f"{figures['seconds']:>9.2f}{figures['rows'] / figures['seconds']:>9,.0f}"
                  f"{figures['cpu']:>8.2f}{figures['peak_mb']:>9.0f}")


if __name__ == "__main__":
    main()
