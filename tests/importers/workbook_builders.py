"""Small workbooks written on the fly, with the mess offices leave in them."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl

Rows = Sequence[Sequence[Any]]


def write_xlsx(path: Path, sheets: dict[str, Rows] | Rows, *, merged: Iterable[str] = (),
               hidden_columns: Iterable[str] = (), hidden_sheets: Iterable[str] = ()) -> Path:
    """Write rows (or {sheet: rows}) to an .xlsx; merges and hiding apply to the first sheet."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in (sheets if isinstance(sheets, dict) else {"Sheet1": sheets}).items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        if name in hidden_sheets:
            sheet.sheet_state = "hidden"
    first = book.worksheets[0]
    for cells in merged:
        first.merge_cells(cells)
    for column in hidden_columns:
        first.column_dimensions[column].hidden = True
    book.save(path)
    return path


def write_csv(path: Path, rows: Rows, encoding: str = "gb18030") -> Path:
    """Write rows as a CSV in the given encoding, as Excel and WPS save them."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["" if v is None else v for v in row] for row in rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_ods(path: Path, rows: dict[str, Rows] | Rows, sheet: str = "Sheet1") -> Path:
    """Write rows (or {sheet: rows}) as a minimal OpenDocument spreadsheet.

    Cells are floats, dates or text; a line break in a text starts a new paragraph.
    """
    def cell(value: Any) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        if isinstance(value, date):
            return (f'<table:table-cell office:value-type="date" '
                    f'office:date-value="{value.isoformat()}">'
                    f"<text:p>{value.isoformat()}</text:p></table:table-cell>")
        paragraphs = "".join(f"<text:p>{escape(line)}</text:p>"
                             for line in str(value).split("\n"))
        return f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>'

    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join(f"<table:table-row>{''.join(cell(v) for v in row)}</table:table-row>"
                  for row in sheet_rows)
        + "</table:table>"
        for name, sheet_rows in (rows if isinstance(rows, dict) else {sheet: rows}).items())
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


OPINION_HEADER = ["序号", "编号", "案由", "领衔代表", "附议代表", "代表团", "类别", "主办单位",
                  "会办单位", "交办日期", "督办领导"]


def opinion_row(number: Any, lead_unit: str = "区交通委", **changes: Any) -> list[Any]:
    """Return one assignment-list row in OPINION_HEADER's order."""
    values = {
        "序号": 1, "编号": number, "案由": f"关于第{number}件的建议", "领衔代表": "张三",
        "附议代表": "", "代表团": "莘庄镇代表团", "类别": "城市建设和管理",
        "主办单位": lead_unit, "会办单位": "", "交办日期": "2017-02-20", "督办领导": "",
    }
    values.update(changes)
    return [values[name] for name in OPINION_HEADER]


UNITS = {
    "区交通委": ["闵行区交通委员会", "交通委"],
    "区绿化市容局": ["闵行区绿化和市容管理局", "区绿容局"],
    "莘庄镇": ["闵行区莘庄镇"],
    "区房管局": [],
}

SAMPLES = Path(__file__).resolve().parents[2] / "backoffice" / "demo" / "data"
