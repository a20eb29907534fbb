"""Records read from small workbooks, and plain states to plan them against (test helpers)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from importers import read_file
from importers.planning import DeputyFacts, State, UnitFacts
from importers.records import Record
from tests.importers.workbook_builders import UNITS, write_xlsx

SESSION = "区六届人大一次会议"
DEPUTIES = {("张三", "莘庄镇代表团"): "13900000001", ("李四", "七宝镇代表团"): "13900000002",
            ("王五", "七宝镇代表团"): None}


def state(**opinions: Any) -> State:
    """Return a state holding the test units and deputies (and the opinions given)."""
    return State(
        session=SESSION, year=2017,
        units={name: UnitFacts("委办局", list(aliases)) for name, aliases in UNITS.items()},
        deputies={key: DeputyFacts(phone) for key, phone in DEPUTIES.items()},
        opinions=dict(opinions),
    )


def records(folder: Path, kind: str, rows: Sequence[Sequence[Any]], name: str = "sheet.xlsx",
            sheet: str = "Sheet1", units: State | None = None) -> list[Record]:
    """Write rows (header first) to a workbook and read them as the kind."""
    path = write_xlsx(folder / name, {sheet: rows})
    lookup = (units or state()).unit_lookup()
    return read_file(path, kind, session=SESSION, year=2017, units=lookup).records
