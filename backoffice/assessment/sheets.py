"""The ranking as an .xlsx sheet (for the performance-assessment office) and as text.

The sheet goes through the export machinery (`importers.exporting.write_rows`): streamed,
typed cells (scores keep their two decimals), a title row above a frozen header, and any
text beginning like a formula written as text.
"""

from backoffice.assessment.ranking_table import Cell, RankingTable
from backoffice.assessment.snapshots import Snapshot
from importers.exporting import Target, write_rows
from importers.exporting.sheets import display_width
from scoring.wording import day

SHEET_NAME = "考核排名"


def title(snapshot: Snapshot, version: int | None = None) -> str:
    """Return the sheet's title line, naming the year, the day and a published version."""
    published = f"（第{version}版）" if version else ""
    return f"{snapshot.year}年度书面意见办理考核排名{published}　截至{day(snapshot.as_of)}"


def write_ranking_xlsx(target: Target, table: RankingTable, heading: str) -> int:
    """Write the ranking to an .xlsx file or binary stream; return the number of units."""
    return write_rows(target, table.header, table.rows, title=heading, name=SHEET_NAME)


def ranking_text(table: RankingTable, heading: str) -> str:
    """Return the ranking as aligned plain text (Chinese characters count two columns)."""
    lines = [[_cell_text(cell) for cell in row] for row in (table.header, *table.rows)]
    widths = [
        max(display_width(line[column]) for line in lines) for column in range(len(table.header))
    ]
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


def _pad(text: str, width: int, column: int) -> str:
    space = " " * (width - display_width(text))
    # The unit's name reads left-aligned; figures line up on the right.
    return text + space if column == 1 else space + text
