"""Problems found while reading a workbook, each pointing at the cell to fix."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Literal

Level = Literal["error", "warning"]

# Excel quotes a sheet name in a reference when it holds anything but word characters.
_PLAIN_SHEET_NAME = re.compile(r"^\w+$")


def column_letter(index: int) -> str:
    """Return the Excel letters of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(sheet: str, row: int, column: int | None) -> str:
    """Return an Excel reference like `城市建设和管理!H17` for 0-based row and column."""
    name = sheet if _PLAIN_SHEET_NAME.match(sheet) else "'" + sheet.replace("'", "''") + "'"
    where = f"{column_letter(column)}{row + 1}" if column is not None else f"{row + 1}:{row + 1}"
    return f"{name}!{where}"


# A cell's value longer than this is shown in a message by its beginning and its length.
SHOWN_VALUE, SHOWN_BEGINNING = 60, 30


def cell_excerpt(value: Any) -> str:
    """Return a problem's value as a message shows it: a 32,767-character cell cut short."""
    if value is None:
        return ""
    text = str(value)
    if len(text) <= SHOWN_VALUE:
        return text
    return f"{text[:SHOWN_BEGINNING]}…（共{len(text)}字）"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a file, said in Chinese, with where it is and what was there."""

    file: str
    sheet: str | None
    cell: str | None
    field: str | None
    value: Any
    message: str
    level: Level = "error"

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def to_dict(self) -> dict[str, Any]:
        """Return the problem as plain JSON-ready data (values as text)."""
        data = asdict(self)
        if data["value"] is not None and not isinstance(data["value"], str | int | float | bool):
            data["value"] = str(data["value"])
        return data

    def __str__(self) -> str:
        where = self.cell or self.sheet or ""
        return f"{self.file} {where} {self.message}".replace("  ", " ")


# What a file that no reader can make sense of is told (the reason follows in brackets).
CORRUPT = "文件已损坏或不是有效的表格文件，无法读取"


class ReadError(Exception):
    """A whole file cannot be read; the message is Chinese and meant for the user."""
