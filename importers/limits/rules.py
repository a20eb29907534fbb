"""How big a workbook may be, and the Chinese messages that say which limit it passed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from importers.problems import ReadError, column_letter

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """The most a workbook may hold; anything beyond is refused before a reader sees it.

    The defaults fit a district's workbooks with room to spare: the 100,000-opinion
    benchmark list (7 MB, 62 MB inflated, 72,186 rows × 11 columns on its largest sheet)
    passes. `cells` bounds what calamine allocates: it builds each sheet as a dense
    grid of 32-byte cells from its first to its last used row and column.
    """

    file_bytes: int = 40 * MB  # the file as given (compressed, for a zip container)
    members: int = 2000  # parts inside a zip container (.xlsx, .xlsm, .ods)
    member_bytes: int = 256 * MB  # one part, inflated
    inflated_bytes: int = 512 * MB  # every part together, inflated
    sheets: int = 256
    rows: int = 200_000  # per sheet, counted from row 1 to the last used row
    columns: int = 1024  # per sheet, from column A to the last used column
    cells: int = 5_000_000  # rows × columns of every sheet together

    def settings(self) -> dict[str, int]:
        """Return the limits as app settings, IMPORT_MAX_ROWS and so on."""
        return {setting_name(f.name): getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Limits:
        """Build limits from app settings; a setting left out keeps its default."""
        return cls(**{f.name: settings[setting_name(f.name)] for f in fields(cls)
                      if setting_name(f.name) in settings})


def setting_name(limit: str) -> str:
    return f"IMPORT_MAX_{limit.upper()}"


class OverLimit(ReadError):
    """The workbook passes a limit; the message says which, in Chinese."""


def size_text(count: int) -> str:
    """Return a byte count as people read it: 1.5 GB, 40.0 MB, 12 KB."""
    if count >= 1024 * MB:
        return f"{count / (1024 * MB):.1f} GB"
    return f"{count / MB:.1f} MB" if count >= MB else f"{count / 1024:.0f} KB"


def check_file_size(size: int, limits: Limits) -> None:
    if size > limits.file_bytes:
        raise OverLimit(f"文件过大（{size_text(size)}），"
                        f"超过 {size_text(limits.file_bytes)} 的上限；请拆分成几个文件分批导入")


def check_sheet_count(count: int, limits: Limits) -> None:
    if count > limits.sheets:
        raise OverLimit(f"工作簿有 {count} 个工作表，超过 {limits.sheets} 个的上限")


@dataclass(slots=True)
class Extent:
    """The last used row and column of a sheet (1-based: 0 means none used)."""

    rows: int = 0
    columns: int = 0

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    def grow(self, row: int, column: int) -> None:
        """Take in a used cell at a 1-based row and column."""
        if row > self.rows:
            self.rows = row
        if column > self.columns:
            self.columns = column

    def __str__(self) -> str:
        return f"{self.rows} 行 × {self.columns} 列"


@dataclass(slots=True)
class Tally:
    """The extents of a workbook's sheets, checked against the limits as they are found."""

    limits: Limits
    cells: int = 0

    def declared(self, sheet: str, reference: str, extent: Extent) -> None:
        """Check the range a sheet says it holds (Excel's <dimension>, BIFF's DIMENSIONS)."""
        if over := self._over(extent):
            raise OverLimit(f"{_place(sheet)}标注的数据范围 {reference} 达到 {extent}，"
                            f"超过上限（{over}）")

    def used(self, sheet: str | None, extent: Extent) -> None:
        """Check the range a sheet's cells really span, alone and with the sheets before it.

        `sheet` is None for a text file, whose only sheet has no name of its own.
        """
        if over := self._over(extent):
            raise OverLimit(f"{_place(sheet)}的数据范围达到 {extent}（最后一格 "
                            f"{column_letter(max(extent.columns, 1) - 1)}{extent.rows}），"
                            f"超过上限（{over}）；请删除表格末尾或右侧多余的内容，"
                            "或拆分成几个文件")
        self.cells += extent.cells
        if self.cells > self.limits.cells:
            raise OverLimit(f"各工作表的数据范围合计达到 {self.cells} 个单元格，"
                            f"超过 {self.limits.cells} 个的上限；请拆分成几个文件")

    def over(self, extent: Extent) -> bool:
        """Tell whether a sheet of this extent would pass a limit, with the sheets before it."""
        return bool(self._over(extent)) or self.cells + extent.cells > self.limits.cells

    def _over(self, extent: Extent) -> str:
        limits = self.limits
        over = []
        if extent.rows > limits.rows:
            over.append(f"最多 {limits.rows} 行")
        if extent.columns > limits.columns:
            over.append(f"最多 {limits.columns} 列")
        if extent.cells > limits.cells:
            over.append(f"最多 {limits.cells} 个单元格")
        return "、".join(over)


def _place(sheet: str | None) -> str:
    return "文件" if sheet is None else f"工作表“{sheet}”"
