"""What reading a sheet yields: one typed record per data row, with its source cells."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from importers.problems import Problem, cell_ref


@dataclass(frozen=True, slots=True)
class Origin:
    """What the records of one sheet share: kind, file, sheet, field order and columns."""

    kind: str
    file: str
    sheet: str
    names: tuple[str, ...]  # field names, in the order of every record's data
    columns: dict[str, int]  # field name -> column, for the fields a column held
    index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {name: i for i, name in enumerate(self.names)})


@dataclass(slots=True)
class Record:
    """One data row: field -> typed value, keyed by its kind's key fields.

    Values sit in a list in the order of `origin.names` rather than in a dict of their
    own: a 100,000-row sheet then costs a third of the memory.
    """

    origin: Origin
    row: int  # 0-based row in the sheet; Excel's row number is row + 1
    data: list[Any]
    key: tuple[Any, ...] = ()
    problems: list[Problem] | None = None

    def __getitem__(self, name: str) -> Any:
        return self.data[self.origin.index[name]]

    def __setitem__(self, name: str, value: Any) -> None:
        self.data[self.origin.index[name]] = value

    def get(self, name: str, default: Any = None) -> Any:
        position = self.origin.index.get(name)
        return default if position is None else self.data[position]

    @property
    def values(self) -> dict[str, Any]:
        """Return field -> value as a new dict."""
        return dict(zip(self.origin.names, self.data, strict=True))

    @property
    def kind(self) -> str:
        return self.origin.kind

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

    def __repr__(self) -> str:
        return f"Record({self.kind}, {self.sheet}!{self.excel_row}, {self.values!r})"
