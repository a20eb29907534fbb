"""Sheets in and out, without Flask.

read -> find header -> map columns -> normalise -> validate -> plan -> apply.
One small declarative schema per sheet kind drives both import and export.

Reading (this package's first half):

    from importers import read_paths, read_file, UnitLookup
    result = read_paths(["samples/2017"], session="区六届人大一次会议", year=2017,
                        units=UnitLookup({"区交通委": ["交通委"]}),
                        mapping={"牵头单位": "主办单位"})
    for file in result.files:
        file.kind, file.records, file.problems
    result.by_key("opinions")[(3,)]["lead_unit"]

Modules: `limits` checks a file's size, parts, sheets and cells before any parser sees
it; `workbooks` opens any format into sheets; `headers` finds and maps the header, with
`matching` understanding a column by what its header says and what its cells hold (each
column's `columns.ColumnMatch`: field, how, confidence); `values` reads one cell, dates in
every common form (a two-digit year only near the session's year, a day/month order only
when clear: otherwise an error at the cell, never a guess); `units` resolves unit names;
`rows` skips non-data rows; `tables` turns rows into `records`; `problems` says what is
wrong where; `schemas` describes each sheet kind; `reading` ties them together.
"""

from importers.problems import Problem, ReadError, cell_ref, column_letter
from importers.reading import (
    AUTO,
    FileResult,
    ReadResult,
    UsageError,
    parse_mapping,
    read_file,
    read_folder,
    read_paths,
)
from importers.records import Origin, Record
from importers.schemas import KINDS, SCHEMAS, Field, FieldType, Schema
from importers.units import UnitLookup
from importers.values import BadValue, UnitGrade

__all__ = [
    "AUTO",
    "KINDS",
    "SCHEMAS",
    "BadValue",
    "Field",
    "FieldType",
    "FileResult",
    "Origin",
    "Problem",
    "ReadError",
    "ReadResult",
    "Record",
    "Schema",
    "UnitGrade",
    "UnitLookup",
    "UsageError",
    "cell_ref",
    "column_letter",
    "parse_mapping",
    "read_file",
    "read_folder",
    "read_paths",
]
