"""The ORM entry of the one write path: flush hooks on every session (screens, the CLI).

Before each flush, in this order: reassignments (refused without a reason; the deadlines
restart), due dates, the new lead unit's notice, versions of wholes whose parts
changed; then the audit trail reads the result, so it records the due dates and the
reassignment too; last, the counted facts of the opinions the flush touches are read
(`spans.Recount`). After the flush, the audit entries are written in the same transaction
and those opinions' counts moved.
"""


import sqlalchemy as sa
from sqlalchemy import event, orm
from sqlalchemy.orm.base import NO_VALUE

from backoffice import audit, deadlines, reassigning, spans
from backoffice.models import CoHandling, CongressSession, Opinion, Reassignment
from backoffice.writing import rules
from backoffice.writing.exclusive import keep_writers_out
from importers.clock import local_today

_RECOUNT = "recount"  # the flush's `spans.Recount`, in the session's info


def _session_id(opinion: Opinion) -> int:
    return opinion.session.id if opinion.session is not None else opinion.session_id


def _keep_due_dates(db_session: orm.Session) -> None:
    book = rules.DueDateBook(db_session)  # reads the calendar and sessions only if asked
    for opinion in [*db_session.new, *db_session.dirty]:
        if not isinstance(opinion, Opinion):
            continue
        state = sa.inspect(opinion)
        if not (state.pending or opinion.reply_due_on is None or any(
                state.attrs[name].history.has_changes() for name in (*rules.DUE_INPUTS,
                                                                     "session"))):
            continue
        for column, value in book.columns(_session_id(opinion), opinion.assigned_on,
                                          opinion.reply_extension_months,
                                          opinion.restarted_on).items():
            setattr(opinion, column, value)
    _keep_co_handler_dues(db_session, book)


def _keep_co_handler_dues(db_session: orm.Session, book: rules.DueDateBook) -> None:
    """Date a co-handler added to a saved opinion, and give it its own 会办意见 deadline."""
    for co in [o for o in db_session.new if isinstance(o, CoHandling)]:
        opinion = co.opinion
        if opinion is None or sa.inspect(opinion).pending:
            continue
        if co.added_on is None:
            co.added_on = reassigning.joined_on(opinion, local_today())
        if co.added_on is not None:
            co.co_opinion_due_on = book.co_handler_due(_session_id(opinion), co.added_on)


def _unit_id(value: object) -> int | None:
    return getattr(value, "id", value)


def lead_unit_change(opinion: Opinion) -> tuple[int, int] | None:
    """Return (old, new) lead unit ids when the lead unit changed in this flush."""
    state = sa.inspect(opinion)
    for key in ("lead_unit", "lead_unit_id"):
        history = state.attrs[key].history
        if history.deleted and history.added:
            old, new = _unit_id(history.deleted[0]), _unit_id(history.added[0])
            if old is not None and old != new:
                return old, new
    return None


def _record_reassignments(db_session: orm.Session) -> list[tuple[Opinion, Reassignment]]:
    """Record each change of lead unit with its reason (refused without one) and restart
    the opinion's deadlines from today; return what was recorded."""
    actor = audit.current_actor().name
    recorded = []
    for opinion in [o for o in db_session.dirty if isinstance(o, Opinion)]:
        change = lead_unit_change(opinion)
        if change:
            reason = reassigning.reason_of(opinion)
            if not reason:
                raise reassigning.ReassignmentError(reassigning.NO_REASON)
            row = rules.reassignment(None, *change, actor, reason)
            del row["opinion_id"]
            reassignment = Reassignment(**row)
            opinion.reassignments.append(reassignment)
            opinion.restarted_on = reassignment.reassigned_on
            reassigning.forget_reason(opinion)
            recorded.append((opinion, reassignment))
    return recorded


def _whole(db_session: orm.Session, part: object) -> object | None:
    name, _table, column = rules.version_parents()[sa.inspect(part).mapper.local_table.name]
    whole = sa.inspect(part).attrs[name].loaded_value
    if whole is NO_VALUE or whole is None:
        key = getattr(part, column)
        if key is None:
            return None
        relationship = sa.inspect(part).mapper.relationships[name]
        with db_session.no_autoflush:
            whole = db_session.get(relationship.mapper.class_, key)
    return whole


def _left_whole(db_session: orm.Session, part: object) -> object | None:
    """Return the whole a part is moved away from in this flush, if it is moved."""
    name, _table, column = rules.version_parents()[sa.inspect(part).mapper.local_table.name]
    state = sa.inspect(part)
    by_key = state.attrs[column].history
    if by_key.deleted:
        left = by_key.deleted[0]
    elif state.attrs[name].history.has_changes() and not state.pending:
        left = getattr(part, column)  # set through the relationship: the key follows later
    else:
        return None
    if left is None:
        return None
    with db_session.no_autoflush:
        return db_session.get(state.mapper.relationships[name].mapper.class_, left)


def _raise_versions(db_session: orm.Session) -> None:
    """Raise the version of each whole whose parts change (a part moved to another whole:
    both), and of each record whose only change is a collection (its co-signers): neither
    touches the record's own row."""
    parents = rules.version_parents()
    raised: set[int] = set()
    changed = [*db_session.new, *db_session.dirty, *db_session.deleted]
    for obj in changed:
        if sa.inspect(obj).mapper.local_table.name in parents:
            for whole in (_whole(db_session, obj), _left_whole(db_session, obj)):
                if whole is not None and not sa.inspect(whole).pending \
                        and whole not in db_session.deleted:
                    _raise(whole, raised)
    for obj in db_session.dirty:
        if rules.is_versioned(sa.inspect(obj).mapper.local_table) and \
                db_session.is_modified(obj, include_collections=True):
            _raise(obj, raised)


def _raise(record: object, raised: set[int]) -> None:
    if id(record) in raised:
        return
    raised.add(id(record))
    if not sa.inspect(record).attrs["version"].history.has_changes():
        record.version = record.version + 1


def _counted_opinions(db_session: orm.Session) -> set[int]:
    """Return the ids of the saved opinions whose counted facts this flush may change:
    their own, their parts' (before and after a part moves)."""
    ids: set[int | None] = set()
    for obj in [*db_session.new, *db_session.dirty, *db_session.deleted]:
        table = sa.inspect(obj).mapper.local_table.name
        if table in spans.COUNTED_TABLES:
            state = sa.inspect(obj)
            column = spans.COUNTED_TABLES[table]
            ids.add(getattr(obj, column))
            ids.update(state.attrs[column].history.deleted)
            if column != "id":
                opinions = state.attrs["opinion"].history
                ids.update(o.id for o in (*opinions.added, *opinions.unchanged,
                                          *opinions.deleted) if o is not None)
    ids.discard(None)
    return ids  # type: ignore[return-value]


# A session's deadline settings: a change moves the counts of every opinion of it.
_PERIODS = tuple(deadlines.DeadlineSettings.__annotations__)


def _hold_moved_periods(db_session: orm.Session) -> set[int]:
    """Raise the version of every opinion of the sessions whose periods this flush changes,
    and return their ids.

    The change moves their counts but writes none of their rows, so without this a save
    of one of them at the same moment would read the periods the other replaces (each
    taking away what the other counted). Raised first, before their counts are read: a save
    begun meanwhile is refused as stale (its deadlines did change), and a save flushed
    already is waited for (its rows are held) and read as saved.

    An opinion entering the session (created in it, moved to it) is not among those raised,
    so the other writers are held out first, as a bulk write holds them: a save of such an
    opinion flushed already is waited for and counted with the session's others, and one
    begun meanwhile waits, then reads the periods saved."""
    moved = [s.id for s in db_session.dirty if isinstance(s, CongressSession)
             and any(sa.inspect(s).attrs[name].history.has_changes() for name in _PERIODS)]
    if not moved:
        return set()
    keep_writers_out(db_session)
    flushed = {o.id for o in (*db_session.dirty, *db_session.deleted) if isinstance(o, Opinion)}
    table = Opinion.__table__
    in_moved = sa.and_(table.c.session_id.in_(moved), table.c.id.not_in(flushed))
    db_session.execute(sa.update(table).where(in_moved).values(version=table.c.version + 1))
    for obj in list(db_session.identity_map.values()):
        if isinstance(obj, Opinion) and obj.session_id in moved and obj.id not in flushed:
            db_session.expire(obj, ["version"])  # raised in the database
    return set(db_session.scalars(sa.select(table.c.id).where(in_moved)))


def _before_flush(db_session: orm.Session, _flush_context, _instances) -> None:
    reassigned = _record_reassignments(db_session)
    _keep_due_dates(db_session)
    for opinion, reassignment in reassigned:  # the notice names the new due dates
        reassigning.notify(db_session, opinion, reassignment)
    _raise_versions(db_session)
    audit.collect(db_session)
    with db_session.no_autoflush:
        touched = _counted_opinions(db_session) | _hold_moved_periods(db_session)
        created = any(isinstance(obj, Opinion) for obj in db_session.new)  # no id yet
        if touched or created:
            recount = db_session.info[_RECOUNT] = spans.Recount(db_session)
            recount.before(touched)


def _after_flush(db_session: orm.Session, _flush_context) -> None:
    audit.write(db_session)
    recount = db_session.info.pop(_RECOUNT, None)
    if recount is not None:
        recount.created(_counted_opinions(db_session))  # the new ones have ids now
        recount.apply()


def _after_rollback(db_session: orm.Session, *_args) -> None:
    audit.forget(db_session)
    db_session.info.pop(_RECOUNT, None)


def listen() -> None:
    """Keep the rules in every ORM session; safe to call once per app."""
    for name, listener in (
        ("before_flush", _before_flush),
        ("after_flush", _after_flush),
        ("after_rollback", _after_rollback),
    ):
        if not event.contains(orm.Session, name, listener):
            event.listen(orm.Session, name, listener)
