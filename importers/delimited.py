"""Text files of rows (.csv, .txt): decode them as Excel and WPS save them, find the delimiter."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from importers.problems import ReadError


def read_text(path: Path) -> str:
    """Return the file's text, decoded as Excel or WPS saved it."""
    return decode_text(path.read_bytes())


def decode_text(data: bytes) -> str:
    """Decode a text file saved by Excel or WPS in UTF-8, UTF-16 or GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError("无法识别文件的文字编码，请另存为 UTF-8 或 GBK 编码的 CSV")


def text_rows(text: str) -> Iterator[list[str]]:
    """Return a reader of the text's rows, its delimiter (comma, tab or semicolon) sniffed."""
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text, newline=""), dialect)
