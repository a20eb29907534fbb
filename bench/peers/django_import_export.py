"""The same assignment list through django-import-export's default resource, whole process.

The peer the issue measures us against: a minimal Django project (one model with a
column per header of the list, `assignments/models.py`, on SQLite) whose `ModelResource`
is the default one, told only which fields to take and that the opinion's number
identifies a row (so that a second import updates, as ours does). Each sheet of the
workbook is loaded with tablib, its headers renamed to the model's fields, and imported
with `import_data(dry_run=False)`, in one process timed from its start (Django's set-up
included) to its end, as `bench_import.py` times `backoffice import`.

The peer does less than we do: it keeps the cells as text (no unit, deputy or date is
understood, nothing is checked against the database's units and deputies), writes no
audit entries and no row images. Its figures are an upper bound for it.

    .venv/bin/python bench/peers/django_import_export.py LIST.xlsx [--runs 3]

It makes its own virtual environment under bench/.peers/ (pip installs django,
django-import-export, tablib and openpyxl from the package index) the first time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENVIRONMENT = HERE.parent / ".peers" / "django-import-export"
PACKAGES = ["django>=5,<6", "django-import-export>=4,<5", "tablib[xlsx]>=3.5", "openpyxl>=3.1"]
# The list's headers (make_assignment_list.HEADER) and the model's field for each.
COLUMNS = {
    "序号": "row", "编号": "number", "案由": "title", "领衔代表": "lead_deputy",
    "附议代表": "cosigners", "代表团": "delegation", "类别": "category",
    "主办单位": "lead_unit", "会办单位": "co_units", "交办日期": "assigned_on",
    "督办领导": "supervisor",
}


def python() -> Path:
    """Return the peer environment's interpreter, making the environment first if needed."""
    interpreter = ENVIRONMENT / "bin" / "python"
    if not interpreter.exists():
        venv.create(ENVIRONMENT, with_pip=True, clear=True)
        subprocess.run([str(interpreter), "-m", "pip", "install", "--quiet", *PACKAGES],
                       check=True)
    return interpreter


def versions(interpreter: Path) -> str:
    code = ("import importlib.metadata as m; print(', '.join(f'{p} {m.version(p)}' for p in "
            "('django', 'django-import-export', 'tablib', 'openpyxl')))")
    return subprocess.run([str(interpreter), "-c", code], check=True, capture_output=True,
                          text=True).stdout.strip()


def measure(interpreter: Path, listing: Path) -> tuple[float, float, float, int]:
    """Import the list once in a fresh process; return wall s, CPU s, peak MB, rows."""
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(interpreter), __file__, "--inside", str(listing), folder],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        output = process.stdout.read().decode() if process.stdout else ""
        if os.waitstatus_to_exitcode(status):
            errors = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"the peer failed:\n{errors[-3000:]}")
    rows = int(output.split()[-1])
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, rows


def inside(listing: Path, folder: Path) -> None:
    """Set up Django, create the table, import every sheet; print the rows imported."""
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "import_export", "assignments"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3",
                               "NAME": str(folder / "peer.sqlite3")}},
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )
    sys.path.insert(0, str(HERE))  # the app: bench/peers/assignments
    django.setup()
    from assignments.models import Opinion
    from django.db import connection
    from import_export import resources
    from tablib import Databook

    class OpinionResource(resources.ModelResource):
        class Meta:
            model = Opinion
            import_id_fields = ("number",)
            fields = tuple(COLUMNS.values())

    with connection.schema_editor() as editor:
        editor.create_model(Opinion)
    book = Databook()
    with listing.open("rb") as handle:
        book.load(handle, "xlsx")
    resource = OpinionResource()
    imported = 0
    for sheet in book.sheets():
        sheet.headers = [COLUMNS[header] for header in sheet.headers]  # fields by name
        result = resource.import_data(sheet, dry_run=False, raise_errors=True)
        imported += result.totals["new"] + result.totals["update"]
    print(imported)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("listing", type=Path)
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        inside(args.listing, args.folder)
        return
    interpreter = python()
    print(f"peer: {versions(interpreter)}")
    print(f"{'peer':<24}{'rows':>9}{'seconds':>9}{'rows/s':>9}{'CPU s':>8}{'peak MB':>9}"
          "  load average")
    for _run in range(args.runs):
        seconds, cpu, peak, rows = measure(interpreter, args.listing.resolve())
        load = " ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"{'django-import-export':<24}{rows:>9,}{seconds:>9.2f}{rows / seconds:>9,.0f}"
              f"{cpu:>8.2f}{peak:>9.0f}  {load}")


if __name__ == "__main__":
    main()
