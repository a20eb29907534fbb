"""Signed-in sessions the server can end.

Signing in stores a random token in the (signed) session cookie and its hash in
`user_sessions`; every request finds its session row or is signed out. So logging out,
an idle or absolute timeout, a password change or reset, a deactivation, a role or unit
change and an administrator's "end session" make a copied cookie worthless. There is
no remember-me cookie: a session ends with the browser or the timeouts.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import orm
from werkzeug.wrappers import Response

from backoffice.access import PUBLIC_ENDPOINTS
from backoffice.extensions import db, login_manager
from backoffice.models import User
from backoffice.models.base import utcnow
from backoffice.models.security import SecurityEventKind, SessionEnd, UserSession
from backoffice.security import log

# How often a session's last activity is written: often enough for a 30-minute idle limit.
_TOUCH_EVERY = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    # SQLite hands stored times back without their zone: they are UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def start(user: User) -> None:
    """Sign user in with a new server-side session (and a new CSRF token), and log it."""
    session.clear()  # a fresh cookie: no token or CSRF secret survives from before
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(
        token_hash=_hash(token), user_id=user.id, client_address=log.client_address(),
        user_agent=request.user_agent.string[:200],
    ))
    session["sid"] = token
    login_user(user)
    log.record(db.session, SecurityEventKind.SIGN_IN, object=f"用户 {user.username}")
    db.session.commit()


def _current_row() -> UserSession | None:
    token = session.get("sid")
    if not isinstance(token, str):
        return None
    return db.session.scalar(sa.select(UserSession).where(UserSession.token_hash == _hash(token)))


def expiry(row: UserSession, now: datetime) -> SessionEnd | None:
    """Return why row has run out at now, if it has."""
    config = current_app.config
    if now - _aware(row.last_seen_at) > timedelta(minutes=config["SESSION_IDLE_MINUTES"]):
        return SessionEnd.IDLE
    if now - _aware(row.started_at) > timedelta(hours=config["SESSION_MAX_HOURS"]):
        return SessionEnd.TOO_LONG
    return None


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Return the signed-in user if the cookie's session is still open on the server."""
    row = _current_row()
    if row is None or str(row.user_id) != user_id or row.ended_at is not None:
        return None
    now = utcnow()
    reason = expiry(row, now)
    if reason is not None:
        _end(row, reason, now)
        log.record(db.session, SecurityEventKind.SESSION_EXPIRED, username=row.user.username,
                   object=f"用户 {row.user.username}", detail=reason.value)
        db.session.commit()
        g.session_expired = True
        return None
    if not row.user.active:
        return None
    if now - _aware(row.last_seen_at) > _TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return row.user


def _end(row: UserSession, reason: SessionEnd, now: datetime) -> None:
    row.ended_at, row.end_reason = now, reason.value


def sign_out() -> None:
    """End the current session on the server and in the browser, and log it."""
    row = _current_row()
    if row is not None and row.ended_at is None:
        _end(row, SessionEnd.SIGNED_OUT, utcnow())
        log.record(db.session, SecurityEventKind.SIGN_OUT, object=f"用户 {row.user.username}")
        db.session.commit()
    logout_user()
    session.clear()


def end_sessions(db_session: orm.Session, condition: sa.ColumnElement[bool],
                 reason: SessionEnd, *, log_each: bool = False) -> int:
    """End the open sessions meeting condition; return how many. `log_each` logs each
    ended session (an administrator's act; other ends are logged with their cause)."""
    if log_each:
        ended = db_session.execute(
            sa.select(User.username, UserSession.client_address).join(UserSession.user)
            .where(condition, UserSession.ended_at.is_(None))).all()
        for username, address in ended:
            log.record(db_session, SecurityEventKind.SESSION_ENDED, object=f"用户 {username}",
                       detail=f"{reason.value}（会话来源地址 {address}）")
    return db_session.execute(
        sa.update(UserSession)
        .where(condition, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason.value)
        .execution_options(synchronize_session=False)
    ).rowcount


def open_sessions() -> sa.ColumnElement[bool]:
    return UserSession.ended_at.is_(None)


@login_manager.unauthorized_handler
def to_sign_in() -> Response:
    """Send a signed-out visitor to sign in, saying so when their session ran out."""
    if g.get("session_expired"):
        flash("由于长时间未操作或登录时间过长，您已自动退出，请重新登录。", "info")
    else:
        flash("请先登录。", "info")
    return redirect(url_for("auth.login", next=request.full_path))


def _load_before_the_view() -> None:
    # Find the session before the view runs, so that its writes never land in the middle
    # of the view's own transaction (a lazy load could come inside a flush).
    # The public site and the health check need nobody's session.
    endpoint = request.endpoint
    if endpoint and not endpoint.endswith("static") and endpoint not in PUBLIC_ENDPOINTS:
        _ = current_user.is_authenticated


def init_app(app: Flask) -> None:
    app.config.setdefault("SESSION_IDLE_MINUTES", 30)
    app.config.setdefault("SESSION_MAX_HOURS", 12)
    app.before_request(_load_before_the_view)
