"""The ranking as an .xlsx sheet (for the performance-assessment office) and as text.

The sheet is written with xlsxwriter directly until the export machinery's streaming
table writer exists (issue: exports); every text cell goes through `write_string`, so a
unit name beginning with "=" stays text and never becomes a formula.
"""

import io
import unicodedata
from decimal import Decimal

import xlsxwriter

from backoffice.assessment.ranking_table import Cell, RankingTable
from backoffice.assessment.snapshots import Snapshot
from scoring.wording import day

# Background of each tier's rows, best first; later tiers share the last colour.
TIER_COLOURS = ("#C6EFCE", "#DDEBF7", "#FFF2CC")
SHEET_NAME = "考核排名"


def title(snapshot: Snapshot, version: int | None = None) -> str:
    """Return the sheet's title line, naming the year, the day and a published version."""
    published = f"（第{version}版）" if version else ""
    return f"{snapshot.year}年度书面意见办理考核排名{published}　截至{day(snapshot.as_of)}"


def ranking_xlsx(table: RankingTable, heading: str) -> bytes:
    """Return the ranking as an .xlsx workbook: a title row, a frozen header, tiers shaded."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(SHEET_NAME)
    bold = workbook.add_format({"bold": True, "font_size": 14})
    head = workbook.add_format(
        {"bold": True, "bg_color": "#D9D9D9", "border": 1, "text_wrap": True}
    )
    plain = _formats(workbook, {})
    shaded = [_formats(workbook, {"bg_color": colour}) for colour in TIER_COLOURS]
    sheet.write_string(0, 0, heading, bold)
    for column, name in enumerate(table.header):
        sheet.write_string(1, column, name, head)
    for row, (cells, tier) in enumerate(zip(table.rows, table.tiers, strict=True), start=2):
        formats = shaded[min(tier, len(shaded)) - 1] if tier else plain
        for column, cell in enumerate(cells):
            _write(sheet, row, column, cell, formats)
    sheet.freeze_panes(2, 2)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, len(table.header) - 1, 10)
    workbook.close()
    return output.getvalue()


def _formats(workbook: xlsxwriter.Workbook, extra: dict) -> dict[str, object]:
    return {
        "text": workbook.add_format({"border": 1, **extra}),
        "int": workbook.add_format({"border": 1, "num_format": "0", **extra}),
        "points": workbook.add_format({"border": 1, "num_format": "0.00", **extra}),
    }


def _write(sheet, row: int, column: int, cell: Cell, formats: dict[str, object]) -> None:
    if cell is None:
        sheet.write_blank(row, column, None, formats["text"])
    elif isinstance(cell, str):
        sheet.write_string(row, column, cell, formats["text"])
    elif isinstance(cell, Decimal):
        sheet.write_number(row, column, float(cell), formats["points"])
    else:
        sheet.write_number(row, column, cell, formats["int"])


def ranking_text(table: RankingTable, heading: str) -> str:
    """Return the ranking as aligned plain text (Chinese characters count two columns)."""
    lines = [[_cell_text(cell) for cell in row] for row in (table.header, *table.rows)]
    widths = [max(_width(line[column]) for line in lines) for column in range(len(table.header))]
    body = [
        "  ".join(
            _pad(text, width, column)
            for column, (text, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in lines
    ]
    return "\n".join([heading, *body]) + "\n"


def _cell_text(cell: Cell) -> str:
    return "" if cell is None else str(cell)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int, column: int) -> str:
    space = " " * (width - _width(text))
    # The unit's name reads left-aligned; figures line up on the right.
    return text + space if column == 1 else space + text
