"""A workbook past the limits is refused at the upload and by the CLI: a message, no change."""

import json

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.imports.originals import folder
from backoffice.models import SecurityEvent
from tests.backoffice.imports.tables import (
    LOGS,
    NEW_SESSION,
    assignment_list,
    dump,
    opinion_row,
)
from tests.backoffice.imports.test_import_pages import BASE, upload
from tests.importers.hostile_files import cells_sheet, deflate_bomb, write_xlsx_parts

A1_AND_XFD = "“清单.xlsx”：工作表“Sheet1”的数据范围达到 1048576 行 × 16384 列"
LIAR = "“清单.xlsx”：文件中的“xl/media/image1.bin”解压后超过单个部分 256.0 MB 的上限"


def a1_and_xfd(path):
    return write_xlsx_parts(path, {"Sheet1": cells_sheet([("A1", 1), ("XFD1048576", 2)])})


def liar(path):
    # 300 MiB of zeros deflate to 300 KB: under the test client's 500 KB in-memory body,
    # whose temporary file it would leave open; past the 256 MB part limit all the same.
    return deflate_bomb(path, inflated=300 * 2**20, declared=1024)


# A bomb is refused while its file is read, before the database is touched: one bomb shows
# that a refusal changes nothing on PostgreSQL; inflating 256 MB there again shows no more.
BOMBS = pytest.mark.parametrize(("database_url", "write", "message"), [
    pytest.param("sqlite", a1_and_xfd, A1_AND_XFD, id="sqlite-a1_and_xfd"),
    pytest.param("postgresql", a1_and_xfd, A1_AND_XFD, id="postgresql-a1_and_xfd",
                 marks=pytest.mark.postgresql),
    pytest.param("sqlite", liar, LIAR, id="sqlite-lying_deflate_bomb"),
], indirect=["database_url"])


def pending_uploads(app) -> list:
    with app.app_context():
        root = folder() / "pending"
        return sorted(root.iterdir()) if root.exists() else []


@BOMBS
def test_a_bomb_upload_is_refused_with_its_message_and_nothing_kept(app, as_user, tmp_path,
                                                                    write, message):
    path = write(tmp_path / "清单.xlsx")
    with app.app_context():
        before = dump(exclude=LOGS)
    client = as_user("operator")
    response = upload(client, path)
    assert response.status_code == 302 and response.location.endswith(f"{BASE}/")
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert f"无法导入{message}" in page
    assert pending_uploads(app) == []
    with app.app_context():
        assert dump(exclude=LOGS) == before
        refused = db.session.scalars(sa.select(SecurityEvent).where(
            SecurityEvent.event == "导入", SecurityEvent.outcome == "拒绝")).all()
        assert [(e.username, e.object) for e in refused] == [("operator", "清单.xlsx")]


def test_the_upload_limits_are_the_app_s_settings(app, as_user, tmp_path):
    with app.app_context():
        path = assignment_list(tmp_path / "清单.xlsx", [opinion_row(n) for n in range(1, 6)])
        before = dump(exclude=LOGS)
    app.config["IMPORT_MAX_ROWS"] = 3
    client = as_user("operator")
    upload(client, path)
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert ("无法导入“清单.xlsx”：工作表“城市建设和管理”标注的数据范围 A1:K6 达到 6 行 × 11 列，"
            "超过上限（最多 3 行）") in page
    with app.app_context():
        assert dump(exclude=LOGS) == before


@BOMBS
def test_the_import_command_refuses_a_bomb_with_exit_1(app, tmp_path, write, message):
    path = write(tmp_path / "清单.xlsx")
    with app.app_context():
        before = dump(exclude=LOGS)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", "auto", str(path), "--session", NEW_SESSION,
                                 "--year", "2018", "--format", "json"])
    assert result.exit_code == 1, result.output
    [error] = json.loads(result.output)["errors"]
    assert error["file"] == str(path)
    assert error["message"].startswith(message.split("：", 1)[1])
    text = runner.invoke(args=["import", "opinions", str(path), "--session", NEW_SESSION,
                               "--year", "2018"])
    assert text.exit_code == 1 and message.split("：", 1)[1] in text.output
    with app.app_context():
        assert dump(exclude=LOGS) == before
