"""What a document's bytes must be for its extension: the magic bytes of each kind we take.

    problem = content_problem("答复函.pdf", data)  # None, or a Chinese sentence

A renamed file (a PNG saved as .pdf, a program renamed .xlsx) is refused before it is
stored: the case file then holds only what its names say it holds.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, Excel 97-2003
ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first part, or an empty zip's directory


@dataclass(frozen=True)
class Signature:
    """A kind of content: what people call it, and how to recognise its bytes."""

    label: str
    matches: Callable[[bytes], bool]


def _starts(*magic: bytes) -> Callable[[bytes], bool]:
    return lambda data: data.startswith(magic)


def _pdf(data: bytes) -> bool:
    # A PDF's header may follow a little junk; readers look in the first kilobyte.
    return b"%PDF-" in data[:1024]


def _zip_names(data: bytes) -> set[str] | None:
    """Return the names of a zip's parts, or None if the bytes are not a zip."""
    if not data.startswith(ZIP):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return None


def _zip_holding(*parts: str) -> Callable[[bytes], bool]:
    """Recognise a zip holding each part (a name ending in / stands for any part inside)."""
    def matches(data: bytes) -> bool:
        names = _zip_names(data)
        return names is not None and all(
            any(name.startswith(part) for name in names) if part.endswith("/") else part in names
            for part in parts)

    return matches


def _text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


PDF = Signature("PDF 文件", _pdf)
WORD_97 = Signature("Word 97-2003 文档或 Excel 97-2003 工作簿", _starts(OLE2))
DOCX = Signature("Word 文档（.docx）", _zip_holding("[Content_Types].xml", "word/"))
XLSX = Signature("Excel 工作簿（.xlsx）", _zip_holding("[Content_Types].xml", "xl/"))
OFD = Signature("OFD 版式文件", _zip_holding("OFD.xml"))
ZIP_FILE = Signature("ZIP 压缩包", lambda data: _zip_names(data) is not None)
JPEG = Signature("JPEG 图片", _starts(b"\xff\xd8\xff"))
PNG = Signature("PNG 图片", _starts(b"\x89PNG\r\n\x1a\n"))
TEXT = Signature("文本文件（UTF-8 或 GBK 编码）", _text)

BY_EXTENSION: dict[str, Signature] = {
    "pdf": PDF, "doc": WORD_97, "xls": WORD_97, "docx": DOCX, "xlsx": XLSX, "ofd": OFD,
    "zip": ZIP_FILE, "jpg": JPEG, "jpeg": JPEG, "png": PNG, "txt": TEXT,
}
# Checked in this order to say what a mismatched file looks like (most particular first).
_GUESSES = (PDF, WORD_97, DOCX, XLSX, OFD, ZIP_FILE, JPEG, PNG)
_PROGRAM = Signature("Windows 程序", _starts(b"MZ"))


def content_problem(name: str, data: bytes) -> str | None:
    """Return why the bytes are not what the file name's extension says, or None.

    An extension with no signature declared here is not checked (the allowed list
    in the settings decides which extensions are taken at all).
    """
    extension = Path(name).suffix.lower().lstrip(".")
    expected = BY_EXTENSION.get(extension)
    if expected is None or expected.matches(data):
        return None
    seen = next((s.label for s in (*_GUESSES, _PROGRAM) if s.matches(data)), None)
    looks = f"，看起来是{seen}" if seen else ""
    return (f"文件内容与扩展名不符：“{name}”不是{expected.label}{looks}。"
            "请上传原始文件，不要只改扩展名。")
