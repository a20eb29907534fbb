"""The district leaders' home page (区领导): the opinions they supervise (督办) with their
standing, overdue by unit and the session's figures, all as the dashboard counts them."""

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from backoffice import access
from backoffice.admin.figure_links import linked, overdue_unit_url
from backoffice.admin.filters import SupervisorFilter
from backoffice.admin.standing_columns import STANDING_LABELS
from backoffice.extensions import db
from backoffice.models import CoHandling, CongressSession, Opinion
from backoffice.reporting.dashboard import dashboard
from backoffice.reporting.supervision import supervised_by, supervisor_name
from backoffice.standing import standings


def _supervised(session_id: int, name: str) -> list[Opinion]:
    """Return a session's opinions the leader of that name supervises, by number."""
    if not name:
        return []
    return list(db.session.scalars(
        sa.select(Opinion)
        .where(Opinion.session_id == session_id, supervised_by(name),
               access.visible(Opinion, current_user))
        .options(joinedload(Opinion.lead_unit),
                 selectinload(Opinion.co_handlings).joinedload(CoHandling.unit))
        .order_by(Opinion.number)))


def leader_home(home: Any, session: CongressSession, choices: list[CongressSession],
                as_of: date) -> str:
    """Render a leader's home page for a session as of a day."""
    board = dashboard(db.session, session.id, as_of, access.visible_scope(Opinion, current_user))
    opinions = home.opinions()
    name = supervisor_name(current_user)
    mine = _supervised(session.id, name)
    in_session = {"届次会议": str(session.id)}
    every_supervised = next(f for f in board.work_lists if f.key == "supervised")
    return home.render(
        "admin/leader_home.html",
        session=session,
        sessions=choices,
        as_of=as_of,
        leader_name=name,
        supervised=mine,
        standing_labels=STANDING_LABELS,
        standing=standings(db.session, mine, as_of),
        mine_url=opinions.filtered_list_url(**in_session, **{SupervisorFilter.NAME: name}),
        every_supervised=linked(opinions, [every_supervised])[0],
        overdue_by_unit=[(unit_name, count, overdue_unit_url(opinions, session.id, as_of, unit))
                         for unit, unit_name, count in board.overdue_by_unit],
        totals=linked(opinions, board.totals),
        work_lists=linked(opinions, board.work_lists),
    )
