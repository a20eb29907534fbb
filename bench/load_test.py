"""A bounded load test: gunicorn (deploy/gunicorn.conf.py) on PostgreSQL with the demo years,
and locust's users (bench/locustfile.py) reading lists, case files and the dashboard and
saving opinions for a fixed time; prints requests/s, p50/p95/p99 and errors per request.

    python bench/load_test.py --server postgresql+psycopg://postgres@127.0.0.1:5432/postgres

--server names a PostgreSQL role that may create databases (or BENCH_DATABASE_URL): the
test works in a database of its own, dropped at the end. --alongside runs a command while
the load runs (e.g. a large web import as a job), with {base} replaced by the server's
address; its exit status and duration are printed with the figures. --import-rows N
writes an assignment list of N rows and imports it through the web as a job while the
users work (a `backoffice worker` runs beside gunicorn; bench/bench_jobs.py --against).
"""

import argparse
import csv
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Load-test-password-2017"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _admin(server: str) -> sa.Engine:
    return sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)


def prepare(url: str, folder: Path) -> list[int]:
    """Migrate and load the demo years at url, add the operator; return opinions to save."""
    from flask_migrate import upgrade

    from backoffice import create_app
    from backoffice.demo import load_demo
    from backoffice.extensions import db
    from backoffice.models import CongressSession, Opinion, Role, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "load-test",
                      "ATTACHMENT_FOLDER": str(folder / "attachments"),
                      "IMPORT_FOLDER": str(folder / "imports")})
    with app.app_context():
        upgrade()
        load_demo(db.session)
        user = User(username="operator", role=Role.OPERATOR.value)
        user.set_password(PASSWORD, chosen_by_user=True)
        db.session.add(user)
        db.session.commit()
        ids = db.session.scalars(
            sa.select(Opinion.id).join(Opinion.session)
            .where(CongressSession.year == 2017).order_by(Opinion.number).limit(100)).all()
        db.session.remove()
        db.engine.dispose()
    return list(ids)


def environment(url: str, folder: Path) -> dict[str, str]:
    """The settings the web servers and the job worker share."""
    return {**os.environ, "DATABASE_URL": url, "BACKOFFICE_SECRET_KEY": "load-test",
            "BACKOFFICE_REQUIRE_2FA_FOR_ADMINS": "false",
            "BACKOFFICE_ATTACHMENT_FOLDER": str(folder / "attachments"),
            "BACKOFFICE_IMPORT_FOLDER": str(folder / "imports"),
            "BACKOFFICE_DOCUMENT_FOLDER": str(folder / "documents")}


def start_worker(url: str, folder: Path) -> subprocess.Popen:
    """Start `backoffice worker`: it runs the jobs the pages queue."""
    return subprocess.Popen([str(Path(sys.executable).parent / "backoffice"), "worker"],
                            env=environment(url, folder), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=(folder / "worker.log").open("w"))


def serve(url: str, folder: Path, port: int, workers: int) -> subprocess.Popen:
    """Start gunicorn with the deployment's config; return once it answers /healthz."""
    env = {**environment(url, folder),
           "GUNICORN_WORKERS": str(workers), "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_ACCESS_LOG": str(folder / "access.log")}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=(folder / "gunicorn.log").open("w"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.5)
    process.terminate()
    raise SystemExit((folder / "gunicorn.log").read_text())


def run_locust(base: str, ids: list[int], users: int, seconds: int, folder: Path) -> Path:
    """Run locust headless for seconds; return the prefix of its CSV files."""
    prefix = folder / "locust"
    env = {**os.environ, "LOAD_OPINION_IDS": ",".join(map(str, ids)), "LOAD_PASSWORD": PASSWORD}
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
         "--headless", "--host", base, "--users", str(users), "--spawn-rate", str(users),
         "--run-time", f"{seconds}s", "--stop-timeout", "10", "--csv", str(prefix),
         "--logfile", str(folder / "locust.log"), "--loglevel", "WARNING"],
        env=env, cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return prefix


SAVE = "/admin/opinion/edit/ (save)"


def report(prefix: Path) -> int:
    """Print locust's figures per request and in all; return how many saves succeeded."""
    with Path(f"{prefix}_stats.csv").open() as stats:
        rows = list(csv.DictReader(stats))
    print(f"{'request':46} {'count':>6} {'errors':>6} {'req/s':>6} "
          f"{'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
    for row in rows:
        name = "all" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        print(f"{name:46} {row['Request Count']:>6} {row['Failure Count']:>6} "
              f"{float(row['Requests/s']):6.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}")
    failures = Path(f"{prefix}_failures.csv").read_text().strip().splitlines()[1:]
    for line in failures:
        print("error:", line)
    saves = next((row for row in rows if row["Name"] == SAVE), None)
    return int(saves["Request Count"]) - int(saves["Failure Count"]) if saves else 0


def served_saves(folder: Path) -> int:
    """Return how many saves gunicorn's access log shows answered as saved (a redirect)."""
    lines = (folder / "access.log").read_text().splitlines()
    return sum('"POST /admin/opinion/edit/' in line and '" 302 ' in line for line in lines)


def audited_saves(url: str) -> int:
    """Return how many title changes made on the web the audit trail holds."""
    from backoffice.models import AuditEntry
    from backoffice.models.audit import AuditAction

    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        changes = conn.execute(sa.select(AuditEntry.changes).where(
            AuditEntry.table_name == "opinions", AuditEntry.source == "web",
            AuditEntry.action == AuditAction.UPDATE.value)).scalars().all()
    return sum("title" in change for change in changes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--alongside", help="a command to run during the load ({base})")
    parser.add_argument("--import-rows", type=int, default=0,
                        help="import an assignment list of this many rows through the web "
                             "as a job while the users work (a job worker is started)")
    args = parser.parse_args()
    if not args.server:
        parser.error("name a PostgreSQL server: --server or BENCH_DATABASE_URL")

    name = f"bo_load_{os.getpid()}"
    with _admin(args.server).connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    url = sa.make_url(args.server).set(database=name).render_as_string(hide_password=False)
    folder = Path(tempfile.mkdtemp(prefix="load-test-"))
    server = worker = None
    try:
        ids = prepare(url, folder)
        if args.import_rows:
            sys.path.insert(0, str(ROOT))
            from bench.make_assignment_list import write

            listing = write(args.import_rows, folder / f"list-{args.import_rows}.xlsx")
            worker = start_worker(url, folder)
            args.alongside = (f"{sys.executable} {ROOT / 'bench' / 'bench_jobs.py'} "
                              f"--against {{base}} {listing} {PASSWORD}")
        port = _free_port()
        server = serve(url, folder, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        alongside = started = None
        if args.alongside:
            started = time.monotonic()
            alongside = subprocess.Popen(shlex.split(args.alongside.format(base=base)), cwd=ROOT)
        print(f"{args.users} users for {args.seconds} s against gunicorn "
              f"({args.workers} workers) on PostgreSQL; logs in {folder}")
        prefix = run_locust(base, ids, args.users, args.seconds, folder)
        saved = report(prefix)
        # A save in flight when locust stops is answered by the server but not counted by
        # locust: the access log has every answer.
        print(f"saves: {saved} counted by locust, {served_saves(folder)} answered as saved "
              f"by gunicorn, {audited_saves(url)} in the audit trail")
        if alongside is not None:
            status = alongside.wait()
            print(f"alongside: exit {status} after {time.monotonic() - started:.1f} s")
    finally:
        for process in (server, worker):
            if process is not None:
                process.terminate()
                process.wait(timeout=60)
        with _admin(args.server).connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


if __name__ == "__main__":
    main()
