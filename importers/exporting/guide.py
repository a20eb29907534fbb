"""The instructions sheet (填写说明): how to fill in each data sheet, column by column."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from importers.exporting.sheets import Column

INSTRUCTION_WIDTHS = (20, 10, 70, 20)
TABLE_HEADER = ["列名", "是否必填", "填写方法", "能否修改"]


@dataclass
class Guide:
    """What the instructions sheet says about one data sheet."""

    sheet: str
    title: str
    columns: list[Column]
    notes: list[str] = field(default_factory=list)


def general_notes(any_locked: bool) -> list[str]:
    """Return the notes that hold for every sheet of the workbook."""
    notes = [
        "请不要修改、移动或删除表头行（每张表的第2行），也不要增加、删除或调换列；"
        "新增记录请填在表格末尾的空行里。",
        "带下拉箭头的单元格请从列表中选择；日期请填写为日期，如 2017-03-05。",
        "红色列名为必填项。以 =、+、-、@ 开头的内容一律按文字保存，不会被当作公式计算。",
        "填好后请保存为 .xlsx 文件（不要改为其他格式），交回区府办导入。",
    ]
    if any_locked:
        notes.insert(0, "灰色单元格已锁定，是区府办登记的内容，请勿修改；白色单元格可以填写。"
                        "工作表保护没有密码，只为防止误改，确需修改锁定内容请与区府办联系。")
    return notes


def instruction_rows(extra_notes: Sequence[str],
                     guides: Sequence[Guide]) -> Iterator[tuple[str, list[str]]]:
    """Yield the instructions sheet's rows as (format role, cells)."""
    yield "title", ["填写说明"]
    any_locked = any(column.locked for guide in guides for column in guide.columns)
    for number, note in enumerate([*general_notes(any_locked), *extra_notes], start=1):
        yield "note", [f"{number}. {note}"]
    for guide in guides:
        yield "note", []
        yield "heading", [f"工作表“{guide.sheet}”：{guide.title}"]
        for note in guide.notes:
            yield "note", [note]
        yield "header", TABLE_HEADER
        for column in guide.columns:
            change = "锁定（新增的行可填写）" if column.locked else "可填写"
            yield "note", [column.header, "必填" if column.required else "选填",
                           column.how or "文字", change]
