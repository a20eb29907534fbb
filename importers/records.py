"""What reading a sheet yields: one typed record per data row, with its source cells."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from importers.problems import Problem, cell_ref


@dataclass(frozen=True, slots=True)
class Origin:
    """The sheet a run of records came from and the column of each field, shared by them."""

    file: str
    sheet: str
    columns: dict[str, int]


@dataclass(slots=True)
class Record:
    """One data row: field -> typed value, keyed by its kind's key fields."""

    kind: str
    key: tuple[Any, ...]
    values: dict[str, Any]
    origin: Origin
    row: int  # 0-based row in the sheet's grid; Excel's row number is row + 1
    problems: list[Problem] | None = None

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    @property
    def file(self) -> str:
        return self.origin.file

    @property
    def sheet(self) -> str:
        return self.origin.sheet

    @property
    def excel_row(self) -> int:
        return self.row + 1

    @property
    def valid(self) -> bool:
        """Tell whether the row can be applied: it has no error of its own."""
        return not self.problems or not any(p.is_error for p in self.problems)

    def cell(self, name: str) -> str | None:
        """Return the Excel reference of a field's cell, or None if no column held it."""
        column = self.origin.columns.get(name)
        return None if column is None else cell_ref(self.origin.sheet, self.row, column)

    @property
    def cells(self) -> dict[str, str]:
        """Return the Excel reference of every field read from a column."""
        return {name: cell_ref(self.origin.sheet, self.row, column)
                for name, column in self.origin.columns.items()}

    def add_problem(self, problem: Problem) -> None:
        if self.problems is None:
            self.problems = []
        self.problems.append(problem)
