"""Hand a workbook back with every problem cell highlighted and commented.

An .xlsx or .xlsm keeps its formatting (openpyxl edits it in place); any other
format, or a workbook too big to edit in memory, is rewritten as an .xlsx of its
values, streamed. A first sheet 导入问题 lists every problem with a link to its cell.
A file beyond the limits (or unreadable) is not opened: the copy holds that sheet only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from importers.exporting.safety import looks_like_formula
from importers.limits import DEFAULT_LIMITS, Limits, check_workbook
from importers.problems import Problem, ReadError
from importers.workbooks import read_sheets

SUMMARY_SHEET = "导入问题"
EDITABLE_BYTES = 5 * 1024 * 1024  # larger .xlsx files are rewritten, not loaded whole
AUTHOR = "导入检查"

_FILLS = {
    "error": PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE"),
    "warning": PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C"),
}
_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")
_ROW = re.compile(r"^(\d+):\d+$")

Where = tuple[str, int, int | None]  # sheet, 1-based row, 1-based column (None: whole row)


def annotated_name(path: str | Path) -> str:
    """Return the annotated copy's file name: 清单.xls -> 清单-标注.xlsx."""
    path = Path(path)
    suffix = ".xlsm" if path.suffix.lower() == ".xlsm" else ".xlsx"
    return f"{path.stem}-标注{suffix}"


def split_cell(cell: str | None) -> Where | None:
    """Turn `'第 1 批'!B2` into ('第 1 批', 2, 2) and `表!5:5` into ('表', 5, None)."""
    if not cell or "!" not in cell:
        return None
    sheet, _, ref = cell.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    if match := _CELL.match(ref):
        return sheet, int(match.group(2)), column_index_from_string(match.group(1))
    if match := _ROW.match(ref):
        return sheet, int(match.group(1)), None
    return None


def annotate(path: str | Path, problems: Sequence[Problem], target: str | Path,
             limits: Limits = DEFAULT_LIMITS) -> Path:
    """Write the workbook at path with its problems marked to target; return target."""
    path, target = Path(path), Path(target)
    try:
        check_workbook(path, limits)
        readable = True
    except ReadError:
        readable = False
    editable = path.suffix.lower() in (".xlsx", ".xlsm") and path.stat().st_size <= EDITABLE_BYTES
    marks = _marks(problems)
    if readable and editable:
        try:
            _edit(path, problems, marks, target)
            return target
        except Exception:  # a workbook openpyxl cannot edit in place is rewritten instead
            target.unlink(missing_ok=True)
    _rewrite(path if readable else None, problems, marks, target, limits)
    return target


def _marks(problems: Iterable[Problem]) -> dict[str, dict[tuple[int, int | None], list[Problem]]]:
    marks: dict[str, dict[tuple[int, int | None], list[Problem]]] = defaultdict(
        lambda: defaultdict(list))
    for problem in problems:
        where = split_cell(problem.cell)
        if where:
            marks[where[0]][where[1], where[2]].append(problem)
    return marks


def _note(problems: Sequence[Problem]) -> Comment:
    text = "\n".join(("错误：" if p.is_error else "提示：") + p.message for p in problems)
    comment = Comment(_storable(text), AUTHOR)
    comment.width, comment.height = 320, 40 + 20 * len(problems)
    return comment


def _fill(problems: Sequence[Problem]) -> PatternFill:
    return _FILLS["error" if any(p.is_error for p in problems) else "warning"]


def _summary_rows(problems: Sequence[Problem]) -> list[list[str]]:
    rows = []
    for problem in problems:
        rows.append([_storable(text) for text in (
            problem.cell or problem.sheet or "（整个文件）", "错误" if problem.is_error else "提示",
            "" if problem.value is None else str(problem.value), problem.message)])
    return rows


_SUMMARY_HEADER = ["位置", "级别", "单元格内容", "问题"]
_SUMMARY_WIDTHS = [28, 8, 24, 80]


def _edit(path: Path, problems: Sequence[Problem], marks: dict, target: Path) -> None:
    book = openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    for sheet_name, cells in marks.items():
        if sheet_name not in book.sheetnames:
            continue
        sheet = book[sheet_name]
        for (row, column), found in cells.items():
            targets = ([sheet.cell(row, column)] if column else
                       [cell for cell in sheet[row] if cell.value not in (None, "")]
                       or [sheet.cell(row, 1)])
            for cell in targets:
                cell.fill = _fill(found)
            targets[0].comment = _note(found)
    summary = book.create_sheet(SUMMARY_SHEET, 0)
    summary.append(_SUMMARY_HEADER)
    for values, problem in zip(_summary_rows(problems), problems, strict=True):
        summary.append(values)
        for cell in summary[summary.max_row]:
            _as_text(cell)
        where = split_cell(problem.cell)
        if where and where[0] in book.sheetnames:
            link = summary.cell(summary.max_row, 1)
            column = get_column_letter(where[2] or 1)
            link.hyperlink = Hyperlink(ref=link.coordinate,
                                       location=f"'{where[0]}'!{column}{where[1]}")
            link.font = Font(color="0563C1", underline="single")
        summary.cell(summary.max_row, 4).fill = _fill([problem])
    _style_summary(summary)
    book.active = 0
    book.save(target)


def _style_summary(summary) -> None:
    for index, width in enumerate(_SUMMARY_WIDTHS, start=1):
        summary.column_dimensions[get_column_letter(index)].width = width
    for cell in summary[1]:
        cell.font = Font(bold=True)
    for row in summary.iter_rows(min_row=2, min_col=4, max_col=4):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _rewrite(path: Path | None, problems: Sequence[Problem], marks: dict, target: Path,
             limits: Limits) -> None:
    """Stream the workbook's values into a new .xlsx, marking problem cells on the way.

    With no path (a file that cannot be read safely), write the problems alone.
    """
    book = openpyxl.Workbook(write_only=True)
    summary = book.create_sheet(SUMMARY_SHEET)
    for index, width in enumerate(_SUMMARY_WIDTHS, start=1):
        summary.column_dimensions[get_column_letter(index)].width = width
    summary.append([_bold(summary, text) for text in _SUMMARY_HEADER])
    for values, problem in zip(_summary_rows(problems), problems, strict=True):
        cells = [_as_text(WriteOnlyCell(summary, value)) for value in values]
        cells[3].fill = _fill([problem])
        summary.append(cells)
    if path is not None:
        _copy_sheets(book, path, marks, limits)
    book.save(target)


def _copy_sheets(book, path: Path, marks: dict, limits: Limits) -> None:
    try:
        for sheet in read_sheets(path, limits):
            out = book.create_sheet(sheet.name[:31])
            cells = marks.get(sheet.name, {})
            for number, read in enumerate(sheet.rows(), start=1):
                values = [_storable(value) for value in read]
                if not any((number, c) in cells for c in (None, *range(1, len(values) + 2))):
                    out.append([_as_text(WriteOnlyCell(out, value)) if _formula_like(value)
                                else value for value in values])
                    continue
                out.append(_marked_row(out, number, values, cells))
    except ReadError:
        pass  # the sheets copied so far stay; the summary says what is wrong with the file


def _storable(value: Any) -> Any:
    """Return value without the control characters a workbook cannot hold (openpyxl
    refuses them: a cell pasted from another program may carry a vertical tab)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _formula_like(value: object) -> bool:
    return isinstance(value, str) and looks_like_formula(value)


def _as_text(cell):
    """Keep text that looks like a formula text (openpyxl would store "=..." as one): the
    copy hands back what the cell read, never something Excel runs."""
    if _formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _bold(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, text)
    cell.font = Font(bold=True)
    return cell


def _marked_row(sheet, number: int, values: list, cells: dict) -> list[WriteOnlyCell]:
    whole_row = cells.get((number, None), [])
    width = max([len(values), *(c for (r, c) in cells if r == number and c)])
    row = []
    for column in range(1, width + 1):
        value = values[column - 1] if column <= len(values) else None
        cell = _as_text(WriteOnlyCell(sheet, value if value != "" else None))
        found = cells.get((number, column), [])
        if found or (whole_row and value not in (None, "")):
            cell.fill = _fill([*found, *whole_row])
        if found or (whole_row and column == 1):
            cell.comment = _note([*found, *(whole_row if column == 1 else [])])
        row.append(cell)
    return row
