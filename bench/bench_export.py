"""How fast, and in how much memory, 100,000 opinions export from the database.

Builds a database (SQLite in a temporary folder, or the PostgreSQL database named by
BENCH_DATABASE_URL, which it empties) with a session of 10,000 opinions and one of
100,000, every column filled (cosigners, co-handlers, supervisors, 200-character
contents). Then, each in a fresh process so that its peak memory is its own:

- export: `backoffice export opinions` for each session (`export_kind`: streamed batches
  from the database into the streaming template writer, dropdowns, locks, safety);
- floor: the same cells, already in a list, written with bare xlsxwriter in
  constant-memory mode (write_string / write_datetime, nothing else);
- list: the admin list's .xlsx export of the 100,000 (ORM rows, filters, scoping).

    .venv/bin/python bench/bench_export.py [--opinions 100000] [--small 10000] [--repeat 3]

Export and floor alternate, `--repeat` times each; the best time of each is compared
(the least disturbed by whatever else the machine runs), with the least CPU time of each
(the process's own, which other work on the machine disturbs less), and the highest peak.
"""

import argparse
import contextlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import downgrade, upgrade  # noqa: E402

from backoffice import create_app  # noqa: E402
from backoffice.deadlines import WorkingCalendar, due_dates  # noqa: E402
from backoffice.extensions import db  # noqa: E402
from backoffice.models import (  # noqa: E402
    CoHandling,
    CongressSession,
    Deputy,
    Opinion,
    Role,
    Unit,
    User,
    opinion_cosigners,
)
from importers.vocabulary import Category  # noqa: E402

PASSWORD = "Bench-password-2017"
CONTENT = ("关于加快推进道路改造的建议：建议尽快制定实施方案，加大资金投入，"
           "周边居民多次反映，影响区域整体形象，请相关部门统筹协调、限期解决。") * 3


def _app(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                       "WTF_CSRF_ENABLED": False, "REQUIRE_2FA_FOR_ADMINS": False})


def fill(sizes: dict[str, int]) -> None:
    rng = random.Random(6)
    units = [Unit(name=f"单位{i:03d}", kind="委办局") for i in range(200)]
    deputies = [Deputy(name=f"代表{i:04d}", delegation=f"代表团{i % 14}") for i in range(2000)]
    admin = User(username="admin", role=Role.OPERATOR.value)
    admin.set_password(PASSWORD, chosen_by_user=True)
    db.session.add_all([*units, *deputies, admin])
    for year, (name, count) in enumerate(sizes.items(), start=2016):
        session = CongressSession(name=name, year=year)
        db.session.add(session)
        db.session.commit()
        _opinions(session, count, units, deputies, rng)
    # Statistics, as a database in use has them (PostgreSQL plans by them).
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()


def _opinions(session, count, units, deputies, rng) -> None:
    assigned = date(session.year, 2, 20)
    due = due_dates(assigned, session, WorkingCalendar())
    rows = [{
        "session_id": session.id, "number": f"{n:06d}",
        "title": f"关于加快推进第{n}号道路改造的建议", "content": CONTENT,
        "category": rng.choice(list(Category)).value,
        "lead_deputy_id": rng.choice(deputies).id, "lead_unit_id": rng.choice(units).id,
        "assigned_on": assigned + timedelta(days=rng.randint(0, 5)),
        "supervisor": rng.choice([None, None, None, "张区长", "李副区长"]),
        "accept_due_on": due.accept, "consult_due_on": due.consult,
        "co_opinion_due_on": due.co_opinion, "reply_due_on": due.reply, "version": 1,
    } for n in range(1, count + 1)]
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Opinion), rows[start:start + 5000])
    ids = db.session.scalars(sa.select(Opinion.id).where(Opinion.session_id == session.id)).all()
    co, cosigners = [], []
    for opinion_id in ids:
        for unit in rng.sample(units, rng.choice([0, 0, 1, 2])):
            co.append({"opinion_id": opinion_id, "unit_id": unit.id})
        for deputy in rng.sample(deputies, rng.randint(0, 3)):
            cosigners.append({"opinion_id": opinion_id, "deputy_id": deputy.id})
    for start in range(0, len(co), 5000):
        db.session.execute(sa.insert(CoHandling), co[start:start + 5000])
    for start in range(0, len(cosigners), 5000):
        db.session.execute(sa.insert(opinion_cosigners), cosigners[start:start + 5000])
    db.session.commit()


# -- the measured phases, each in its own process --------------------------------------------
def phase_export(url: str, session_name: str, out: str) -> dict:
    from backoffice.exports import export_kind, resolve_session

    app = _app(url)
    with app.app_context():
        session = resolve_session(db.session, session_name)
        started, cpu = time.perf_counter(), time.process_time()
        rows = export_kind(db.session, "opinions", out, session=session)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"rows": rows, "seconds": seconds, "cpu": cpu}


def phase_floor(url: str, session_name: str, out: str) -> dict:
    """Write the export's cells, fetched beforehand, with nothing but xlsxwriter."""
    import xlsxwriter

    from backoffice.exports import ROWS, Scope, resolve_session
    from importers.schemas import SCHEMAS, FieldType

    dates = {c for c, field in enumerate(SCHEMAS["opinions"].fields)
             if field.type is FieldType.DATE}
    app = _app(url)
    with app.app_context():
        session = resolve_session(db.session, session_name)
        cells = [
            tuple(("、".join(value) or None) if value.__class__ is list else value
                  for value in row)
            for row in ROWS["opinions"](db.session, Scope(session.id, session.year))
        ]
    started, cpu = time.perf_counter(), time.process_time()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    write_string, write_datetime = sheet.write_string, sheet.write_datetime
    for r, row in enumerate(cells, start=2):
        for c, value in enumerate(row):
            if value is None:
                continue
            if c in dates:
                write_datetime(r, c, value, day)
            else:
                write_string(r, c, value)
    book.close()
    return {"rows": len(cells), "seconds": time.perf_counter() - started,
            "cpu": time.process_time() - cpu}


def phase_list(url: str, session_name: str, out: str) -> dict:
    app = _app(url)
    with app.app_context():
        session_id = db.session.scalar(sa.select(CongressSession.id)
                                       .where(CongressSession.name == session_name))
    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    started = time.perf_counter()
    # The list's session filter (the first filter), as the button carries it.
    response = client.get(f"/admin/opinion/export/xlsx/?flt0_0={session_id}")
    Path(out).write_bytes(b"".join(response.response))
    seconds = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return {"rows": None, "seconds": seconds}


PHASES = {"export": phase_export, "floor": phase_floor, "list": phase_list}


def run_phase(phase: str, url: str, session_name: str, folder: str) -> dict:
    """Run a phase in a fresh process; return its figures and its own peak memory."""
    out = os.path.join(folder, f"{phase}-{session_name}.xlsx")
    completed = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--url", url, "--session", session_name,
         "--out", out], capture_output=True, text=True, check=True)
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    figures["size_mb"] = os.path.getsize(out) / 2**20
    return figures


def _reset_peak() -> None:
    """Forget the peak a forked process inherits from its parent (Linux: clear_refs 5)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float:
    """Return this process's own peak resident memory (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _best(runs: list[dict]) -> dict:
    """Return the fastest run's figures with the highest peak memory of all runs."""
    best = dict(min(runs, key=lambda run: run["seconds"]))
    best["peak_mb"] = max(run["peak_mb"] for run in runs)
    best["cpu"] = min(run["cpu"] for run in runs)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--opinions", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-list", action="store_true", help="skip the admin list export")
    parser.add_argument("--phase", choices=PHASES)
    parser.add_argument("--url")
    parser.add_argument("--session")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.phase:
        _reset_peak()
        figures = PHASES[args.phase](args.url, args.session, args.out)
        figures["peak_mb"] = _peak_mb()
        print(json.dumps(figures))
        return

    folder = tempfile.mkdtemp()
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    sizes = {"小届次": args.small, "大届次": args.opinions}
    app = _app(url)
    with app.app_context():
        if url.startswith("postgresql"):
            downgrade(revision="base")
        upgrade()
        started = time.perf_counter()
        fill(sizes)
        print(f"filled {sum(sizes.values()):,} opinions in {time.perf_counter() - started:.0f} s")
    backend = sa.make_url(url).get_backend_name()
    print(f"\nexport of opinions (all 11 columns) on {backend}")
    print(f"{'rows':>8} {'export s':>9} {'floor s':>8} {'ratio':>6} {'rows/s':>8} "
          f"{'export CPU s':>13} {'floor CPU s':>12} "
          f"{'export peak MB':>15} {'floor peak MB':>14} {'file MB':>8}")
    for name, count in sizes.items():
        exports, floors = [], []
        for _ in range(args.repeat):
            exports.append(run_phase("export", url, name, folder))
            floors.append(run_phase("floor", url, name, folder))
        export, floor = _best(exports), _best(floors)
        assert export["rows"] == floor["rows"] == count
        print(f"{count:8,} {export['seconds']:9.1f} {floor['seconds']:8.1f} "
              f"{export['seconds'] / floor['seconds']:6.2f} "
              f"{count / export['seconds']:8,.0f} {export['cpu']:13.2f} {floor['cpu']:12.2f} "
              f"{export['peak_mb']:15.0f} "
              f"{floor['peak_mb']:14.0f} {export['size_mb']:8.1f}")
    if not args.no_list:
        listed = run_phase("list", url, "大届次", folder)
        print(f"\nadmin list .xlsx export of the {args.opinions:,} (ORM, through the app): "
              f"{listed['seconds']:.1f} s, peak {listed['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
