"""The home page (dashboard): the current session as of a date, each figure a link to
exactly its opinions in the list; a unit user sees its own opinions only."""

from datetime import date
from typing import Any

from flask import Response, flash, redirect, request, send_file, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user

from backoffice import access
from backoffice.access import Action
from backoffice.admin.figure_links import linked, overdue_unit_url
from backoffice.admin.leaders import leader_home
from backoffice.extensions import db
from backoffice.inputs import date_arg, int_arg
from backoffice.models import CongressSession, Opinion, Role
from backoffice.reporting import charts
from backoffice.reporting.dashboard import dashboard
from backoffice.reporting.sessions import current_session, default_as_of
from backoffice.security import sessions
from backoffice.security.headers import cacheable
from importers.clock import local_today
from importers.vocabulary import AnswerType
from scoring.lateness import OVERDUE_NOW


def chosen_session() -> CongressSession | None:
    """Return the session named by ?session=ID, else the newest one."""
    session_id = int_arg("session")
    if session_id is not None:
        session = db.session.get(CongressSession, session_id)
        if session is not None:
            return session
        flash("所选届次会议不存在，已显示最新一届。", "warning")
    return current_session(db.session)


def chosen_as_of(session: CongressSession) -> date:
    """Return ?as_of=YYYY-MM-DD, else today (a past session's year-end)."""
    return date_arg("as_of", "日期", default_as_of(session, local_today()))


class HomeView(AdminIndexView):
    def is_accessible(self) -> bool:
        return current_user.is_authenticated

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        return sessions.to_sign_in()

    @expose("/")
    def index(self) -> Any:
        if access.allowed(current_user, "deputy_pages", Action.VIEW):
            return redirect(url_for("mine.index"))  # a deputy's home: their own opinions
        if not access.allowed(current_user, "opinions", Action.VIEW):
            # The system administrator and the auditor see no opinions: their menu only.
            return self.render("admin/welcome.html")
        session = chosen_session()
        if session is None:
            return self.render("admin/home.html", session=None)
        as_of = chosen_as_of(session)
        choices = db.session.query(CongressSession).order_by(CongressSession.year.desc()).all()
        if access.allowed(current_user, "leader_home", Action.VIEW):
            return leader_home(self, session, choices, as_of)
        own_unit = current_user.unit_id if current_user.role == Role.UNIT else None
        board = dashboard(
            db.session, session.id, as_of, access.visible_scope(Opinion, current_user), own_unit
        )
        opinions = self.opinions()
        totals = {f.key: f for f in board.totals}
        day = as_of.isoformat()
        in_session = {"届次会议": str(session.id)}

        def listed(**filters: str) -> str:
            return opinions.filtered_list_url(**in_session, **filters)

        figures = {
            "category": charts.pie(
                "类别分布", board.by_category,
                urls=[listed(已交办=day, 类别=name) for name in board.by_category],
            ),
            "answer_type": charts.bars(
                "答复类型（已答复）", board.by_answer_type,
                urls=[listed(已答复=day, 答复类型=t.value) for t in AnswerType],
            ),
            "grade": charts.bars("满意度（已评价）", board.by_grade),
            "answered": charts.pie(
                "答复进度",
                {"已答复": totals["answered"].count, "正在答复": totals["answering"].count},
                hole=0.5,
                urls=[opinions.filtered_list_url(**totals[key].filters)
                      for key in ("answered", "answering")],
            ),
            "overdue_by_unit": charts.horizontal_bars(
                f"{OVERDUE_NOW.label}（按责任单位）",
                {name: count for _, name, count in board.overdue_by_unit[:15]},
                urls=[overdue_unit_url(opinions, session.id, as_of, unit)
                      for unit, _, _ in board.overdue_by_unit[:15]],
            ),
        }
        return self.render(
            "admin/home.html",
            session=session,
            sessions=choices,
            as_of=as_of,
            totals=linked(opinions, board.totals),
            work_lists=linked(opinions, board.work_lists),
            figures=figures,
            overdue_units=len(board.overdue_by_unit),
        )

    def opinions(self) -> Any:
        """Return the opinions list, whose filters every figure links to."""
        return next(view for view in self.admin._views if view.endpoint == "opinion")

    @expose("/plotly.min.js")
    @cacheable
    def plotly_js(self) -> Any:
        """Serve the charting library, compressed for every browser that accepts it."""
        if "gzip" not in request.accept_encodings:
            return send_file(charts.PLOTLY_JS, mimetype="text/javascript", max_age=86400)
        response = Response(charts.compressed_script(), mimetype="text/javascript")
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        response.cache_control.public = True
        response.cache_control.max_age = 86400
        return response
