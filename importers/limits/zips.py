"""Count and measure a zip container's parts without trusting what its directory says.

A part's sizes in the central directory are whatever the file's maker wrote: calamine's
zip reader inflates a part's deflate stream to its end whatever size is declared. So
every part is inflated here, a step at a time and never past the limits, and measured.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from importers.limits.rules import Limits, OverLimit, size_text
from importers.problems import CORRUPT, ReadError

_READ = 1 << 16
_STEP = 1 << 20  # inflate at most this much at a time, so a bomb never sits in memory
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, then the name's and extra's lengths
_LOCAL_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class Part:
    """A part of the container, its size inflated, and whether it holds the marker looked for."""

    info: zipfile.ZipInfo
    size: int
    marked: bool

    @property
    def name(self) -> str:
        return self.info.filename


class Container:
    """A zip file's parts, read within the limits."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path, self.limits = path, limits
        _check_directory(path, limits)
        try:
            with zipfile.ZipFile(path) as archive:
                self.infos = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
            raise ReadError(f"{CORRUPT}（{error}）") from None
        self.file_size = path.stat().st_size
        self._check_declared()

    def _check_declared(self) -> None:
        limits = self.limits
        if len(self.infos) > limits.members:
            raise OverLimit(_too_many(len(self.infos), limits))
        for info in self.infos:
            if info.file_size > limits.member_bytes:
                raise OverLimit(f"文件中的“{info.filename}”解压后为 {size_text(info.file_size)}，"
                                f"超过单个部分 {size_text(limits.member_bytes)} 的上限")
        total = sum(info.file_size for info in self.infos)
        if total > limits.inflated_bytes:
            raise OverLimit(f"文件解压后共 {size_text(total)}，"
                            f"超过 {size_text(limits.inflated_bytes)} 的上限")

    def measure(self, marker: bytes) -> list[Part]:
        """Inflate every part within the limits; return each with its real size.

        A part is marked when its bytes contain `marker` (for example b"sheetData": a
        part a reader could take cells from, wherever the workbook's relations point).
        One that holds it in UTF-16 is refused: its tags would hide from a byte search.
        """
        wide = (marker.decode().encode("utf-16-le"), marker.decode().encode("utf-16-be"))
        keep = 2 * len(marker)
        parts, total = [], 0
        for info in self.infos:
            size, marked, tail = 0, False, b""
            for chunk in self.inflate(info):
                size += len(chunk)
                if marker and not marked:
                    window = tail + chunk
                    if any(needle in window for needle in wide):
                        raise ReadError(f"文件中的“{info.filename}”使用 UTF-16 编码，无法检查；"
                                        "请用 Excel 或 WPS 另存为 .xlsx 后重新导入")
                    marked = marker in window
                    tail = window[len(window) - keep:]
            total += size
            if total > self.limits.inflated_bytes:
                raise OverLimit(f"文件解压后超过 {size_text(self.limits.inflated_bytes)} 的上限"
                                f"{self._declared_note(sum(i.file_size for i in self.infos))}")
            parts.append(Part(info, size, marked))
        return parts

    def inflate(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """Yield a part's bytes inflated; raise OverLimit once they pass the part limit."""
        if info.flag_bits & 0x1:
            raise ReadError(f"{CORRUPT}（“{info.filename}”已加密）")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ReadError(f"{CORRUPT}（“{info.filename}”使用了不支持的压缩方式）")
        cap = self.limits.member_bytes
        size = 0
        for chunk in self._raw(info):
            size += len(chunk)
            if size > cap:
                raise OverLimit(f"文件中的“{info.filename}”解压后超过单个部分 "
                                f"{size_text(cap)} 的上限{self._declared_note(info.file_size)}")
            yield chunk

    def _declared_note(self, declared: int) -> str:
        return f"（文件目录中只标注了 {size_text(declared)}，与实际不符）" if declared else ""

    def _raw(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """Yield the part's inflated bytes, a step at a time."""
        with self.path.open("rb") as handle:
            handle.seek(info.header_offset)
            header = handle.read(_LOCAL_HEADER.size)
            if len(header) < _LOCAL_HEADER.size:
                raise ReadError(f"{CORRUPT}（“{info.filename}”不完整）")
            signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
            if signature != _LOCAL_SIGNATURE:
                raise ReadError(f"{CORRUPT}（“{info.filename}”的位置有误）")
            handle.seek(name_length + extra_length, 1)
            left = min(info.compress_size, max(self.file_size - handle.tell(), 0))
            inflater = (zlib.decompressobj(-zlib.MAX_WBITS)
                        if info.compress_type == zipfile.ZIP_DEFLATED else None)
            while left > 0:
                data = handle.read(min(_READ, left))
                if not data:
                    break
                left -= len(data)
                if inflater is None:
                    yield data
                    continue
                yield from _inflate(inflater, data, info.filename)
                if inflater.eof:
                    break


_END = struct.Struct("<4s4H2IH")  # end of central directory: ..., entries, size, offset
_END_SIGNATURE = b"PK\x05\x06"
_ENTRY_BYTES = 1024  # a generous size for one directory entry (46 bytes and its name)


def _check_directory(path: Path, limits: Limits) -> None:
    """Refuse a central directory too long for the parts allowed, before it is parsed.

    zipfile makes an object per entry, walking as many bytes as the directory says it
    has: a 40 MB file of empty entries would cost hundreds of megabytes to list.
    """
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(size - _END.size - 0xFFFF, 0))
        tail = handle.read()
    at = tail.rfind(_END_SIGNATURE)
    if at < 0 or at + _END.size > len(tail):
        return  # not a zip: zipfile says so
    entries, directory = _END.unpack_from(tail, at)[4:6]
    if entries > limits.members or directory > limits.members * _ENTRY_BYTES:
        # The count may be understated (zip64 writes 0xFFFF); the directory's size is not.
        raise OverLimit(_too_many(entries if entries > limits.members else directory // 46,
                                  limits))


def _too_many(count: int, limits: Limits) -> str:
    return f"文件内部含有 {count} 个部分，超过 {limits.members} 个的上限，不像是正常的表格文件"


def _inflate(inflater: zlib._Decompress, data: bytes, name: str) -> Iterator[bytes]:
    try:
        while data:
            out = inflater.decompress(data, _STEP)
            data = inflater.unconsumed_tail
            if out:
                yield out
            if inflater.eof:
                return
    except zlib.error as error:
        raise ReadError(f"{CORRUPT}（“{name}”：{error}）") from None
