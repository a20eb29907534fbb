"""Importing sheets into the back-office: plan, check, apply in one transaction, undo.

    from backoffice.imports import run_import
    result = run_import(db.session, ["清单.xlsx"], "opinions", session="区六届人大一次会议",
                        dry_run=False, actor="admin")

`importers` reads the sheets and plans the rows against plain state; this package
loads that state from the database (`state`), adds the back-office's checks
(`checking`), applies the plan in bulk (`applying`, `writer`), keeps the files
(`originals`) and undoes a whole import (`undoing`).
"""

from backoffice.imports.service import (
    ImportResult,
    PreparedImport,
    StalePlan,
    apply_prepared,
    prepare_import,
    run_import,
)
from backoffice.imports.undoing import UndoRefused, UndoResult, undo_import

__all__ = [
    "ImportResult",
    "PreparedImport",
    "StalePlan",
    "UndoRefused",
    "UndoResult",
    "apply_prepared",
    "prepare_import",
    "run_import",
    "undo_import",
]
