"""Read the security log and the sessions table in tests, and send requests together
(test helpers)."""

import threading
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

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


def posted_together(app, posts: Sequence[Callable[[], Any]],
                    hold: Callable[[str], None]) -> list:
    """Run each post in its own thread, calling hold(statement) before every statement
    the database is sent meanwhile (a barrier there makes the requests meet, as parallel
    workers can); return what each post answered."""
    with app.app_context():
        engine = db.engine
    answers: list = [None] * len(posts)

    def send(index: int) -> None:
        answers[index] = posts[index]()

    def before(_conn, _cursor, statement, *_args) -> None:
        hold(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        threads = [threading.Thread(target=send, args=(i,)) for i in range(len(posts))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
    return answers
