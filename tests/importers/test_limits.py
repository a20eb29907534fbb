"""The limits checked before a workbook is parsed: every bomb refused fast, every sample passes."""

import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from importers import read_file
from importers.annotating import annotate
from importers.limits import DEFAULT_LIMITS, Limits, OverLimit, check_workbook
from importers.problems import ReadError
from tests.importers.hostile_files import (
    LIBREOFFICE_TAIL,
    cell_xml,
    cells_sheet,
    deflate_bomb,
    ods_cell,
    ods_row,
    rewritten_xls,
    sheet_xml,
    write_ods_content,
    write_xlsx_parts,
)
from tests.importers.workbook_builders import OPINION_HEADER, SAMPLES, opinion_row, write_csv

BOMB_SECONDS = 10  # the bar: a bomb is refused well within this


def refusal(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    # CPU seconds: the cores are shared, and a busy machine must not fail the test.
    started = time.process_time()
    with pytest.raises(OverLimit) as refused:
        check_workbook(path, limits)
    assert time.process_time() - started < BOMB_SECONDS
    return str(refused.value)


def a1_and_xfd(path: Path) -> Path:
    return write_xlsx_parts(path, {"Sheet1": cells_sheet([("A1", 1), ("XFD1048576", 2)])})


@pytest.mark.parametrize("sample", sorted(p for p in SAMPLES.rglob("*")
                                          if p.suffix in {".xlsx", ".xls", ".csv"}),
                         ids=lambda p: p.name)
def test_every_sample_workbook_passes(sample):
    check_workbook(sample)


def test_one_value_in_the_last_cell_beside_a1_is_refused_naming_sheet_and_limits(tmp_path):
    message = refusal(a1_and_xfd(tmp_path / "bomb.xlsx"))
    assert message.startswith("工作表“Sheet1”的数据范围达到 1048576 行 × 16384 列（最后一格 "
                              "XFD1048576），超过上限（最多 200000 行、最多 1024 列、"
                              "最多 5000000 个单元格）")


def test_cells_placed_by_their_running_position_are_followed(tmp_path):
    # No `r` on the cells: the row's `r` and the cells before place them, as calamine does.
    row = '<row r="150000">' + cell_xml(None, "x") * 1100 + "</row>"
    path = write_xlsx_parts(tmp_path / "running.xlsx", {"名单": sheet_xml([row])})
    assert refusal(path).startswith("工作表“名单”的数据范围达到 150000 行 × 1025 列"
                                    "（最后一格 AMK150000），超过上限（最多 1024 列、")


def test_a_place_or_repeat_too_long_to_be_a_number_is_a_read_error(tmp_path):
    reference = "A" + "9" * 5000  # past what Python turns into an int by default
    xlsx = write_xlsx_parts(tmp_path / "long.xlsx", {"Sheet1": cells_sheet([(reference, 1)])})
    with pytest.raises(ReadError, match="单元格位置“A9999999999999999999”有误"):
        check_workbook(xlsx)
    row = f'<table:table-row table:number-rows-repeated="{"9" * 5000}">{ods_cell("x")}'
    ods = write_ods_content(tmp_path / "long.ods", {"表1": row + "</table:table-row>"})
    with pytest.raises(ReadError, match="重复次数"):
        check_workbook(ods)


def test_an_empty_styled_cell_far_out_is_not_counted(tmp_path):
    # calamine drops cells without a value, so they never widen what it allocates.
    path = write_xlsx_parts(tmp_path / "styled.xlsx",
                            {"Sheet1": cells_sheet([("A1", 1), ("XFD1048576", None)])})
    check_workbook(path)
    [problem] = read_file(path).problems
    assert "没有找到任何一种可导入表格的表头" in problem.message


def test_a_worksheet_in_utf16_is_refused_as_it_cannot_be_checked(tmp_path):
    sheet = cells_sheet([("A1", 1), ("XFD1048576", 2)]).replace("UTF-8", "UTF-16")
    path = write_xlsx_parts(tmp_path / "wide.xlsx", {"Sheet1": sheet.encode("utf-16")})
    with pytest.raises(ReadError, match=r"“xl/worksheets/sheet1\.xml”使用 UTF-16 编码"):
        check_workbook(path)


def test_a_declared_dimension_beyond_the_limits_is_refused(tmp_path):
    path = write_xlsx_parts(tmp_path / "dimension.xlsx",
                            {"Sheet1": cells_sheet([("A1", 1)], dimension="A1:XFD1048576")})
    assert refusal(path).startswith("工作表“Sheet1”标注的数据范围 A1:XFD1048576 达到 "
                                    "1048576 行 × 16384 列，超过上限")


def test_a_deflate_bomb_is_refused_by_its_declared_size(tmp_path):
    message = refusal(deflate_bomb(tmp_path / "zeros.xlsx"))
    assert message == "文件中的“xl/media/image1.bin”解压后为 1.0 GB，超过单个部分 256.0 MB 的上限"


def test_a_deflate_bomb_that_lies_about_its_size_is_refused_by_inflating_it(tmp_path):
    path = deflate_bomb(tmp_path / "liar.xlsx", declared=1024)
    assert path.stat().st_size < 2 * 2**20
    message = refusal(path)
    assert message == ("文件中的“xl/media/image1.bin”解压后超过单个部分 256.0 MB 的上限"
                       "（文件目录中只标注了 1 KB，与实际不符）")


def test_everything_inflated_together_is_limited_too(tmp_path):
    path = deflate_bomb(tmp_path / "zeros.xlsx", inflated=64 * 2**20, declared=1024)
    assert "文件解压后超过 16.0 MB 的上限" in refusal(path, Limits(inflated_bytes=16 * 2**20))


def test_too_many_parts_are_refused_before_the_directory_is_listed(tmp_path):
    path = write_xlsx_parts(tmp_path / "parts.xlsx", {"Sheet1": cells_sheet([("A1", 1)])})
    with zipfile.ZipFile(path, "a") as archive:
        for number in range(2000):
            archive.writestr(f"xl/media/{number}.bin", b"")
    assert refusal(path) == "文件内部含有 2005 个部分，超过 2000 个的上限，不像是正常的表格文件"


def test_too_many_sheets_are_refused(tmp_path):
    sheets = {f"第{i}页": cells_sheet([("A1", i)]) for i in range(1, 258)}
    path = write_xlsx_parts(tmp_path / "sheets.xlsx", sheets)
    assert refusal(path) == "工作簿有 257 个工作表，超过 256 个的上限"


def test_too_many_rows_are_refused_and_the_limit_is_a_parameter(tmp_path):
    rows = (f'<row r="{n}">{cell_xml(f"A{n}", n)}</row>' for n in range(1, 200_002))
    path = write_xlsx_parts(tmp_path / "rows.xlsx", {"Sheet1": sheet_xml(rows)})
    assert "的数据范围达到 200001 行 × 1 列（最后一格 A200001），超过上限（最多 200000 行）" in (
        refusal(path))
    check_workbook(path, Limits(rows=200_001))


def test_the_cells_of_all_sheets_count_together(tmp_path):
    sheet = cells_sheet([("A1", 1), ("T30", 2)])  # 30 rows × 20 columns
    path = write_xlsx_parts(tmp_path / "cells.xlsx", {"一": sheet, "二": sheet})
    check_workbook(path, Limits(cells=1200))
    assert refusal(path, Limits(cells=1000)) == (
        "各工作表的数据范围合计达到 1200 个单元格，超过 1000 个的上限；请拆分成几个文件")


def test_an_ods_value_repeated_over_the_sheet_is_refused(tmp_path):
    path = write_ods_content(tmp_path / "repeats.ods",
                             {"表1": ods_row([ods_cell("填", 16384)], repeat=100_000)})
    assert refusal(path).startswith("工作表“表1”的数据范围达到 100000 行 × 16384 列")


def test_an_ods_value_after_a_million_empty_rows_is_refused(tmp_path):
    rows = (ods_row([ods_cell("a")]) + ods_row([ods_cell(None, 1024)], repeat=1_000_000)
            + ods_row([ods_cell("b")]))
    path = write_ods_content(tmp_path / "far.ods", {"表1": rows})
    assert refusal(path).startswith("工作表“表1”的数据范围达到 1000002 行 × 1 列")


def test_libreoffice_s_trailing_empty_repeats_pass(tmp_path):
    rows = [ods_row([ods_cell(h) for h in OPINION_HEADER] + [ods_cell(None, 1013)])]
    rows.append(ods_row([ods_cell(v) for v in opinion_row("1")] + [ods_cell(None, 1013)]))
    path = write_ods_content(tmp_path / "libre.ods", {"清单": "".join(rows) + LIBREOFFICE_TAIL})
    check_workbook(path)
    assert [r["number"] for r in read_file(path).records] == [1]


@pytest.mark.parametrize(("cell", "expected"), [
    ((65535, 255), "达到 65536 行 × 256 列（最后一格 IV65536），超过上限（最多 5000000 个单元格）"),
    ((65535, 65535), "达到 65536 行 × 65536 列（最后一格 CRXP65536），超过上限（最多 1024 列、"),
])
def test_an_xls_cell_at_the_last_row_is_refused(tmp_path, cell, expected):
    assert expected in refusal(rewritten_xls(tmp_path / "far.xls", cell=cell))


@pytest.mark.parametrize(("dimensions", "expected"), [
    ((0, 0x7FFFFFFF, 0, 256), "标注的数据范围 A1:IV2147483647 达到 2147483647 行 × 256 列"),
    ((5, 2, 0, 10), "标注的数据范围 A6:J2 达到 4294967293 行 × 10 列"),  # wraps in calamine
])
def test_a_forged_xls_dimensions_record_is_refused(tmp_path, dimensions, expected):
    assert expected in refusal(rewritten_xls(tmp_path / "dims.xls", dimensions=dimensions))


def test_a_csv_with_too_many_rows_or_columns_is_refused(tmp_path):
    tall = write_csv(tmp_path / "tall.csv", [[n] for n in range(200_001)])
    assert refusal(tall) == ("文件的数据范围达到 200001 行 × 1 列（最后一格 A200001），超过上限"
                             "（最多 200000 行）；请删除表格末尾或右侧多余的内容，或拆分成几个文件")
    wide = write_csv(tmp_path / "wide.csv", [list(range(1025))])
    assert "达到 1 行 × 1025 列" in refusal(wide)


def test_a_csv_field_past_the_csv_reader_s_limit_is_a_read_error(tmp_path):
    path = write_csv(tmp_path / "field.csv", [OPINION_HEADER, ["x" * 200_000]])
    with pytest.raises(ReadError, match="文件第 2 行无法读取"):
        check_workbook(path)
    [problem] = read_file(path).problems
    assert problem.message.startswith("文件第 2 行无法读取")


def test_an_annotated_copy_of_a_refused_file_holds_its_problems_alone(tmp_path):
    path = a1_and_xfd(tmp_path / "bomb.xlsx")
    [problem] = read_file(path).problems
    book = openpyxl.load_workbook(annotate(path, [problem], tmp_path / "annotated.xlsx"))
    assert book.sheetnames == ["导入问题"]
    assert book["导入问题"]["D2"].value == problem.message


def test_limits_round_trip_through_settings():
    settings = Limits(rows=10).settings()
    assert settings["IMPORT_MAX_ROWS"] == 10 and settings["IMPORT_MAX_CELLS"] == 5_000_000
    assert Limits.from_settings({"IMPORT_MAX_ROWS": 10, "OTHER": 1}) == Limits(rows=10)


_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
path = sys.argv[2]
if sys.argv[1] == "unguarded":
    import python_calamine
    python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_name("Sheet1")
else:
    import time
    from importers import read_file
    started = time.process_time()
    message = read_file(path).problems[0].message
    print(time.process_time() - started)
    print(message)
"""


def test_a_worker_reading_a_bomb_survives_with_the_refusal(tmp_path):
    path = a1_and_xfd(tmp_path / "bomb.xlsx")
    root = Path(__file__).resolve().parents[2]
    run = [sys.executable, "-c", _CHILD]
    # Unguarded, calamine asks for 512 GiB and the process aborts: this is what is at stake.
    unguarded = subprocess.run([*run, "unguarded", str(path)], capture_output=True, text=True,
                               cwd=root, timeout=120)
    assert unguarded.returncode != 0
    assert "memory allocation of 549755813888 bytes failed" in unguarded.stderr
    guarded = subprocess.run([*run, "guarded", str(path)], capture_output=True, text=True,
                             cwd=root, timeout=120)
    assert guarded.returncode == 0, guarded.stderr
    seconds, message = guarded.stdout.splitlines()
    assert message.startswith("工作表“Sheet1”的数据范围达到 1048576 行 × 16384 列")
    assert float(seconds) < BOMB_SECONDS


def test_checking_a_bomb_takes_little_memory(tmp_path):
    path = deflate_bomb(tmp_path / "liar.xlsx", declared=1024)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    refusal(path)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 64
