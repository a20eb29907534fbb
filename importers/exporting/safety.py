"""Formula injection: text a spreadsheet would run as a formula is written as text.

A cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return is taken
for a formula (or a DDE call) when typed or opened in Excel. An .xlsx export writes
such text as a string cell with Excel's quote prefix, so the value stays exactly the
text and stays text when edited; a CSV, which has no cell types, gets a leading `'`.
"""

from __future__ import annotations

FORMULA_TRIGGERS = frozenset("=+-@\t\r")


def looks_like_formula(text: str) -> bool:
    """Tell whether a spreadsheet would take this text for a formula."""
    return text[:1] in FORMULA_TRIGGERS


def csv_safe(text: str) -> str:
    """Return text for a CSV cell: prefixed with `'` when it would start a formula."""
    return "'" + text if text[:1] in FORMULA_TRIGGERS else text
