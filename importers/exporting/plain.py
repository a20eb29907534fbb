"""Plain tables: rows under headers, to .xlsx or to a CSV that Excel opens in Chinese.

    write_rows("排名.xlsx", ["单位", "得分"], rows, title="2017年度考核排名")

Both stream: rows are consumed one at a time and never held together in memory, and
both are formula-safe (see `safety`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from importers.clock import wall_clock
from importers.exporting.book import ExportBook, Target
from importers.exporting.safety import csv_safe
from importers.exporting.sheets import Column, sheet_name

UTF8_BOM = "\ufeff"  # without it Excel reads a UTF-8 CSV as the local code page: garbled


def write_rows(target: Target, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
               title: str | None = None, name: str | None = None) -> int:
    """Write rows under headers to an .xlsx, streaming and formula-safe; return the count.

    Cells are typed from the values: text, numbers (a Decimal keeps its decimal places),
    dates and datetimes as date cells, True/False as 是/否, lists joined by 、, None blank.
    A title, if given, stands in a merged row above the frozen header.
    """
    with ExportBook(target) as book:
        columns = [Column(str(header)) for header in headers]
        return book.add_sheet(sheet_name(name or title or "数据"), columns, rows,
                              title=title)


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Yield a CSV's lines, the first with a UTF-8 BOM, every text cell formula-safe."""
    buffer = _Line()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(header) for header in headers])
    yield UTF8_BOM + buffer.take()
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        yield buffer.take()


def write_csv(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a CSV file (UTF-8 with BOM); return how many rows it got."""
    count = -1
    with open(path, "w", encoding="utf-8", newline="") as handle:
        for count, line in enumerate(csv_lines(headers, rows)):  # noqa: B007
            handle.write(line)
    return count


def csv_cell(value: Any) -> Any:
    """Return a value as a CSV cell: text made safe, numbers as they are, dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return wall_clock(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, list | tuple | set | frozenset):
        value = "、".join(str(item) for item in value)
    return csv_safe(str(value))


class _Line:
    """A file-like target that hands back what csv.writer wrote."""

    def __init__(self) -> None:
        self._parts: list[str] = []

    def write(self, text: str) -> None:
        self._parts.append(text)

    def take(self) -> str:
        text = "".join(self._parts)
        self._parts.clear()
        return text
