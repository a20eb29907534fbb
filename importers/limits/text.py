"""Check a .csv or .txt before it is read: its rows and columns, each field a sane length."""

from __future__ import annotations

import csv
from pathlib import Path

from importers.delimited import read_text, text_rows
from importers.limits.rules import Extent, Limits, Tally
from importers.problems import ReadError


def check_text(path: Path, limits: Limits) -> None:
    """Raise OverLimit (or ReadError) if the file passes a limit or cannot be read as rows."""
    tally = Tally(limits)
    extent = Extent()
    rows = text_rows(read_text(path))
    try:
        for number, row in enumerate(rows, start=1):
            extent.grow(number, len(row))
            if extent.rows > limits.rows or extent.columns > limits.columns:
                break
    except csv.Error as error:  # a field past csv's own limit (128 KB), a stray NUL
        raise ReadError(f"文件第 {rows.line_num} 行无法读取（{error}）") from None
    tally.used(None, extent)
