"""The home page: the current session at a glance, each figure a link to its list."""

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user

from backoffice import access, deadlines
from backoffice.admin.filters import returned
from backoffice.extensions import db
from backoffice.models import CongressSession, Opinion


def current_session() -> CongressSession | None:
    newest_first = (CongressSession.year.desc(), CongressSession.id.desc())
    query = sa.select(CongressSession).order_by(*newest_first)
    return db.session.scalars(query.limit(1)).first()


class HomeView(AdminIndexView):
    def is_accessible(self) -> bool:
        return current_user.is_authenticated

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        return redirect(url_for("auth.login", next=request.full_path))

    @expose("/")
    def index(self) -> str:
        session = current_session()
        figures = self._figures(session) if session else []
        return self.render("admin/home.html", session=session, figures=figures)

    def _figures(self, session: CongressSession) -> list[tuple[str, int, str]]:
        """Return (label, count, list URL) for the session's key counts."""
        opinions = next(view for view in self.admin._views if view.endpoint == "opinion")
        today = date.today()
        scope = sa.and_(Opinion.session_id == session.id, access.visible(Opinion, current_user))
        counts = [
            ("书面意见", sa.true(), {}),
            ("正在答复", Opinion.replied_on.is_(None), {}),
            ("已办结", Opinion.concluded_on.is_not(None), {"已办结": "1"}),
            ("当前超期未办", deadlines.overdue_now(today), {"超期": "now"}),
            ("不同意退回", returned(), {"不同意退回": "1"}),
            ("领导督办", Opinion.supervisor.is_not(None), {"领导督办": "1"}),
        ]
        columns = [sa.func.count().filter(condition) for _, condition, _ in counts]
        values = db.session.execute(sa.select(*columns).where(scope)).one()
        session_filter = {"届次会议": str(session.id)}
        return [
            (label, value, opinions.filtered_list_url(**session_filter, **filters))
            for (label, _, filters), value in zip(counts, values, strict=True)
        ]
