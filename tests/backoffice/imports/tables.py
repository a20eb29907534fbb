"""Dumps of the database and small sheets for import tests (test helpers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import Base, Deputy, Unit
from tests.importers.workbook_builders import OPINION_HEADER, write_xlsx

# What any request may write besides the data: the security log and the signed-in session.
LOGS = ("security_events", "user_sessions")
# What an import writes besides the data: its own record, the audit trail, and the logs.
# standing_counts: derived, equal in sum but not row for row (tests/backoffice/
# test_standing_counts.py holds them to the data after an undo).
BOOKKEEPING = ("audit_entries", "import_runs", "import_files", "import_changes",
               "standing_counts", *LOGS)
NEW_SESSION = "区六届人大二次会议"


# Columns that move on with every write, undoing one included: putting old values back is
# a change too, so a version only goes up and an update time only forward.
MOVING = frozenset({"version", "updated_at"})


def dump(exclude: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Return every row of every table (but the excluded), as sorted text, without the
    columns that only move on."""
    return {
        table.name: sorted(repr(tuple(row)) for row in db.session.execute(
            sa.select(*(column for column in table.c if column.name not in MOVING))))
        for table in Base.metadata.sorted_tables if table.name not in exclude
    }


def a_deputy() -> tuple[str, str]:
    deputy = db.session.scalars(sa.select(Deputy).order_by(Deputy.id)).first()
    return deputy.name, deputy.delegation


def units(count: int) -> list[str]:
    return list(db.session.scalars(sa.select(Unit.name).order_by(Unit.id).limit(count)))


def opinion_row(number: Any, **changes: Any) -> list[Any]:
    """Return an assignment-list row naming a deputy and units of the database."""
    name, delegation = a_deputy()
    lead, co = units(2)
    values = {
        "序号": 1, "编号": number, "案由": f"关于第{number}件的建议", "领衔代表": name,
        "附议代表": "", "代表团": delegation, "类别": "城市建设和管理", "主办单位": lead,
        "会办单位": co, "交办日期": "2018-02-20", "督办领导": "",
    }
    values.update(changes)
    return [values[column] for column in OPINION_HEADER]


def assignment_list(path: Path, rows: list[list[Any]]) -> Path:
    return write_xlsx(path, {"城市建设和管理": [OPINION_HEADER, *rows]})
