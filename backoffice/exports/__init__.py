"""Exports that go round: the database, in batches, into `importers.exporting`'s writers.

    export_kind(db.session, "opinions", "交办清单.xlsx", session=session)
    export_worklist(db.session, unit, session, "浦江镇.xlsx")
    export_worklists(db.session, units, session, "办理工作清单.zip")

`rows` reads each sheet kind's rows; `worklists` puts together a unit's worklist;
`lists` exports the admin lists (their filters, sort and the user's scope).
"""

from backoffice.exports.kinds import (
    ExportError,
    export_kind,
    kind_title,
    resolve_session,
    resolve_unit,
    unit_names,
)
from backoffice.exports.rows import ROWS, SESSION_KINDS, UNITLESS_KINDS, Scope
from backoffice.exports.worklists import (
    export_worklist,
    export_worklists,
    units_with_work,
    worklist_name,
)

__all__ = [
    "ROWS",
    "SESSION_KINDS",
    "UNITLESS_KINDS",
    "ExportError",
    "Scope",
    "export_kind",
    "export_worklist",
    "export_worklists",
    "kind_title",
    "resolve_session",
    "resolve_unit",
    "unit_names",
    "units_with_work",
    "worklist_name",
]
