"""Each kind of bad input gives a clear error naming where, and leaves the database as it was."""

import io

import openpyxl
import pytest

from backoffice.extensions import db
from backoffice.imports import run_import
from tests.backoffice.imports.tables import (
    LOGS,
    NEW_SESSION,
    assignment_list,
    dump,
    opinion_row,
)
from tests.importers.workbook_builders import OPINION_HEADER, write_csv, write_xlsx


def unknown_unit(path):
    return assignment_list(path, [opinion_row(1), opinion_row(2, 主办单位="区交通局")])


def bad_date(path):
    return assignment_list(path, [opinion_row(1, 交办日期="2018年2月30日"), opinion_row(2)])


def duplicate_number(path):
    return assignment_list(path, [opinion_row(1), opinion_row("第1号")])


def missing_required_column(path):
    header = [h for h in OPINION_HEADER if h != "主办单位"]
    rows = [[v for h, v in zip(OPINION_HEADER, opinion_row(1), strict=True) if h != "主办单位"]]
    return write_xlsx(path, [header, *rows])


def password_protected(path):
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    plain = io.BytesIO()
    book = openpyxl.Workbook()
    for row in [OPINION_HEADER, opinion_row(1)]:
        book.active.append(row)
    book.save(plain)
    plain.seek(0)
    with path.open("wb") as out:
        ooxml.OOXMLFile(plain).encrypt("secret", out)
    return path


def corrupt(path):
    good = assignment_list(path, [opinion_row(1)]).read_bytes()
    path.write_bytes(good[: len(good) // 2])
    return path


def empty_file(path):
    path.write_bytes(b"")
    return path


def fifty_megabytes(path):
    path = path.with_suffix(".csv")
    write_csv(path, [OPINION_HEADER, opinion_row(1)], encoding="utf-8")
    row = ",".join(str(v) for v in opinion_row(2)) + "\n"
    with path.open("a", encoding="utf-8") as out:
        out.write(row * (50 * 2**20 // len(row.encode())))
    return path


BAD_INPUTS = [
    (unknown_unit, "城市建设和管理!H3", "未知单位“区交通局”"),
    (bad_date, "城市建设和管理!J2", "不是有效的日期（2018年2月30日不存在）"),
    (duplicate_number, "城市建设和管理!B3", "重复：编号=0001 已在"),
    (missing_required_column, "Sheet1!1:1", "缺少必填列“主办单位”"),
    (password_protected, None, "文件设有打开密码"),
    (corrupt, None, "文件已损坏或不是有效的表格文件"),
    (empty_file, None, "文件是空的"),
    (fifty_megabytes, None, "文件过大（50.0 MB），超过 40.0 MB 的上限"),
]


@pytest.mark.parametrize(("write", "cell", "message"), BAD_INPUTS,
                         ids=[write.__name__ for write, _c, _m in BAD_INPUTS])
def test_bad_input_is_refused_with_its_place_and_changes_nothing(app, tmp_path, write, cell,
                                                                 message):
    with app.app_context():
        path = write(tmp_path / "交办清单.xlsx")
        before = dump(exclude=LOGS)
        result = run_import(db.session, [path], "opinions", session=NEW_SESSION, year=2018,
                            dry_run=False, actor="admin")
        assert result.status == "refused"
        assert result.counts["created"] == result.counts["updated"] == 0
        [error] = result.to_json()["errors"]
        assert error["file"] == str(path)
        assert error["cell"] == cell
        assert message in error["message"]
        db.session.rollback()
        assert dump(exclude=LOGS) == before


def test_a_number_too_long_to_store_is_refused_at_its_cell(app, tmp_path):
    with app.app_context():
        path = assignment_list(tmp_path / "list.xlsx", [opinion_row("1" * 17)])
        before = dump(exclude=LOGS)
        result = run_import(db.session, [path], "opinions", session=NEW_SESSION, year=2018,
                            dry_run=False, actor="admin")
        [error] = result.to_json()["errors"]
        assert (error["cell"], error["message"]) == ("城市建设和管理!B2", "编号过大，最多16位数字")
        assert dump(exclude=LOGS) == before
