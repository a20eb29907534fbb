"""Changes the security log watches, whichever path makes them (screens, CLI, imports):
accounts (a change to one also ends its sessions when it calls for it) and settings (the
working calendar, the sessions' deadlines, the assessment rules).
"""

from typing import Any

import sqlalchemy as sa
from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event, orm

from backoffice.labels import FIELD_LABELS, TABLE_LABELS
from backoffice.models import (
    ROLE_LABELS,
    AssessmentRuleset,
    CalendarOverride,
    CongressSession,
    Role,
    SecurityEvent,
    Unit,
    User,
)
from backoffice.models.security import SecurityEventKind, SessionEnd, UserSession
from backoffice.security import log
from backoffice.security.sessions import end_sessions

# Changes to a user that end every session of theirs, and why (a unit change too: see
# `_unit_change`).
_ENDING_CHANGES = {
    "password_hash": SessionEnd.PASSWORD,
    "active": SessionEnd.DEACTIVATED,
    "role": SessionEnd.ROLE,
}
# Bookkeeping that changes on its own and is no event.
_QUIET = frozenset({"version", "must_change_password", "password_changed_at", "password_hash"})


def _by_themselves(user: User) -> bool:
    return (has_request_context() and current_user.is_authenticated
            and current_user.get_id() == str(user.id))


def _role(value: Any) -> str:
    return ROLE_LABELS.get(Role(value), str(value)) if value in set(Role) else str(value)


def _unit(db_session: orm.Session, unit_id: int | None) -> str:
    if unit_id is None:
        return "无"
    with db_session.no_autoflush:
        return db_session.scalar(sa.select(Unit.name).where(Unit.id == unit_id)) or str(unit_id)


def _unit_id_now(user: User) -> int | None:
    # A form sets the relationship; its key column follows only at the flush.
    return user.unit.id if user.unit is not None else None


def _unit_change(user: User) -> tuple[int | None, int | None] | None:
    """Return (old, new) unit ids when user's unit changes in this flush, whether the
    change came through the key (`unit_id`) or through the relationship (a form)."""
    state = sa.inspect(user)
    by_key, by_relation = state.attrs["unit_id"].history, state.attrs["unit"].history
    if by_relation.has_changes():
        old = by_key.deleted[0] if by_key.deleted else user.unit_id
        new = _unit_id_now(user)
    elif by_key.has_changes():
        old = by_key.deleted[0] if by_key.deleted else None
        new = user.unit_id
    else:
        return None
    return (old, new) if old != new else None


def _changed(db_session: orm.Session, user: User) -> list[str]:
    """Return the account's changes in words, e.g. "角色：区领导 → 业务管理员"."""
    state = sa.inspect(user)
    words = []
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if attr.key in _QUIET or not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if attr.key == "role":
            words.append(f"角色：{_role(old)} → {_role(new)}")
        elif attr.key == "active":
            words.append("启用账号" if new else "停用账号")
        elif attr.key == "username":
            words.append(f"用户名：{old} → {new}")
        elif attr.key == "display_name":
            words.append(f"姓名：{old or '无'} → {new or '无'}")
    if (unit := _unit_change(user)) is not None:
        words.append(f"单位：{_unit(db_session, unit[0])} → {_unit(db_session, unit[1])}")
    return words


def _events(db_session: orm.Session) -> tuple[list[dict], dict[int, SessionEnd]]:
    rows: list[dict] = []
    ending: dict[int, SessionEnd] = {}
    for user in db_session.new:
        if isinstance(user, User):
            rows.append(log.entry(
                SecurityEventKind.USER_CREATED, object=f"用户 {user.username}",
                detail=f"角色：{_role(user.role)}；单位："
                       f"{_unit(db_session, user.unit_id or _unit_id_now(user))}"))
    for user in db_session.dirty:
        if not isinstance(user, User):
            continue
        state = sa.inspect(user)
        for key, reason in _ENDING_CHANGES.items():
            if state.attrs[key].history.has_changes():
                ending[user.id] = reason
        if user.id not in ending and _unit_change(user) is not None:
            ending[user.id] = SessionEnd.ROLE
        about = f"用户 {user.username}"
        if state.attrs["password_hash"].history.has_changes():
            kind = (SecurityEventKind.PASSWORD_CHANGED if _by_themselves(user)
                    else SecurityEventKind.PASSWORD_RESET)
            rows.append(log.entry(kind, object=about))
        words = _changed(db_session, user)
        if words:
            rows.append(log.entry(SecurityEventKind.USER_CHANGED, object=about,
                                  detail="；".join(words)))
    for user in db_session.deleted:
        if isinstance(user, User):
            ending[user.id] = SessionEnd.USER_DELETED
            rows.append(log.entry(SecurityEventKind.USER_DELETED,
                                  object=f"用户 {user.username}"))
    return rows, ending


# Settings: what moves every deadline or every score.
SETTINGS = (CalendarOverride, CongressSession, AssessmentRuleset)


def _settings_events(db_session: orm.Session) -> list[dict]:
    rows = []
    for group, verb in ((db_session.new, "新增"), (db_session.dirty, "修改"),
                        (db_session.deleted, "删除")):
        for obj in group:
            if not isinstance(obj, SETTINGS):
                continue
            state = sa.inspect(obj)
            changed = [FIELD_LABELS.get(attr.key, attr.key) for attr in state.mapper.column_attrs
                       if attr.key != "version" and state.attrs[attr.key].history.has_changes()]
            if verb == "修改" and not changed:
                continue
            rows.append(log.entry(
                SecurityEventKind.SETTINGS_CHANGED,
                object=f"{TABLE_LABELS.get(obj.__tablename__, obj.__tablename__)} {obj}",
                detail=verb + (f"：{'、'.join(changed)}" if verb == "修改" else "")))
    return rows


def _collect(db_session: orm.Session, _flush_context, _instances) -> None:
    rows, ending = _events(db_session)
    rows += _settings_events(db_session)
    if rows or ending:
        pending = db_session.info.setdefault("account_changes", ([], {}))
        pending[0].extend(rows)
        pending[1].update(ending)


def _write(db_session: orm.Session, _flush_context) -> None:
    rows, ending = db_session.info.pop("account_changes", ([], {}))
    if rows:
        db_session.connection().execute(sa.insert(SecurityEvent), rows)
    for user_id, reason in ending.items():
        end_sessions(db_session, UserSession.user_id == user_id, reason)


def _forget(db_session: orm.Session, *_args) -> None:
    db_session.info.pop("account_changes", None)


def listen() -> None:
    """Log account changes and end sessions in every ORM session; safe to call twice."""
    for name, listener in (
        ("before_flush", _collect),
        ("after_flush", _write),
        ("after_rollback", _forget),
    ):
        if not event.contains(orm.Session, name, listener):
            event.listen(orm.Session, name, listener)
