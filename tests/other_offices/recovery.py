"""Read a generated year with no column map and say, precisely, what it did not recover."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from importers.reading import ReadResult, read_paths
from tests.importers.truth_shape import comparable_truth, truth_shape
from tests.other_offices.generator import GeneratedFile

SHOWN = 12  # problems quoted in a failure message; the rest are counted


def read_year(folder: Path, truth: dict[str, Any]) -> ReadResult:
    """Read every generated workbook of a year as a new user would: no `--map`, no units."""
    return read_paths([folder], session=truth["session"], year=truth["year"])


def fact_differences(result: ReadResult, truth: dict[str, Any]) -> list[str]:
    """Return, per truth.json key and field, how many facts were read wrong, with an example."""
    got = truth_shape(result, truth["session"], truth["year"])
    want = comparable_truth(truth)
    lines = [f"{key}: read {got[key]!r}, truth {want[key]!r}"
             for key in ("session", "year", "assigned") if got[key] != want[key]]
    for key in ("units", "deputies", "liaisons", "notices"):
        lines += _list_differences(key, got[key], want[key])
    got_opinions = {o["number"]: o for o in got["opinions"]}
    missing = [o["number"] for o in want["opinions"] if o["number"] not in got_opinions]
    if missing:
        lines.append(f"opinions: {len(missing)} of {len(want['opinions'])} not read "
                     f"(e.g. {', '.join(missing[:5])})")
    extra = sorted(set(got_opinions) - {o["number"] for o in want["opinions"]})
    if extra:
        lines.append(f"opinions: {len(extra)} read that are not in truth (e.g. {extra[:5]})")
    pairs = [(o["number"], got_opinions[o["number"]], o)
             for o in want["opinions"] if o["number"] in got_opinions]
    lines += _field_differences("opinions", pairs)
    return lines


def _list_differences(key: str, got: list[dict[str, Any]],
                      want: list[dict[str, Any]]) -> list[str]:
    if len(got) != len(want):
        return [f"{key}: read {len(got)} rows, truth has {len(want)}"]
    return _field_differences(key, [(str(i + 1), g, w) for i, (g, w) in
                                    enumerate(zip(got, want, strict=True))])


def _field_differences(key: str, pairs: list[tuple[str, dict[str, Any], dict[str, Any]]]
                       ) -> list[str]:
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for label, got, want in pairs:
        for name in want.keys() | got.keys():
            if got.get(name) != want.get(name):
                counts[name] += 1
                examples.setdefault(
                    name, f"{label} read {_short(got.get(name))}, truth {_short(want.get(name))}")
    return [f"{key}.{name}: {count} of {len(pairs)} differ, e.g. {examples[name]}"
            for name, count in sorted(counts.items())]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 160 else text[:157] + "..."


def column_differences(result: ReadResult, generated: list[GeneratedFile]) -> list[str]:
    """Return each file read as another kind and each column taken for another field."""
    read = {file.path: file for file in result.files}
    lines = []
    for made in generated:
        file = read.get(made.path)
        name = made.path.name
        if file is None:
            lines.append(f"{name}: not read")
            continue
        if file.kind != made.kind:
            lines.append(f"{name}: read as {file.kind or '未识别'}, is {made.kind}")
            continue
        matches = {(m.sheet, m.column): m for m in file.columns}
        for sheet, columns in made.columns.items():
            for column, meant in columns.items():
                match = matches.get((sheet, column))
                taken = match.field if match else None
                if taken != meant:
                    header = match.header if match else "?"
                    how = f"{match.how} {match.confidence:.2f}" if match else "no header found"
                    lines.append(f"{made.kind} {name}/{sheet} column “{header}”: meant "
                                 f"{meant}, taken for {taken} ({how})")
    return lines


def problem_summary(result: ReadResult) -> list[str]:
    """Return the read's errors counted by message, the first few quoted in full."""
    errors = result.errors
    by_message = Counter(p.message for p in errors)
    lines = [f"{count}× {message}" for message, count in by_message.most_common(SHOWN)]
    return [f"{len(errors)} errors:", *lines] if errors else []


def recovery_report(result: ReadResult, truth: dict[str, Any],
                    generated: list[GeneratedFile]) -> tuple[list[str], str]:
    """Return the facts read wrong, and a message that also says which columns and why."""
    facts = fact_differences(result, truth)
    columns = column_differences(result, generated)
    message = "\n".join(["facts not recovered:", *facts,
                         "columns not understood:", *columns, *problem_summary(result)])
    return facts, message
