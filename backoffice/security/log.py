"""The security log: who did what, from where, to what, and how it ended.

Entries are appended inside the caller's transaction (`record`), or on their own when the
request is about to be refused (`refuse`). Nothing updates or deletes them but `prune`,
and the database itself refuses both for entries younger than the shortest retention.
Phone numbers are masked before anything is written.
"""

import re
from datetime import timedelta
from typing import Any, NoReturn

import sqlalchemy as sa
from flask import abort, current_app, has_request_context, request
from flask_login import current_user
from sqlalchemy import orm

from backoffice.audit import current_actor
from backoffice.models import SecurityEvent
from backoffice.models.base import utcnow
from backoffice.models.security import Outcome, SecurityEventKind

# The shortest retention an assessment accepts (six months); the database enforces it too.
MIN_RETENTION_DAYS = 180

# Numbers are written with spaces or hyphens between the groups, with the country code
# (+86, 0086, 86), the area code in brackets, or in full-width digits from a Chinese
# input method.
_SEP = r"[ \-]?"
_MOBILE = re.compile(rf"(?<!\d)((?:(?:\+|00)?86{_SEP})?1[3-9]\d){_SEP}\d{{4}}{_SEP}(\d{{4}})(?!\d)")
_LANDLINE = re.compile(rf"(?<!\d)(\(?0\d{{2,3}}\)?{_SEP})\d{{3,4}}{_SEP}(\d{{4}})(?!\d)")
# A local number without its area code (Shanghai's eight digits), as most people write
# their own: known by the word before it, since eight digits alone may be a date or a sum.
_LOCAL = re.compile(rf"((?:电话|手机|座机|热线|传真|联系|致电|拨打|tel)[^0-9]{{0,8}}?)"
                    rf"[2-9]\d{{3}}{_SEP}(\d{{4}})(?!\d)", re.IGNORECASE)
# Full-width digits and signs, and the spaces and dashes word processors and web pages
# put between groups, read as their ASCII selves (one character for one, so the places
# found in the translated text are the places in the text).
_HALF_WIDTH = str.maketrans("０１２３４５６７８９＋－（）　\u00a0\u2007\u202f"
                            "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63",
                            "0123456789+-()    --------")


def _masked(pattern: re.Pattern[str], text: str) -> str:
    pieces, last = [], 0
    for match in pattern.finditer(text.translate(_HALF_WIDTH)):
        pieces += [text[last:match.start()], f"{match[1]}****{match[2]}"]
        last = match.end()
    return "".join(pieces) + text[last:]


def mask_phones(text: str) -> str:
    """Return text with mobile and landline numbers masked: 138****5678, 021-****5678."""
    return _masked(_LOCAL, _masked(_LANDLINE, _masked(_MOBILE, text)))


def client_address() -> str:
    """Return the client's address (the proxy's X-Forwarded-For once ProxyFix trusts it)."""
    return (request.remote_addr or "") if has_request_context() else ""


def _who() -> tuple[str, str]:
    if has_request_context() and current_user.is_authenticated:
        return current_user.username, current_user.role
    return current_actor().name, ""


def entry(event: SecurityEventKind, outcome: Outcome = Outcome.SUCCESS, *,
          username: str | None = None, object: str = "", detail: str = "") -> dict[str, Any]:
    """Return a security log row for event, by the current user unless username is given."""
    name, role = _who()
    if username is not None and username != name:
        name, role = username, ""
    return {
        "at": utcnow(),
        "event": event.value,
        "outcome": outcome.value,
        "username": mask_phones(name)[:64],
        "role": role,
        "client_address": client_address()[:64],
        "object": mask_phones(object)[:300],
        "detail": mask_phones(detail)[:500],
    }


def record(db_session: orm.Session, event: SecurityEventKind,
           outcome: Outcome = Outcome.SUCCESS, **fields: str) -> None:
    """Append an entry inside db_session's transaction: it stands or falls with the change."""
    db_session.connection().execute(sa.insert(SecurityEvent), [entry(event, outcome, **fields)])


def record_now(event: SecurityEventKind, outcome: Outcome = Outcome.SUCCESS,
               **fields: str) -> None:
    """Append an entry and commit it: for reads (exports, downloads) that change nothing."""
    from backoffice.extensions import db

    record(db.session, event, outcome, **fields)
    db.session.commit()


def refuse(db_session: orm.Session, status: int, object: str, detail: str = "") -> NoReturn:
    """Log a refused access to object and answer status (403, or 404 to hide it exists)."""
    db_session.rollback()  # the refused request changes nothing
    record(db_session, SecurityEventKind.ACCESS_REFUSED, Outcome.REFUSED, object=object,
           detail=detail or f"{request.method} {request.full_path}"[:500])
    db_session.commit()
    abort(status)


def retention_days() -> int:
    return max(int(current_app.config["SECURITY_LOG_RETENTION_DAYS"]), MIN_RETENTION_DAYS)


def prune(db_session: orm.Session) -> int:
    """Delete entries older than the retention; log that it was done; return how many."""
    days = retention_days()
    cutoff = utcnow() - timedelta(days=days)
    deleted = db_session.execute(
        sa.delete(SecurityEvent).where(SecurityEvent.at < cutoff)
    ).rowcount
    record(db_session, SecurityEventKind.LOG_PRUNED,
           detail=f"删除 {deleted} 条早于 {days} 天的记录")
    return deleted
