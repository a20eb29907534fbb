"""The `backoffice` command starts without the libraries only some commands need.

Timing a start-up in a test would fail on a busy machine and pass on a slow import; what
makes it slow is which modules load, and that is exact. Each case runs the real console
command in a fresh interpreter and lists the heavy modules it ended up with.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from backoffice.demo import DATA
from tests.conftest import database_copy

ROOT = Path(__file__).resolve().parents[2]
# Charts, data frames, migrations, writing workbooks, the screens' extensions: together
# more than a second, and none is needed to list the commands or to import a sheet.
HEAVY = ("pandas", "plotly", "matplotlib", "alembic", "xlsxwriter", "flask_admin", "openpyxl",
         "numpy", "docx", "flask_migrate", "flask_babel", "flask_wtf")
_RUN = """
import json, sys
from backoffice.cli import main
try:
    main(sys.argv[1:], prog_name="backoffice")
except SystemExit as stop:
    status = stop.code
print("HEAVY " + json.dumps([sorted(sys.modules), status]))
"""


def run(args: list[str], **env: str) -> tuple[set[str], object, str]:
    """Run `backoffice ARGS...` in a fresh interpreter; return the heavy modules it loaded,
    its exit status and what it printed."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT),
                   "BACKOFFICE_SECRET_KEY": json.dumps("test-secret"), **env}
    output = subprocess.run([sys.executable, "-c", _RUN, *args], capture_output=True,
                            text=True, cwd=ROOT, env=environment, check=True).stdout
    printed, result = output.rsplit("HEAVY ", 1)
    modules, status = json.loads(result)
    return {name.split(".")[0] for name in modules} & set(HEAVY), status, printed


def loaded(args: list[str], **env: str) -> tuple[set[str], object]:
    heavy, status, _printed = run(args, **env)
    return heavy, status


def test_listing_the_commands_builds_no_app_and_imports_no_heavy_library() -> None:
    heavy, status = loaded(["--help"])
    assert status == 0
    assert heavy == set()


def test_a_command_s_own_help_imports_no_heavy_library() -> None:
    for command in ("import", "export", "report", "score", "create-user", "backup", "restore"):
        heavy, status = loaded([command, "--help"])
        assert (command, status, heavy) == (command, 0, set())


def test_an_import_runs_without_screens_migrations_or_data_frames(templates,
                                                                   tmp_path: Path) -> None:
    with database_copy(templates("sqlite"), "sqlite", tmp_path) as url:
        heavy, status = loaded(
            ["import", "units", str(DATA / "2017" / "承办单位名录.xlsx"), "--dry-run"],
            BACKOFFICE_SQLALCHEMY_DATABASE_URI=json.dumps(url),
            BACKOFFICE_IMPORT_FOLDER=json.dumps(str(tmp_path / "imports")))
    assert status == 0
    assert heavy == set()


def test_the_screens_command_still_gets_the_screens() -> None:
    heavy, status, printed = run(["routes"])
    assert status == 0
    assert "opinion.index_view" in printed and "flask_admin" in heavy


def test_the_migrations_are_there_when_asked_for() -> None:
    heavy, status, printed = run(["db", "--help"])
    assert status == 0
    assert "upgrade" in printed and "alembic" in heavy


def test_data_commands_say_the_same_without_the_screens(templates, tmp_path: Path) -> None:
    """A data command's app has no screens: what it prints must not depend on them."""
    from backoffice import create_app

    with database_copy(templates("sqlite"), "sqlite", tmp_path) as url:
        commands = [
            ["report", "--session", "区六届人大一次会议", "--as-of", "2017-12-15", "--format",
             "json"],
            ["score", "--year", "2017", "--as-of", "2017-12-15", "--format", "json"],
        ]
        runner = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret",
                             "TESTING": True}).test_cli_runner()
        for args in commands:
            with_screens = runner.invoke(args=args)
            _heavy, status, printed = run(args, BACKOFFICE_SQLALCHEMY_DATABASE_URI=json.dumps(url))
            assert (status, with_screens.exit_code) == (0, 0)
            assert json.loads(printed) == json.loads(with_screens.output)
