"""The rules every write keeps, over plain values: both write paths call these."""

from datetime import date
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice import deadlines
from backoffice.models import Base, CongressSession
from backoffice.models.base import lock_counters
from importers.clock import local_today

# An opinion's stored due dates, and the columns they follow from.
DUE_COLUMNS = ("accept_due_on", "consult_due_on", "co_opinion_due_on", "reply_due_on")
DUE_INPUTS = ("assigned_on", "restarted_on", "reply_extension_months", "session_id")
# The reason a reassignment made by an import records: the sheet gives none.
IMPORT_REASON = "按导入的表格改派"


def due_columns(dates: deadlines.DueDates) -> dict[str, date]:
    return dict(zip(DUE_COLUMNS, (dates.accept, dates.consult, dates.co_opinion, dates.reply),
                    strict=True))


class DueDateBook:
    """Due dates for opinions of one database, the calendar and sessions read once."""

    def __init__(self, db_session: orm.Session) -> None:
        self.db_session = db_session
        self._calendar: deadlines.WorkingCalendar | None = None
        self._sessions: dict[int, CongressSession] = {}
        self._found: dict[tuple[int, date, int | None], dict[str, date]] = {}

    def columns(self, session_id: int, assigned_on: date, extension: int | None,
                restarted_on: date | None = None) -> dict[str, date]:
        """Return the due-date columns of an opinion assigned on assigned_on (reassigned
        on restarted_on, if it was)."""
        key = (session_id, deadlines.counted_from(assigned_on, restarted_on), extension)
        if key not in self._found:
            if self._calendar is None:
                self._calendar = deadlines.load_calendar(self.db_session)
            self._found[key] = due_columns(deadlines.due_dates(
                key[1], self._session(session_id), self._calendar, extension))
        return self._found[key]

    def co_handler_due(self, session_id: int, added_on: date) -> date:
        """Return the 会办意见 deadline of a co-handler added on added_on."""
        return deadlines.co_handler_due(added_on, self._session(session_id))

    def _session(self, session_id: int) -> CongressSession:
        if session_id not in self._sessions:
            with self.db_session.no_autoflush:
                self._sessions[session_id] = self.db_session.get(CongressSession, session_id)
        return self._sessions[session_id]


def reassignment(opinion_id: int | None, from_unit_id: int, to_unit_id: int,
                 actor: str, reason: str) -> dict[str, Any]:
    """Return the reassignment row a change of lead unit leaves; the opinion's deadlines
    restart on its date (`restarted_on`)."""
    return {"opinion_id": opinion_id, "from_unit_id": from_unit_id, "to_unit_id": to_unit_id,
            "reassigned_on": local_today(), "reason": reason, "actor": actor}


def is_versioned(table: sa.Table) -> bool:
    return table.name in lock_counters()


@cache
def references() -> dict[str, dict[str, tuple[str, type]]]:
    """Map each table's foreign keys to (the relationship that reads them, its model), as
    the audit trail names references: by the record they point at, not by its id. An
    opinion's parts point at their opinion through the entry itself: left as they are."""
    found: dict[str, dict[str, tuple[str, type]]] = {}
    for mapper in Base.registry.mappers:
        for relationship in mapper.relationships:
            if relationship.direction is not orm.MANYTOONE or \
                    relationship.mapper.local_table.name == "opinions":
                continue
            for column in relationship.local_columns:
                found.setdefault(mapper.local_table.name, {})[column.key] = (
                    relationship.key, relationship.mapper.class_)
    return found


@cache
def version_parents() -> dict[str, tuple[str, str, str]]:
    """Map each part's table to (its relationship, the whole's table, the foreign key)."""
    found = {}
    for mapper in Base.registry.mappers:
        name = getattr(mapper.class_, "__version_parent__", None)
        if name is None:
            continue
        relationship = mapper.relationships[name]
        (column,) = relationship.local_columns
        found[mapper.local_table.name] = (name, relationship.mapper.local_table.name, column.key)
    return found
