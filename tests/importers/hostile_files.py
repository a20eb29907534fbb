"""Hostile workbooks written on the fly: what an attacker uploads to exhaust a worker.

Each is built byte by byte here (no blobs in the repository): a worksheet's XML is
written by hand so that its cells, references and dimension say exactly what the
test needs, zip members are deflated in steps so that a 1 GiB bomb never sits in
memory, and an .xls is a real sample with one record's fields rewritten in place.
"""

from __future__ import annotations

import shutil
import struct
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import olefile

from tests.importers.workbook_builders import SAMPLES

GIB = 1024**3
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

Cell = tuple[str | None, object]  # reference (None: no `r`) and value (None: styled, empty)


def cell_xml(reference: str | None, value: object) -> str:
    """Return one <c>: a number, an inline string, or an empty styled cell."""
    place = f' r="{reference}"' if reference else ""
    if value is None:
        return f'<c{place} s="1"/>'
    if isinstance(value, int | float):
        return f"<c{place}><v>{value}</v></c>"
    return f'<c{place} t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def sheet_xml(rows: Iterable[str], dimension: str | None = None) -> str:
    """Return a worksheet part holding the given <row> elements."""
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">{head}'
            f'<sheetData>{"".join(rows)}</sheetData></worksheet>')


def cells_sheet(cells: Iterable[Cell], dimension: str | None = None) -> str:
    """Return a worksheet part with each cell in a row of its own (rows without `r`)."""
    return sheet_xml((f"<row>{cell_xml(ref, value)}</row>" for ref, value in cells), dimension)


def write_xlsx_parts(path: Path, sheets: dict[str, str | bytes]) -> Path:
    """Write a minimal .xlsx: sheet name -> worksheet XML (text, or bytes as they are)."""
    names = list(sheets)
    workbook = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" '
                f'xmlns:r="{_REL}"><sheets>'
                + "".join(f"<sheet name={quoteattr(name)} sheetId=\"{i}\" r:id=\"rId{i}\"/>"
                          for i, name in enumerate(names, start=1))
                + "</sheets></workbook>")
    relations = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE_REL}">'
                 + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" '
                           f'Target="worksheets/sheet{i}.xml"/>'
                           for i in range(1, len(names) + 1))
                 + "</Relationships>")
    package = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE_REL}">'
               f'<Relationship Id="rId1" Type="{_REL}/officeDocument" '
               'Target="xl/workbook.xml"/></Relationships>')
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxml'
             'formats.org/package/2006/content-types"><Default Extension="rels" ContentType='
             '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension='
             '"xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
             'sheet.main+xml"/></Types>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", package)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", relations)
        for i, name in enumerate(names, start=1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", sheets[name])
    return path


def deflated_zeros(count: int, step: int = 1 << 20) -> tuple[bytes, int]:
    """Return count zero bytes deflated (1 GiB makes about 1 MB), and their CRC-32.

    After a full flush a deflate stream starts afresh, so every step of zeros deflates
    to the same bytes: one is made and repeated, and the bomb is written in a moment.
    """
    block = bytes(step)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = deflater.compress(block) + deflater.flush(zlib.Z_FULL_FLUSH)
    again = deflater.compress(block) + deflater.flush(zlib.Z_FULL_FLUSH)
    data = first + again * (count // step - 1) + deflater.flush()
    crc = 0
    for _ in range(count // step):
        crc = zlib.crc32(block, crc)
    return data, crc


def add_deflated(path: Path, name: str, data: bytes, crc: int, size: int) -> Path:
    """Append a part already deflated to a zip file, rewriting its central directory."""
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        start = archive.start_dir
    raw = bytearray(path.read_bytes()[:start])
    encoded = name.encode()
    offset = len(raw)
    raw += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size,
                       len(encoded), 0) + encoded + data
    directory = bytearray()
    for info in infos:
        directory += _central(info.filename.encode(), info.compress_type, info.CRC,
                              info.compress_size, info.file_size, info.header_offset)
    directory += _central(encoded, 8, crc, len(data), size, offset)
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(infos) + 1, len(infos) + 1,
                      len(directory), len(raw), 0)
    path.write_bytes(bytes(raw + directory + end))
    return path


def _central(name: bytes, method: int, crc: int, packed: int, size: int, offset: int) -> bytes:
    return struct.pack("<4s6H3I5HII", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21, crc, packed,
                       size, len(name), 0, 0, 0, 0, 0, offset) + name


def deflate_bomb(path: Path, inflated: int = GIB, declared: int | None = None) -> Path:
    """Write an .xlsx (one tidy sheet) that also holds a part of `inflated` zero bytes.

    With `declared`, the part's local header and central directory say that size instead.
    """
    sheet = sheet_xml(['<row r="1"><c r="A1"><v>1</v></c></row>'])
    write_xlsx_parts(path, {"Sheet1": sheet})
    data, crc = deflated_zeros(inflated)
    return add_deflated(path, "xl/media/image1.bin", data, crc,
                        inflated if declared is None else declared)


def write_ods_content(path: Path, tables: dict[str, str]) -> Path:
    """Write an .ods: table name -> the XML of its rows, as LibreOffice nests them."""
    body = "".join(f'<table:table table:name={quoteattr(name)}>'
                   f'<table:table-column table:number-columns-repeated="1024"/>{rows}'
                   "</table:table>" for name, rows in tables.items())
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body>"
        "</office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


def ods_cell(value: object, repeat: int = 1) -> str:
    """Return a table cell (None: empty), repeated across `repeat` columns."""
    times = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if value is None:
        return f"<table:table-cell{times}/>"
    return (f'<table:table-cell{times} office:value-type="string">'
            f"<text:p>{escape(str(value))}</text:p></table:table-cell>")


def ods_row(cells: Iterable[str], repeat: int = 1) -> str:
    times = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{times}>{''.join(cells)}</table:table-row>"


# LibreOffice ends every sheet so: the rest of its million rows, 1,024 empty cells wide.
LIBREOFFICE_TAIL = ods_row([ods_cell(None, 1024)], repeat=1_048_000)

XLS_SAMPLE = SAMPLES / "2017" / "办理情况" / "区房管局-办理情况汇总.xls"
_DIMENSIONS, _LABEL_SST = 0x0200, 0x00FD


def rewritten_xls(path: Path, *, cell: tuple[int, int] | None = None,
                  dimensions: tuple[int, int, int, int] | None = None) -> Path:
    """Copy the sample .xls with its first sheet's last LABELSST moved to cell (row, column),
    or its DIMENSIONS set to (first row, last row + 1, first column, last column + 1)."""
    shutil.copyfile(XLS_SAMPLE, path)
    with olefile.OleFileIO(str(path), write_mode=True) as container:
        stream = bytearray(container.openstream("Workbook").read())
        last_label = None
        position = 0
        while position + 4 <= len(stream):
            kind, length = struct.unpack_from("<HH", stream, position)
            if kind == _DIMENSIONS and dimensions is not None:
                struct.pack_into("<IIHH", stream, position + 4, *dimensions)
            if kind == _LABEL_SST:
                last_label = position
            position += 4 + length
        if cell is not None:
            struct.pack_into("<HH", stream, last_label + 4, *cell)
        container.write_stream("Workbook", bytes(stream))
    return path
