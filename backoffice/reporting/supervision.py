"""督办: which opinions a district leader supervises.

An opinion's `supervisor` holds the supervising leader's name as the office writes it on
the assignment list (交办清单); a leader's account is matched to it by the account's 姓名
(`User.display_name`), which the system administrator sets to exactly that name.
"""

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.models import Opinion, User


def supervisor_name(user: User) -> str:
    """Return the name a leader's supervised opinions carry: their account's 姓名."""
    return (user.display_name or "").strip()


def supervised_by(name: str) -> sa.ColumnElement[bool]:
    """Return the condition on opinions supervised by the leader of that name."""
    return Opinion.supervisor == name


def supervisors(db_session: orm.Session) -> list[str]:
    """Return every supervising leader's name the opinions carry, in order."""
    query = (sa.select(Opinion.supervisor).where(Opinion.supervisor.is_not(None))
             .distinct().order_by(Opinion.supervisor))
    return list(db_session.scalars(query))
