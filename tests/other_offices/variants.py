"""The fixed variants: a few other offices per sample year, the same on every run.

Each is a seed for the choices the vocabulary leaves open, with some choices forced so
that between them the years cover every file format and layout. "own" writes the
office's own canonical sheets: it checks the generator, not the importer.
"""

from __future__ import annotations

from tests.other_offices.generator import NO, YES, OwnPicker, Picker, SeededPicker

YEARS = ("2016", "2017")

# A units' roster under headers no synonym list holds: the kind detector must know it by
# its contents.
UNKNOWN_ROSTER = {"units/name/header": "单位全称", "units/kind/header": "单位性质",
                  "units/aliases/header": "其他名称"}

# name -> (seed, forced choices by `kind/aspect` or by aspect)
OFFICES: dict[str, tuple[int, dict[str, str]]] = {
    # Everything in .xlsx: two-level headers over merged cells, a handling file per unit.
    "xlsx": (1, {"format": "xlsx", "two_level": YES, "files": "per unit"}),
    # Old Excel 97 workbooks, the assignment list a sheet per category.
    "xls": (2, {"format": "xls", "sheets": "per category", "two_level": NO,
                **UNKNOWN_ROSTER}),
    "ods": (3, {"format": "ods", "files": "one file", **UNKNOWN_ROSTER}),
    # CSV saved by WPS (GB18030) and by Excel ("CSV UTF-8", with a BOM).
    "csv-gb18030": (4, {"format": "csv-gb18030", "two_level": YES}),
    "csv-utf-8-sig": (5, {"format": "csv-utf-8-sig", "files": "per unit"}),
}
# The other offices each sample year is written as; every format is in one of the years.
# (Offices whose every file has its own habits and format are drawn by Hypothesis.)
FIXED = {
    "2016": ("xlsx", "xls", "csv-gb18030"),
    "2017": ("xlsx", "ods", "csv-utf-8-sig"),
}
# The variants of each year imported end to end into a database. (The office's own,
# "own", passes too: the generator's facts are the expected ones; it is left out for time,
# reading it back to truth.json checks the same generator.)
END_TO_END = ("xlsx",)


def picker(year: str, office: str) -> Picker:
    """Return the picker that writes the year as the named office does."""
    if office == "own":
        return OwnPicker()
    seed, forced = OFFICES[office]
    return SeededPicker(int(year) * 100 + seed, forced)
