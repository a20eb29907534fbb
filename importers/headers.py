"""Find the header row under title rows, join two-level headers, map columns to fields."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from importers.columns import ColumnMatch, How
from importers.matching import (
    THRESHOLD,
    Candidate,
    Profiler,
    Resolution,
    assign,
    candidates_for,
    header_keys,
    normalise_header,
)
from importers.matching.assign import CONTRADICTION_FACTOR
from importers.matching.forms import announced_type, announces_plan, field_similarity
from importers.schemas import Field, Schema
from importers.values import as_text
from importers.workbooks import Range

HEADER_SCAN_ROWS = 30
IGNORE_TARGETS = frozenset({"", "-", "忽略", "不导入", "ignore"})
VALUE_SCAN_ROWS = 10  # rows tried as a header of unknown words, recognised by the data below
LONGEST_HEADER = 16  # characters; a longer text is compared only by its exact forms
QUALIFIED_NAME = 3  # the shortest name a word before it qualifies (原主办单位), not 单位
PROFILED_READINGS = 3  # the best readings by their words, matched again with their values


@dataclass(frozen=True)
class Labels:
    """Every header text that names a field of one schema, after a caller's column mapping."""

    schema: Schema
    fields: Mapping[str, str]  # normalised header -> field name
    ignored: frozenset[str]
    mapped: frozenset[str] = frozenset()  # the normalised headers the caller's mapping named
    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # field -> its forms
    characters: Mapping[str, frozenset[str]] = field(default_factory=dict)  # used by its forms
    by_character: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # -> fields
    _similar: dict[tuple[str, ...], dict[str, float]] = field(
        default_factory=dict, compare=False, repr=False)
    _resolved: dict[Any, Resolution] = field(default_factory=dict, compare=False, repr=False)

    def similarities(self, keys: tuple[str, ...]) -> dict[str, float]:
        """Return each field's similarity to a column's header forms (0 left out)."""
        found = self._similar.get(keys)
        if found is None:
            found = {}
            if len(keys[-1]) <= LONGEST_HEADER:  # longer texts are titles or data
                sharing = {name for key in keys for char in key
                           for name in self.by_character.get(char, ())}
                for name in sharing:
                    found[name] = field_similarity(keys, self.names[name],
                                                   self.characters[name])
            self._similar[keys] = found
        return found

    def best_similarity(self, keys: tuple[str, ...]) -> float:
        return max(self.similarities(keys).values(), default=0.0)

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
        # A field's own names in full: 承办单位(会办) names co-handlers, 承办单位 does not.
        names = {f.name: tuple(dict.fromkeys(normalise_header(h) for h in f.headers))
                 for f in schema.fields}
        characters = {name: frozenset("".join(forms)) for name, forms in names.items()}
        by_character: dict[str, list[str]] = {}
        for name, chars in characters.items():
            for char in chars:
                by_character.setdefault(char, []).append(name)
        return cls(schema, fields, frozenset(ignored - set(fields)), frozenset(mapped), names,
                   characters, {char: tuple(fed) for char, fed in by_character.items()})


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
    twins: dict[int, str] = field(default_factory=dict)  # a repeated column -> its field
    # column -> (field or None, how, confidence), for every column with a header text
    matches: dict[int, tuple[str | None, How, float]] = field(default_factory=dict)
    # an unmatched column -> its best candidates, none clearly ahead (at most two)
    unclear: dict[int, list[Candidate]] = field(default_factory=dict)

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
                candidates: Iterable[Labels], scan: int = HEADER_SCAN_ROWS,
                profiler: Profiler | None = None) -> Header | None:
    """Return the best header of the first rows for any of the candidate schemas.

    Headers are ranked by their words; with a `profiler`, the few best are matched again
    with their columns' values, which settle the columns the words leave open, and a
    header of unknown words whose columns' values give a whole kind is still found.
    """
    candidates = list(candidates)
    known = set().union(*(set(labels.fields) | labels.ignored for labels in candidates))
    found: list[_Reading] = []
    texts = [_row_texts(rows, merged, r) for r in range(min(scan + 1, len(rows)))]

    def telling(column: tuple[str, ...]) -> bool:
        """Tell whether a column's header forms name or resemble some field's header."""
        return bool(column) and (any(key in known for key in column) or any(
            labels.best_similarity(column) >= THRESHOLD for labels in candidates))

    for r in range(len(texts[:scan])):
        leader = max(found, default=None)
        if leader and leader.header.complete and r > leader.header.bottom + 1:
            break  # the data has begun
        for bottom, keys, shown in _readings(texts, r, telling):
            # Fewer than two columns that say anything: a data row, not worth matching.
            if sum(1 for column in keys if telling(column)) >= 2:
                found += _read_as_each(candidates, r, bottom, keys, shown, None)
    if profiler is None:
        return max(found).header if found else None
    found = [again for reading in _worth_profiling(found)
             for again in _read_as_each([reading.header.labels], reading.header.top,
                                        reading.header.bottom, reading.keys, reading.shown,
                                        profiler, reading.order)]
    if not found:
        # No header of known words: try the first rows of text as a header and let the
        # values below them tell the kind; only a kind found whole is taken.
        for r in range(min(VALUE_SCAN_ROWS, len(texts) - 1)):
            if _all_text(rows[r]):
                for bottom, keys, shown in _readings(texts, r)[:1]:
                    found += [reading for reading in
                              _read_as_each(candidates, r, bottom, keys, shown, profiler)
                              if reading.header.complete]
    return max(found).header if found else None


def _worth_profiling(found: list[_Reading]) -> list[_Reading]:
    """Return the leading readings whose values may still change the outcome: the leader,
    and the next few only if their open columns could give them more than it has."""
    ranked = sorted(found, reverse=True)[:PROFILED_READINGS]
    if not ranked:
        return []
    leader = ranked[0]
    return [leader, *(reading for reading in ranked[1:]
                      if len(reading.header.columns) + len(reading.header.unknown)
                      > len(leader.header.columns))]


@dataclass(order=True)
class _Reading:
    """A header read as one schema, ranked: the schema that explains the most columns wins,
    even if a required one is missing (that is then reported, rather than the file misread
    as another kind); then the topmost, single-level, surest reading."""

    rank: tuple[Any, ...]
    header: Header = field(compare=False)
    keys: list[tuple[str, ...]] = field(compare=False)
    shown: list[str] = field(compare=False)
    order: int = field(compare=False)


def _read_as_each(candidates: list[Labels], r: int, bottom: int, keys: list[tuple[str, ...]],
                  shown: list[str], profiler: Profiler | None,
                  first_order: int = 0) -> list[_Reading]:
    """Return this reading's header as each candidate schema, if it names two columns."""
    found = []
    for order, labels in enumerate(candidates, first_order):
        header = _match(labels, r, bottom, keys, shown, profiler)
        matched = len(header.columns)
        if matched < 2:
            continue
        sureness = sum(header.matches[c][2] for c in header.columns.values())
        rank = (matched, header.complete, matched / len(labels.schema.fields), -r, r - bottom,
                sureness, -order)
        found.append(_Reading(rank, header, keys, shown, order))
    return found


def _readings(texts: list[list[str]], r: int,
              telling: Callable[[tuple[str, ...]], bool] | None = None
              ) -> list[tuple[int, list[tuple[str, ...]], list[str]]]:
    """Return row r read as a header alone, and with row r+1 as its second level when
    that row says at least two things a header would (else it is data)."""
    top = texts[r]
    # A title merged across the table reads as one text repeated: not a header.
    if len({text for text in top if text}) < 2:
        return []
    readings = [(r, [_keys([text]) for text in top], top)]
    if telling is None or r + 1 >= len(texts):
        return readings
    grouped = _subdivides(top, texts[r + 1])
    if not grouped and sum(
            1 for text in set(texts[r + 1]) - set(top) if telling(_keys([text]))) < 2:
        return readings
    if double := _two_level(top, texts[r + 1]):
        options, shown = double
        reading = (r + 1, [_keys(choices) for choices in options], shown)
        # Texts only under group titles, none elsewhere: the row is surely a second level.
        readings = [reading] if grouped else [*readings, reading]
    return readings


def _subdivides(top: list[str], bottom: list[str]) -> bool:
    """Tell whether row `bottom` holds texts only under group titles of row `top`: a title
    merged over several columns (repeated) or followed by blank cells (a CSV has no
    merges), as 任职时间 over 起 and 止; a data row fills the other columns too."""
    in_group = [False] * len(top)
    for c in range(1, len(top)):
        if top[c - 1] and (not top[c] or top[c] == top[c - 1]):
            start = c - 1
            while start > 0 and top[start - 1] == top[c - 1]:
                start -= 1
            for g in range(start, c + 1):
                in_group[g] = True
        elif not top[c] and in_group[c - 1]:
            in_group[c] = True
    filled = [c for c, text in enumerate(bottom[:len(top)]) if text and text != top[c]]
    return len(filled) >= 2 and all(in_group[c] for c in filled)


def _all_text(row: Sequence[Any]) -> bool:
    filled = [value for value in row if value not in (None, "")]
    return len(filled) >= 2 and all(value.__class__ is str for value in filled)


def _keys(choices: list[str]) -> tuple[str, ...]:
    """Return the header forms of a column's choices, each text's own forms in turn."""
    return tuple(dict.fromkeys(key for choice in choices for key in header_keys(choice)))


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
            # The group title alone is no form of the column: it names all of its group.
            options.append([upper + lower, lower])
            shown.append(f"{upper}/{lower}")
        else:
            # Without merge information a group title stands over its first column only.
            options.append([last_top + lower, lower] if last_top else [lower])
            shown.append(lower)
    # One stray text under a header is data, not a second header row.
    return (options, shown) if split >= 2 else None


def _match(labels: Labels, top: int, bottom: int, keys: list[tuple[str, ...]],
           shown: list[str], profiler: Profiler | None = None) -> Header:
    header = Header(labels, top, bottom, columns={}, texts={})
    fields, ignored = labels.fields, labels.ignored
    open_columns = []
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
                open_columns.append(column)
                continue
        elif name in header.columns:
            header.repeated.append(column)
            header.twins[column] = name
            name, how = None, How.UNMATCHED
        else:
            header.columns[name] = column
        header.matches[column] = (name, how, 1.0 if how is not How.UNMATCHED else 0.0)
    if open_columns:
        _match_by_meaning(header, open_columns, keys, profiler)
    _stand_in(header)
    return header


def _stand_in(header: Header) -> None:
    """Let a field with no column of its own take the column of its stand-in."""
    for name, stand_in in header.schema.stand_ins.items():
        column = header.columns.get(stand_in)
        if name not in header.columns and column is not None:
            del header.columns[stand_in]
            header.columns[name] = column
            _field, how, confidence = header.matches[column]
            header.matches[column] = (name, how, confidence)


def _match_by_meaning(header: Header, open_columns: list[int], keys: list[tuple[str, ...]],
                      profiler: Profiler | None) -> None:
    """Give the columns no header form names a field by similarity and values, or none."""
    labels = header.labels
    if profiler is None:
        # By words alone the answer depends on the words only: files laid out alike (every
        # unit's return of one template) are resolved once.
        memo = (tuple((column, keys[column]) for column in open_columns),
                tuple(sorted(header.columns)))
        resolution = labels._resolved.get(memo)
        if resolution is None:
            resolution = labels._resolved[memo] = _resolve(header, open_columns, keys, None)
    else:
        resolution = _resolve(header, open_columns, keys, profiler)
    for column in open_columns:
        chosen = resolution.chosen.get(column)
        if chosen is None:
            header.unknown.append(column)
            header.unclear[column] = resolution.unclear.get(column, [])
            header.matches[column] = (None, How.UNMATCHED, 0.0)
        else:
            header.columns[chosen.field] = column
            header.matches[column] = (chosen.field, chosen.how, round(chosen.confidence, 3))
    header.unknown.sort()


def _resolve(header: Header, open_columns: list[int], keys: list[tuple[str, ...]],
             profiler: Profiler | None) -> Resolution:
    labels = header.labels
    free = [f for f in labels.schema.fields if f.name not in header.columns]
    fed = [f for f in labels.schema.fields if f.name in header.columns]
    options = {}
    for column in open_columns:
        if announces_plan(keys[column]) or _more_like_fed(keys[column], labels, free, fed):
            options[column] = []  # neither its words nor its cells make it a free field
            continue
        similar = _as_announced(keys[column], labels.similarities(keys[column]), free)
        fits: Mapping[str, float | None] = {}
        weighing: Mapping[str, float | None] = {}
        if profiler is not None:
            fits = profiler.fits(header.bottom, column, free)
            weighing = profiler.fits(header.bottom, column, free, least=1)
        options[column] = candidates_for({f.name: similar.get(f.name, 0.0) for f in free},
                                         fits, weighing)
    return assign(options, header.columns)


def _more_like_fed(keys: tuple[str, ...], labels: Labels, free: Sequence[Field],
                   fed: Sequence[Field]) -> bool:
    """Tell whether a header is a field another column feeds with a word before it, and no
    free field's name ends it: 原主办单位 beside 主办单位 is no 会办单位, the unit left over."""
    def ends(fields: Sequence[Field]) -> bool:
        return any(key.endswith(name) and len(key) > len(name) >= QUALIFIED_NAME
                   for key in keys for f in fields for name in labels.names.get(f.name, ()))

    return ends(fed) and not ends(free)


def _as_announced(keys: tuple[str, ...], similar: Mapping[str, float],
                  free: Sequence[Field]) -> Mapping[str, float]:
    """Weaken the fields of another type than the header's words announce: under 办理时间,
    办结 is the completion date, not whether the opinion is concluded."""
    announced = announced_type(keys)
    if announced is None:
        return similar
    return {f.name: similar[f.name] * (1.0 if f.type == announced else CONTRADICTION_FACTOR)
            for f in free if f.name in similar}


def _row_texts(rows: Sequence[Sequence[Any]], merged: Sequence[Range], r: int) -> list[str]:
    """Return row r as text, a merged cell's value repeated over the cells it covers."""
    texts = [as_text(value) for value in rows[r]]
    for (r1, c1), (r2, c2) in merged:
        if r1 <= r <= r2 and c1 < len(texts):
            value = as_text(rows[r1][c1]) if c1 < len(rows[r1]) else ""
            for c in range(c1, min(c2, len(texts) - 1) + 1):
                texts[c] = value
    return texts
