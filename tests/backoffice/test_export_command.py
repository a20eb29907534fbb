"""`backoffice export KIND OUT`: the import's kinds, a session, a unit, clear refusals."""

import zipfile

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import CongressSession, SecurityEvent
from importers.reading import read_file
from tests.backoffice.scoping import visible_count


def test_a_kind_exports_for_a_session_and_a_unit_and_reads_back_as_that_kind(app, tmp_path):
    with app.app_context():
        name = db.session.scalar(sa.select(CongressSession.name)
                                 .where(CongressSession.year == 2016))
        both_sessions = visible_count("浦江镇")
    out = tmp_path / "交办清单.xlsx"
    result = app.test_cli_runner().invoke(
        args=["export", "opinions", str(out), "--session", name, "--unit", "闵行区浦江镇"])
    assert result.exit_code == 0, result.output
    read = read_file(out, "opinions")
    assert read.ok and read.records
    assert len(read.records) < both_sessions  # one session's only
    assert all(r["lead_unit"] == "浦江镇" or "浦江镇" in r["co_units"] for r in read.records)
    assert result.output.strip() == f"已导出 {len(read.records)} 行到 {out}"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export-")]
    with app.app_context():
        (logged,) = db.session.scalars(sa.select(SecurityEvent).where(
            SecurityEvent.event == "导出")).all()
        assert (logged.username, logged.object) == ("cli", "交办清单.xlsx")


def test_worklists_export_one_unit_or_all_zipped(app, tmp_path):
    runner = app.test_cli_runner()
    one = runner.invoke(args=["export", "worklist", str(tmp_path / "w.xlsx"), "--unit", "七宝镇"])
    assert one.exit_code == 0 and "七宝镇的清单" in one.output
    every = runner.invoke(args=["export", "worklist", str(tmp_path / "all.zip")])
    assert every.exit_code == 0, every.output
    with zipfile.ZipFile(tmp_path / "all.zip") as archive:
        assert any(name.startswith("七宝镇-") for name in archive.namelist())


@pytest.mark.parametrize(("args", "message"), [
    (["opinions", "out.csv"], "应以 .xlsx 结尾"),
    (["worklist", "out.xlsx"], "应以 .zip 结尾"),
    (["opinions", "out.xlsx", "--session", "区九届人大九次会议"],
     "没有名为“区九届人大九次会议”的届次会议"),
    (["opinions", "out.xlsx", "--unit", "区火星局"], "没有名为“区火星局”的承办单位"),
    (["deputies", "out.xlsx", "--unit", "七宝镇"], "“代表名册”不按单位导出"),
    (["nonsense", "out.xlsx"], "Invalid value for 'KIND'"),
])
def test_a_wrong_call_exits_2_with_a_clear_message_and_writes_nothing(app, tmp_path, args,
                                                                      message):
    folder = tmp_path / "out"
    folder.mkdir()
    args[1] = str(folder / args[1])
    result = app.test_cli_runner().invoke(args=["export", *args])
    assert result.exit_code == 2 and message in result.output
    assert list(folder.iterdir()) == []
