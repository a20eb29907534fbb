"""A unit's worklist (its open opinions as lead and as co-handler), and all of them zipped."""

import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice import stamp_signing
from backoffice.exports import rows
from backoffice.exports.kinds import unit_names
from backoffice.exports.rows import Scope, open_opinion
from backoffice.models import CoHandling, CongressSession, Opinion, Unit
from backoffice.standing import standings
from importers.clock import local_today
from importers.exporting import Target, write_worklist
from importers.exporting.worklist import (
    AS_CO_HANDLER,
    CO_HANDLERS,
    CONTACTS,
    HANDLING,
    PROGRESS,
)


def worklist_name(unit: Unit, session: CongressSession) -> str:
    """Return the file name of a unit's worklist."""
    return f"{unit.name}-书面意见办理工作清单-{session.name}.xlsx"


def export_worklist(db_session: orm.Session, unit: Unit, session: CongressSession,
                    target: Target) -> int:
    """Write a unit's worklist for a session; return how many rows it holds."""

    def scope(unit_as: rows.UnitRole) -> Scope:
        return Scope(session.id, session.year, unit.id, unit_as, open_only=True)

    parts = {
        HANDLING: _with_standing(db_session, rows.handling(db_session, scope("lead")),
                                 session, unit),
        CONTACTS: rows.contacts(db_session, scope("lead")),
        PROGRESS: rows.progress(db_session, scope("lead")),
        AS_CO_HANDLER: rows.co_evaluations(db_session, scope("co")),
        CO_HANDLERS: rows.co_evaluations(db_session, scope("lead")),
    }
    numbers = db_session.scalars(
        sa.select(Opinion.number)
        .where(Opinion.session_id == session.id, Opinion.lead_unit_id == unit.id, open_opinion())
        .order_by(Opinion.number)
    ).all()
    return write_worklist(target, unit.name, session.name, parts,
                          units=unit_names(db_session), numbers=numbers,
                          signer=stamp_signing.signer())


def _with_standing(db_session: orm.Session, handling: Iterable[Any],
                   session: CongressSession, unit: Unit) -> Iterator[tuple[Any, ...]]:
    """Add each handling row's standing as of today: the sheet's info columns, after its fields."""
    opinions = db_session.scalars(
        sa.select(Opinion)
        .options(orm.selectinload(Opinion.co_handlings).joinedload(CoHandling.unit))
        .where(Opinion.session_id == session.id, Opinion.lead_unit_id == unit.id,
               open_opinion())
    ).all()
    known = standings(db_session, opinions, local_today())
    by_number = {opinion.number: known[opinion.id] for opinion in opinions}
    for row in handling:
        seen = by_number.get(row.number)
        yield (*row, *((seen.stage, seen.next_due, seen.overdue) if seen else ()))


def units_with_work(db_session: orm.Session, session: CongressSession,
                    visible: sa.ColumnElement[bool] | None = None) -> list[tuple[Unit, int, int]]:
    """Return the units with open opinions in the session: (unit, as lead, as co-handler)."""
    in_session = sa.and_(Opinion.session_id == session.id, open_opinion())
    led = (sa.select(Opinion.lead_unit_id.label("unit_id"), sa.func.count().label("n"))
           .where(in_session).group_by(Opinion.lead_unit_id).subquery())
    co = (sa.select(CoHandling.unit_id.label("unit_id"), sa.func.count().label("n"))
          .join(Opinion, CoHandling.opinion_id == Opinion.id)
          .where(in_session).group_by(CoHandling.unit_id).subquery())
    query = (
        sa.select(Unit, sa.func.coalesce(led.c.n, 0), sa.func.coalesce(co.c.n, 0))
        .outerjoin(led, led.c.unit_id == Unit.id)
        .outerjoin(co, co.c.unit_id == Unit.id)
        .where(sa.or_(led.c.n.is_not(None), co.c.n.is_not(None)))
        .order_by(Unit.kind, Unit.name)
    )
    if visible is not None:
        query = query.where(visible)
    return [tuple(row) for row in db_session.execute(query)]  # type: ignore[misc]


def export_worklists(db_session: orm.Session, units: Iterable[Unit], session: CongressSession,
                     target: str | Path | IO[bytes],
                     done: Callable[[int], None] | None = None) -> list[str]:
    """Write a zip of the units' worklists; return the names of the files in it.

    Each workbook is written to a temporary file and copied into the archive, so one
    unit's workbook at most is ever being built.
    """
    names = []
    # The workbooks are compressed already: store them as they are.
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
        for unit in units:
            name = worklist_name(unit, session)
            with tempfile.TemporaryFile() as part:
                export_worklist(db_session, unit, session, part)
                part.seek(0)
                with archive.open(name, "w") as entry:
                    shutil.copyfileobj(part, entry)
            names.append(name)
            if done is not None:
                done(1)
    return names
