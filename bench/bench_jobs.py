"""Long work as jobs behind gunicorn: a 100,000-row web import and a 100,000-row list
export, each started by a request that returns at once and finished by a worker, on
PostgreSQL, with gunicorn's default 30-second timeout.

A helper process builds a database of its own on the server named by
BENCH_DATABASE_URL (the 2017 units and deputies, an operator) and writes the list
(make_assignment_list.py). Then `gunicorn -w 2 'backoffice:create_app()'` and one
`backoffice worker` start, and a client signs in as the operator, uploads the list
(read and previewed within the request), presses 应用 and follows the job's progress as
its page does; then exports the opinions list (.xlsx) and downloads the job's file.
Printed: each request's seconds, each job's seconds from start to finish, and the
progress seen on the way.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:54329/postgres \\
        .venv/bin/python bench/bench_jobs.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_import import (  # noqa: E402 - after the path is set
    SESSION,
    YEAR,
    backoffice,
    environment,
    load,
    postgres,
    prepare,
)

PASSWORD = "Bench-horse-battery-7"


def prepare_with_operator(url: str, rows: int, folder: Path) -> None:
    """Build the database and the list, and add an operator (in a helper process)."""
    prepare(url, rows, folder)
    from backoffice import create_app
    from backoffice.extensions import db
    from backoffice.models import Role, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        user = User(username="operator", role=Role.OPERATOR.value)
        user.set_password(PASSWORD, chosen_by_user=True)
        db.session.add(user)
        db.session.commit()
        db.engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def token(client: requests.Session, url: str) -> str:
    page = client.get(url).text
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def timed(label: str, call):
    started = time.perf_counter()
    response = call()
    seconds = time.perf_counter() - started
    print(f"  {label}: HTTP {response.status_code} in {seconds:.1f} s")
    if response.status_code >= 400:
        raise SystemExit(f"{label} failed: {response.text[:500]}")
    return response


def follow(client: requests.Session, base: str, location: str) -> tuple[int, dict]:
    """Poll a job's progress once a second until it ends; print it every ten seconds."""
    job_id = int(re.search(r"/admin/jobs/(\d+)/", location).group(1))
    started = time.perf_counter()
    shown = -10.0
    while True:
        progress = client.get(f"{base}/admin/jobs/{job_id}/progress").json()
        now = time.perf_counter() - started
        if now - shown >= 10:
            print(f"    {now:6.1f} s  {progress['state']} {progress['done']}/"
                  f"{progress['total'] or '?'} {progress['eta']}")
            shown = now
        if progress["finished"]:
            print(f"  job #{job_id}: {progress['state']} after {time.perf_counter() - started:.1f}"
                  f" s: {progress['message']}")
            return job_id, progress
        time.sleep(1)


def sign_in(client: requests.Session, base: str, password: str) -> None:
    """Sign in as the operator once the server answers."""
    for _try in range(100):
        try:
            client.get(f"{base}/login", timeout=60)
            break
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    timed("sign in", lambda: client.post(f"{base}/login", data={
        "username": "operator", "password": password,
        "csrf_token": token(client, f"{base}/login")}, allow_redirects=False))


def import_through_web(client: requests.Session, base: str, listing: Path) -> None:
    """Upload an assignment list as a new session, follow its jobs to the end; print times."""
    print(f"import of {listing.name} ({listing.stat().st_size / 2**20:.1f} MB):")
    with listing.open("rb") as upload:
        preview = timed("upload", lambda: client.post(
            f"{base}/admin/imports/upload", allow_redirects=False,
            data={"csrf_token": token(client, f"{base}/admin/imports/"), "kind": "auto",
                  "session": "__new__", "new_session_name": SESSION,
                  "new_session_year": str(YEAR)},
            files={"files": (listing.name, upload)}))
    location = preview.headers["Location"]
    if "/admin/jobs/" in location:  # a big upload is read and checked as a job
        job_id, _progress = follow(client, base, location)
        page = client.get(f"{base}/admin/jobs/{job_id}/").text
        location = re.search(r'href="([^"]*/preview/\w+/)"', page).group(1)
    apply_url = location.rstrip("/") + "/apply"
    applied = timed("应用 (enqueue)", lambda: client.post(
        base + apply_url if apply_url.startswith("/") else apply_url,
        data={"csrf_token": token(client, f"{base}/admin/imports/")},
        allow_redirects=False))
    _job, progress = follow(client, base, applied.headers["Location"])
    if progress["state"] != "已完成":
        raise SystemExit(f"the import ended {progress['state']}: {progress['message']}")


def run(url: str, rows: int, folder: Path) -> None:
    subprocess.run([sys.executable, __file__, "--prepare", url, str(rows), str(folder)],
                   check=True, capture_output=True, cwd=ROOT, env=environment())
    env = {**environment(url, folder), "BACKOFFICE_REQUIRE_2FA_FOR_ADMINS": "false",
           "BACKOFFICE_DOCUMENT_FOLDER": json.dumps(str(folder / "documents"))}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    web = subprocess.Popen([gunicorn, "-w", "2", "-b", f"127.0.0.1:{port}",
                            "backoffice:create_app()"], cwd=ROOT, env=env,
                           stderr=open(folder / "gunicorn.log", "w"))  # noqa: SIM115
    worker = subprocess.Popen([*backoffice(), "worker"], cwd=ROOT, env=env,
                              stderr=open(folder / "worker.log", "w"))  # noqa: SIM115
    try:
        client = requests.Session()
        sign_in(client, base, PASSWORD)
        import_through_web(client, base, folder / f"list-{rows}.xlsx")

        print(f"export of the opinions list ({rows:,} rows, .xlsx):")
        started = timed("导出 (enqueue)", lambda: client.get(
            f"{base}/admin/opinion/export/xlsx/", allow_redirects=False))
        job_id, _progress = follow(client, base, started.headers["Location"])
        download = timed("download", lambda: client.get(
            f"{base}/admin/jobs/{job_id}/download"))
        print(f"  file: {len(download.content) / 2**20:.1f} MB")
    finally:
        for process in (worker, web):
            process.terminate()
            process.wait(30)
    print(f"load average {load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--prepare", nargs=3, metavar=("URL", "ROWS", "FOLDER"))
    parser.add_argument("--against", nargs=3, metavar=("BASE", "LIST", "PASSWORD"),
                        help="only import LIST through the web server at BASE, as the "
                             "operator (the load test runs this alongside its users)")
    args = parser.parse_args()
    if args.against:
        base, listing, password = args.against
        client = requests.Session()
        sign_in(client, base, password)
        import_through_web(client, base, Path(listing))
        return
    if args.prepare:
        url, rows, folder = args.prepare
        prepare_with_operator(url, int(rows), Path(folder))
        return
    server = os.environ.get("BENCH_DATABASE_URL")
    if not server:
        raise SystemExit("BENCH_DATABASE_URL must name a PostgreSQL server")
    with tempfile.TemporaryDirectory() as name, postgres(server) as url:
        run(url, args.rows, Path(name))


if __name__ == "__main__":
    main()
