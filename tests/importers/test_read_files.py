"""Every format offices send reads the same; a file that cannot be read says why in Chinese."""

import io
import shutil

import openpyxl
import pytest

from importers.limits import Limits
from importers.reading import UsageError, read_file, read_paths
from tests.importers.workbook_builders import (
    OPINION_HEADER,
    SAMPLES,
    UNITS,
    opinion_row,
    write_csv,
    write_ods,
    write_xlsx,
)

ROWS = [["交办清单"], OPINION_HEADER, opinion_row("0001", 会办单位="区绿容局、莘庄镇"),
        opinion_row("第2号", lead_unit="交通委", 交办日期="2017年2月20日")]


def facts(result):
    return [(r["number"], r["lead_unit"], r["co_units"], r["assigned_on"].isoformat())
            for r in result.records]


EXPECTED = [(1, "区交通委", ["区绿化市容局", "莘庄镇"], "2017-02-20"),
            (2, "区交通委", [], "2017-02-20")]


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8", "utf-8-sig", "utf-16"])
def test_csv_reads_in_every_encoding_excel_and_wps_save(tmp_path, encoding):
    result = read_file(write_csv(tmp_path / "list.csv", ROWS, encoding), units=UNITS)
    assert result.problems == []
    assert facts(result) == EXPECTED
    assert result.records[0].cell("number") == "list!B3"


def test_xlsm_and_ods_read_like_xlsx(tmp_path):
    for path in (write_xlsx(tmp_path / "list.xlsm", ROWS), write_ods(tmp_path / "list.ods", ROWS)):
        result = read_file(path, units=UNITS)
        assert result.problems == [], path
        assert facts(result) == EXPECTED


def test_xls_reads_like_xlsx():
    result = read_file(SAMPLES / "2017" / "办理情况" / "区房管局-办理情况汇总.xls", "handling")
    assert result.problems == []
    assert [r["number"] for r in result.records][:3] == [46, 94, 128]
    assert result.records[0].cell("accepted_on") == "Sheet1!D3"


def test_an_empty_file_says_so(tmp_path):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    [problem] = read_file(tmp_path / "empty.xlsx").problems
    assert (problem.file, problem.sheet, problem.cell) == (str(tmp_path / "empty.xlsx"), None, None)
    assert problem.message == "文件是空的（0 字节）"


def test_a_workbook_without_data_says_so(tmp_path):
    openpyxl.Workbook().save(tmp_path / "blank.xlsx")
    [problem] = read_file(tmp_path / "blank.xlsx").problems
    assert problem.message == "表格没有数据行：文件中没有任何内容"
    [problem] = read_file(tmp_path / "blank.xlsx", "opinions").problems
    assert problem.message == "表格没有数据行：文件中没有任何内容"


def test_a_workbook_of_no_known_kind_says_so(tmp_path):
    write_xlsx(tmp_path / "other.xlsx", [["姓名", "年龄"], ["张三", 30]])
    [problem] = read_file(tmp_path / "other.xlsx").problems
    assert "无法识别表格类型" in problem.message
    [problem] = read_file(tmp_path / "other.xlsx", "opinions").problems
    assert "没有找到“书面意见交办清单”的表头" in problem.message


@pytest.mark.parametrize("name", ["broken.xlsx", "broken.xls", "broken.ods"])
def test_a_corrupt_file_says_so(tmp_path, name):
    good = write_xlsx(tmp_path / "good.xlsx", ROWS).read_bytes()
    (tmp_path / name).write_bytes(good[: len(good) // 2])
    [problem] = read_file(tmp_path / name).problems
    assert problem.is_error
    assert problem.message.startswith("文件已损坏或不是有效的表格文件")


def test_a_text_file_named_xlsx_says_it_is_not_a_workbook(tmp_path):
    (tmp_path / "fake.xlsx").write_text("编号,标题\n1,x\n", encoding="utf-8")
    [problem] = read_file(tmp_path / "fake.xlsx").problems
    assert problem.message.startswith("文件已损坏或不是有效的表格文件")


def test_an_unsupported_file_type_says_so(tmp_path):
    (tmp_path / "list.pdf").write_bytes(b"%PDF-1.4")
    [problem] = read_file(tmp_path / "list.pdf").problems
    assert "不支持的文件类型" in problem.message


def test_a_password_protected_workbook_says_so(tmp_path):
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml",
                                reason="msoffcrypto-tool makes the encrypted file")
    plain = io.BytesIO()
    openpyxl.Workbook().save(plain)
    plain.seek(0)
    with (tmp_path / "locked.xlsx").open("wb") as out:
        ooxml.OOXMLFile(plain).encrypt("secret", out)
    [problem] = read_file(tmp_path / "locked.xlsx").problems
    assert problem.message.startswith("文件设有打开密码")


def test_a_folder_skips_lock_files_and_reads_subfolders(tmp_path):
    (tmp_path / "sub").mkdir()
    write_xlsx(tmp_path / "sub" / "list.xlsx", ROWS)
    (tmp_path / "~$list.xlsx").write_bytes(b"lock")
    (tmp_path / "notes.md").write_text("x")
    result = read_paths([tmp_path], units=UNITS)
    assert [f.path.name for f in result.files] == ["list.xlsx"]


def test_an_empty_folder_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="没有找到可导入的表格文件"):
        read_paths([tmp_path])


def test_a_bad_file_in_a_folder_does_not_stop_the_others(tmp_path):
    shutil.copy(SAMPLES / "2017" / "承办单位名录.xlsx", tmp_path)
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really")
    result = read_paths([tmp_path])
    assert [(f.path.name, f.kind, len(f.records)) for f in result.files] == [
        ("承办单位名录.xlsx", "units", 52), ("broken.xlsx", None, 0)]
    assert len(result.errors) == 1


def test_problems_turn_into_plain_json_data(tmp_path):
    rows = [OPINION_HEADER, opinion_row("1", 交办日期="不详")]
    [problem] = read_file(write_xlsx(tmp_path / "d.xlsx", rows), units=UNITS).errors
    assert problem.to_dict() == {
        "file": str(tmp_path / "d.xlsx"), "sheet": "Sheet1", "cell": "Sheet1!J2",
        "field": "assigned_on", "value": "不详",
        "message": "交办日期：无法识别的日期，请写成 2017-03-05 或 2017年3月5日", "level": "error",
    }


def test_sheet_names_that_need_quotes_are_quoted_in_cells(tmp_path):
    path = write_xlsx(tmp_path / "q.xlsx", {"第 1 批": [OPINION_HEADER, opinion_row("1")]})
    assert read_file(path, units=UNITS).records[0].cell("number") == "'第 1 批'!B2"


def test_a_tab_separated_text_file_reads_too(tmp_path):
    text = "\n".join("\t".join(str(v) for v in row) for row in ROWS[1:])
    (tmp_path / "list.txt").write_bytes(text.encode("utf-16"))
    assert facts(read_file(tmp_path / "list.txt", units=UNITS)) == EXPECTED


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = write_xlsx(tmp_path / "big.xlsx", ROWS)
    [problem] = read_file(path, limits=Limits(file_bytes=1024)).problems
    assert problem.message.startswith("文件过大（")
    assert "请拆分" in problem.message
    assert read_file(path, units=UNITS, limits=Limits(file_bytes=path.stat().st_size)).ok


def test_a_header_only_sheet_is_an_error_saying_it_has_no_data_rows(tmp_path):
    for path in (write_xlsx(tmp_path / "h.xlsx", [["交办清单"], OPINION_HEADER]),
                 write_csv(tmp_path / "h.csv", [OPINION_HEADER, [""] * len(OPINION_HEADER)])):
        result = read_file(path, units=UNITS)
        assert result.kind == "opinions"
        [problem] = result.problems
        assert (problem.file, problem.sheet, problem.level) == (str(path), None, "error")
        assert problem.message.startswith("表格没有数据行")


def test_one_header_only_sheet_beside_sheets_with_rows_is_a_warning(tmp_path):
    path = write_xlsx(tmp_path / "two.xlsx", {"社会事业": [OPINION_HEADER, opinion_row("1")],
                                              "财政经济": [OPINION_HEADER]})
    result = read_file(path, units=UNITS)
    assert len(result.records) == 1
    [warning] = result.problems
    assert (warning.sheet, warning.level) == ("财政经济", "warning")
    assert warning.message == "工作表“财政经济”只有表头，没有数据行"
