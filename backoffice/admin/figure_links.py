"""Links from a figure to exactly the opinions it counts, in the opinions list."""

from datetime import date
from typing import Any

from backoffice.admin.filters import OwnOverdueFilter
from backoffice.reporting.dashboard import WorkList
from scoring.lateness import OVERDUE_NOW


def linked(opinions: Any, figures: list[WorkList]) -> list[tuple[str, str, int, str]]:
    """Return figures as (key, label, count, URL of the list of exactly their opinions)."""
    return [(f.key, f.label, f.count, opinions.filtered_list_url(**f.filters)) for f in figures]


def overdue_unit_url(opinions: Any, session_id: int, as_of: date, unit_id: int) -> str:
    """Return the list of a session's opinions where a unit has a step overdue on a day."""
    return opinions.filtered_list_url(**{
        "届次会议": str(session_id), OVERDUE_NOW.label: as_of.isoformat(),
        OwnOverdueFilter.NAME: str(unit_id)})
