"""Workbooks handed back with their problem cells highlighted and commented."""

import openpyxl

from importers.annotating import SUMMARY_SHEET, annotate, annotated_name, split_cell
from importers.problems import Problem
from tests.importers.workbook_builders import write_csv, write_xlsx

ROWS = [["编号", "标题", "主办单位"],
        [1, "关于甲的建议", "区交通局"],
        [2, "关于乙的建议", "区房管局"]]


def problem(path, cell, message, level="error", value=None):
    return Problem(str(path), "Sheet1", cell, None, value, message, level)


def test_cells_are_split_into_sheet_row_and_column():
    assert split_cell("城市建设和管理!H17") == ("城市建设和管理", 17, 8)
    assert split_cell("'第 1 批'!AB2") == ("第 1 批", 2, 28)
    assert split_cell("'O''Neil'!5:5") == ("O'Neil", 5, None)
    assert split_cell(None) is None and split_cell("Sheet1") is None


def test_an_xlsx_keeps_its_cells_and_gets_its_problems_marked(tmp_path):
    path = write_xlsx(tmp_path / "list.xlsx", [["清单"], *ROWS], merged=["A1:C1"])
    problems = [problem(path, "Sheet1!C3", "未知单位“区交通局”", value="区交通局"),
                problem(path, "Sheet1!B4", "标题过长", "warning"),
                problem(path, "Sheet1!4:4", "重复的编号"),
                Problem(str(path), None, None, None, None, "整个文件的问题")]
    book = openpyxl.load_workbook(annotate(path, problems, tmp_path / "out.xlsx"))
    assert book.sheetnames == [SUMMARY_SHEET, "Sheet1"]
    sheet = book["Sheet1"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["清单", None, None], *ROWS]
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:C1"]
    assert sheet["C3"].comment.text == "错误：未知单位“区交通局”"
    assert sheet["C3"].fill.start_color.rgb.endswith("FFC7CE")
    assert sheet["B4"].comment.text == "提示：标题过长"
    assert sheet["A4"].comment.text == "错误：重复的编号"  # the whole row, noted on its first
    assert sheet["C4"].fill.start_color.rgb.endswith("FFC7CE")
    assert sheet["A2"].comment is None and sheet["A2"].fill.fill_type is None
    summary = [[c.value for c in row] for row in book[SUMMARY_SHEET].iter_rows()]
    assert summary[0] == ["位置", "级别", "单元格内容", "问题"]
    assert summary[1] == ["Sheet1!C3", "错误", "区交通局", "未知单位“区交通局”"]
    assert summary[4] == ["（整个文件）", "错误", None, "整个文件的问题"]
    assert book[SUMMARY_SHEET]["A2"].hyperlink.location == "'Sheet1'!C3"


def test_a_csv_comes_back_as_an_xlsx_of_its_values_with_the_marks(tmp_path):
    path = write_csv(tmp_path / "办理情况.csv", ROWS)
    problems = [Problem(str(path), "办理情况", "办理情况!C2", "lead_unit", "区交通局",
                        "未知单位“区交通局”"),
                Problem(str(path), "办理情况", "办理情况!3:3", None, None, "整行有误")]
    target = tmp_path / annotated_name(path)
    assert target.name == "办理情况-标注.xlsx"
    book = openpyxl.load_workbook(annotate(path, problems, target))
    sheet = book["办理情况"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        [str(v) for v in row] for row in ROWS]
    assert sheet["C2"].comment.text == "错误：未知单位“区交通局”"
    assert sheet["A3"].comment.text == "错误：整行有误"
    assert sheet["C3"].fill.start_color.rgb.endswith("FFC7CE")
    assert sheet["B2"].comment is None
