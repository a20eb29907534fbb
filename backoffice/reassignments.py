"""Keep the history of an opinion's lead unit, whichever path changes it."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy import event, orm

from backoffice.audit import current_actor
from backoffice.models import Opinion, Reassignment, Unit


def _unit_id(value: Unit | int | None) -> int | None:
    return value.id if isinstance(value, Unit) else value


def _lead_unit_change(opinion: Opinion) -> tuple[int, int] | None:
    """Return (old, new) lead unit ids when the lead unit changed in this flush."""
    state = sa.inspect(opinion)
    for key in ("lead_unit", "lead_unit_id"):
        history = state.attrs[key].history
        if history.deleted and history.added:
            old, new = _unit_id(history.deleted[0]), _unit_id(history.added[0])
            if old is not None and old != new:
                return old, new
    return None


def _record_reassignments(db_session: orm.Session, _flush_context, _instances) -> None:
    for opinion in [o for o in db_session.dirty if isinstance(o, Opinion)]:
        change = _lead_unit_change(opinion)
        if change:
            opinion.reassignments.append(
                Reassignment(
                    from_unit_id=change[0],
                    to_unit_id=change[1],
                    reassigned_on=date.today(),
                    actor=current_actor().name,
                )
            )


def listen() -> None:
    """Record reassignments in every ORM session; safe to call once per app."""
    if not event.contains(orm.Session, "before_flush", _record_reassignments):
        event.listen(orm.Session, "before_flush", _record_reassignments)
