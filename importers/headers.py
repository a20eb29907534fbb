"""Find the header row under title rows, join two-level headers, map columns to fields."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from importers.columns import ColumnMatch, How
from importers.schemas import Schema
from importers.values import as_text, squeeze
from importers.workbooks import Range

HEADER_SCAN_ROWS = 30
IGNORE_TARGETS = frozenset({"", "-", "忽略", "不导入", "ignore"})

_BRACKETS = str.maketrans("【】〔〕[]{}<>《》「」『』", "()()()()()()()()")
_DECORATION = re.compile(r"^[*※#:]+|[*※#:]+$")
_NOTE = re.compile(r"\([^()]*\)$")


@lru_cache(maxsize=4096)
def _normalise(text: str) -> str:
    text = squeeze(unicodedata.normalize("NFKC", text).translate(_BRACKETS))
    return _DECORATION.sub("", text).lower()


def normalise_header(raw: Any) -> str:
    """Return a header's text without spaces, full-width forms, bracket kinds or markers."""
    return _normalise(as_text(raw)) if raw != "" else ""


@dataclass(frozen=True)
class Labels:
    """Every header text that names a field of one schema, after a caller's column mapping."""

    schema: Schema
    fields: Mapping[str, str]  # normalised header -> field name
    ignored: frozenset[str]
    mapped: frozenset[str] = frozenset()  # the normalised headers the caller's mapping named

    @classmethod
    def build(cls, schema: Schema, mapping: Mapping[str, str | None] | None = None) -> Labels:
        """Index a schema's headers and synonyms, then let the mapping override them."""
        fields = {normalise_header(h): f.name for f in reversed(schema.fields) for h in f.headers}
        ignored = {normalise_header(h) for h in schema.ignored}
        mapped = set()
        for source, target in (mapping or {}).items():
            name = resolve_target(schema, target, fields)
            key = normalise_header(source)
            if name is not None:
                mapped.add(key)
            if name == "":
                ignored.add(key)
                fields.pop(key, None)
            elif name is not None:
                fields[key] = name
                ignored.discard(key)
        return cls(schema, fields, frozenset(ignored - set(fields)), frozenset(mapped))


def resolve_target(schema: Schema, target: str | None,
                   fields: Mapping[str, str] | None = None) -> str | None:
    """Return the field a mapping target names ('' to ignore the column), or None if none."""
    if target is None or normalise_header(target) in IGNORE_TARGETS:
        return ""
    if target in schema.by_name:
        return target
    if fields is None:
        fields = {normalise_header(h): f.name for f in schema.fields for h in f.headers}
    return fields.get(normalise_header(target))


@dataclass
class Header:
    """Where a sheet's header is and which column holds which field."""

    labels: Labels
    top: int  # first header row (0-based)
    bottom: int  # last header row; data starts below it
    columns: dict[str, int]  # field name -> column
    texts: dict[int, str]  # column -> header text as written, for messages
    unknown: list[int] = field(default_factory=list)
    repeated: list[int] = field(default_factory=list)
    # column -> (field or None, how, confidence), for every column with a header text
    matches: dict[int, tuple[str | None, How, float]] = field(default_factory=dict)

    def column_matches(self, sheet: str) -> list[ColumnMatch]:
        """Return what each column of the sheet was taken for, in column order."""
        return [ColumnMatch(sheet, column, self.texts[column], name, how, confidence)
                for column, (name, how, confidence) in sorted(self.matches.items())]

    @property
    def schema(self) -> Schema:
        return self.labels.schema

    @property
    def missing(self) -> list[str]:
        """Return the required fields no column holds (the sheet's name may still hold one)."""
        return [f.name for f in self.schema.required if f.name not in self.columns]

    @property
    def complete(self) -> bool:
        return not self.missing


def find_header(rows: Sequence[Sequence[Any]], merged: Sequence[Range],
                candidates: Iterable[Labels], scan: int = HEADER_SCAN_ROWS) -> Header | None:
    """Return the best header of the first rows for any of the candidate schemas."""
    candidates = list(candidates)
    known = set().union(*(set(labels.fields) | labels.ignored for labels in candidates))
    best: tuple[tuple[Any, ...], Header] | None = None
    texts = [_row_texts(rows, merged, r) for r in range(min(scan + 1, len(rows)))]
    for r, top in enumerate(texts[:scan]):
        if best and best[1].complete and r > best[1].bottom + 1:
            break  # the data has begun
        # A title merged across the table reads as one text repeated: not a header.
        if len({text for text in top if text}) < 2:
            continue
        readings = [(r, [[text] for text in top], top)]
        if r + 1 < len(texts) and (double := _two_level(top, texts[r + 1])):
            readings.append((r + 1, *double))
        for bottom, options, shown in readings:
            keys = [_keys(choices) for choices in options]
            if sum(1 for column in keys if any(key in known for key in column)) < 2:
                continue  # a data row, not worth matching against every schema
            for order, labels in enumerate(candidates):
                header = _match(labels, r, bottom, keys, shown)
                matched = len(header.columns)
                if matched < 2:
                    continue
                # The schema that explains the most columns wins, even if a required one
                # is missing: that is then reported, rather than the file misread as another kind.
                rank = (matched, header.complete, matched / len(labels.schema.fields),
                        -r, r - bottom, -order)
                if best is None or rank > best[0]:
                    best = (rank, header)
    return best[1] if best else None


def _keys(choices: list[str]) -> list[str]:
    """Return the normalised choices, each followed by itself without a trailing note."""
    keys = []
    for choice in choices:
        if key := normalise_header(choice):
            keys.append(key)
            # "交办日期(必填)" or "答复类型(A/B/C/D)": the note says how to fill, not what.
            if (bare := _NOTE.sub("", key)) != key and bare:
                keys.append(bare)
    return keys


def _two_level(top: list[str], bottom: list[str]) -> tuple[list[list[str]], list[str]] | None:
    """Return each column's header choices when row r+1 subdivides row r, else None."""
    options, shown, split = [], [], 0
    last_top = ""
    for upper, lower in zip(top, bottom, strict=False):
        last_top = upper or last_top
        if not lower or lower == upper:
            options.append([upper])
            shown.append(upper)
            continue
        split += 1
        if upper:
            options.append([upper + lower, lower, upper])
            shown.append(f"{upper}/{lower}")
        else:
            # Without merge information a group title stands over its first column only.
            options.append([last_top + lower, lower] if last_top else [lower])
            shown.append(lower)
    # One stray text under a header is data, not a second header row.
    return (options, shown) if split >= 2 else None


def _match(labels: Labels, top: int, bottom: int, keys: list[list[str]],
           shown: list[str]) -> Header:
    header = Header(labels, top, bottom, columns={}, texts={})
    fields, ignored = labels.fields, labels.ignored
    for column, choices in enumerate(keys):
        if not choices:
            continue
        header.texts[column] = shown[column]
        key = next((key for key in choices if key in fields), None)
        name = None if key is None else fields[key]
        how = How.MAPPED if key in labels.mapped else How.EXACT
        if name is None:
            if any(key in ignored for key in choices):
                how = How.MAPPED if set(choices) & labels.mapped else How.IGNORED
            else:
                header.unknown.append(column)
                how = How.UNMATCHED
        elif name in header.columns:
            header.repeated.append(column)
            name, how = None, How.UNMATCHED
        else:
            header.columns[name] = column
        header.matches[column] = (name, how, 1.0 if how is not How.UNMATCHED else 0.0)
    return header


def _row_texts(rows: Sequence[Sequence[Any]], merged: Sequence[Range], r: int) -> list[str]:
    """Return row r as text, a merged cell's value repeated over the cells it covers."""
    texts = [as_text(value) for value in rows[r]]
    for (r1, c1), (r2, c2) in merged:
        if r1 <= r <= r2 and c1 < len(texts):
            value = as_text(rows[r1][c1]) if c1 < len(rows[r1]) else ""
            for c in range(c1, min(c2, len(texts) - 1) + 1):
                texts[c] = value
    return texts
