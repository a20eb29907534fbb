"""How each column of a sheet was understood: the field it feeds, how it was matched, and
how sure the match is. Readers fill it, the import preview and the CLI show it, and a
confirmed mapping is remembered by the sheet's header signature.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class How(StrEnum):
    """How a column came to feed its field (or none)."""

    MAPPED = "mapped"  # the user's mapping (--map, the preview, a remembered mapping)
    EXACT = "exact"  # its header is the field's header or a synonym, normalised
    SIMILAR = "similar"  # its header is close to one of the field's (containment, overlap)
    VALUES = "values"  # its cells look like the field's values
    IGNORED = "ignored"  # recognised and deliberately not read (序号)
    UNMATCHED = "unmatched"  # no field is clearly ahead: reported, not guessed


HOW_LABELS = {
    How.MAPPED: "指定",
    How.EXACT: "表头一致",
    How.SIMILAR: "表头相近",
    How.VALUES: "按内容识别",
    How.IGNORED: "不导入",
    How.UNMATCHED: "未匹配",
}


@dataclass(frozen=True)
class ColumnMatch:
    """One column of one sheet and what it was taken for."""

    sheet: str
    column: int  # 0-based
    header: str  # as written (two-level headers joined with "/")
    field: str | None  # the schema field it feeds; None when ignored or unmatched
    how: How
    confidence: float  # 0..1; 1 for MAPPED, EXACT and IGNORED

    @property
    def how_label(self) -> str:
        return HOW_LABELS[self.how]


def header_signature(headers: Iterable[str]) -> str:
    """Identify a sheet's layout by its normalised header texts in column order, so that
    a mapping confirmed for it is found again for the next file laid out alike."""
    from importers.headers import normalise_header  # headers builds on this module

    text = "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
