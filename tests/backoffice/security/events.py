"""Read the security log and the sessions table in tests (test helpers)."""

from datetime import timedelta

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import SecurityEvent, User, UserSession
from backoffice.models.base import utcnow


def events(event: str, username: str | None = None) -> list[SecurityEvent]:
    """Return the security log's entries of event (by username), oldest first."""
    query = sa.select(SecurityEvent).where(SecurityEvent.event == event)
    if username is not None:
        query = query.where(SecurityEvent.username == username)
    return db.session.scalars(query.order_by(SecurityEvent.id)).all()


def open_sessions(username: str) -> list[UserSession]:
    return db.session.scalars(
        sa.select(UserSession).join(UserSession.user)
        .where(User.username == username, UserSession.ended_at.is_(None))).all()


def age_sessions(username: str, **since: float) -> None:
    """Move username's sessions into the past: started and last seen `since` ago."""
    ago = utcnow() - timedelta(**since)
    user_id = db.session.scalar(sa.select(User.id).where(User.username == username))
    db.session.execute(sa.update(UserSession).where(UserSession.user_id == user_id)
                       .values(started_at=ago, last_seen_at=ago))
    db.session.commit()
