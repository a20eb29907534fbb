"""The exports page: units' worklists (one file, or all zipped) and every kind's sheet.

Who gets what is access.py's: a unit user downloads only its own worklist (another
unit's is 403), admins and leaders every unit's and the whole-office sheets. The page
configures; `backoffice.exports` reads and writes.
"""

from typing import Any

import sqlalchemy as sa
from flask import abort, request
from flask_admin import expose
from flask_login import current_user
from werkzeug.wrappers import Response

from backoffice import access, jobs
from backoffice.access import Action
from backoffice.admin.jobs import start_job
from backoffice.admin.pages import SecuredPage
from backoffice.exports import (
    export_kind,
    export_worklist,
    export_worklists,
    kind_title,
    units_with_work,
    worklist_name,
)
from backoffice.exports.downloads import XLSX, ZIP, send_written
from backoffice.extensions import db
from backoffice.inputs import int_arg
from backoffice.jobs.exports import worklist_rows
from backoffice.models import CongressSession, Unit
from importers.schemas import KINDS, SCHEMAS


class ExportsView(SecuredPage):
    access_group = "worklists"
    page_actions = {
        "unit_worklist": Action.EXPORT,
        "all_worklists": Action.EXPORT,
        "kind_sheet": ("exports", Action.EXPORT),
    }

    @expose("/")
    def index(self) -> str:
        sessions = db.session.scalars(
            sa.select(CongressSession).order_by(CongressSession.year.desc(),
                                                CongressSession.id.desc())).all()
        session = self._session(sessions)
        units = units_with_work(db.session, session, self._units()) if session else []
        kinds = ([(kind, SCHEMAS[kind].title) for kind in KINDS]
                 if self.allowed(Action.EXPORT, "exports") else [])
        return self.render("admin/exports.html", sessions=sessions, session=session,
                           units=units, kinds=kinds)

    @expose("/unit/<int:unit_id>/")
    def unit_worklist(self, unit_id: int) -> Response:
        session = self._session()
        unit = db.session.scalar(sa.select(Unit).where(Unit.id == unit_id, self._units()))
        if unit is None:
            hidden = db.session.get(Unit, unit_id)
            if hidden is not None:  # another unit's: refused, and logged
                self.refuse(403, f"工作清单 {hidden.name}")
            abort(404)
        return send_written(lambda part: export_worklist(db.session, unit, session, part),
                            worklist_name(unit, session), XLSX)

    @expose("/all/")
    def all_worklists(self) -> Response:
        session = self._session()
        with_work = units_with_work(db.session, session, self._units())
        if jobs.big(worklist_rows(with_work)):
            return start_job("worklists", f"全部工作清单 {session.name}",
                             {"session_id": session.id})
        units = [unit for unit, _lead, _co in with_work]
        return send_written(lambda part: export_worklists(db.session, units, session, part),
                            f"书面意见办理工作清单-{session.name}.zip", ZIP)

    @expose("/kind/<kind>/")
    def kind_sheet(self, kind: str) -> Response:
        if kind not in KINDS:
            abort(404)
        session = self._session()
        blank = request.args.get("blank") == "1"
        name = kind_title(kind, session, None) + ("（空白模板）" if blank else "") + ".xlsx"
        return send_written(
            lambda part: export_kind(db.session, kind, part, session=session, blank=blank),
            name, XLSX)

    # -- helpers ---------------------------------------------------------------------------
    def _units(self) -> sa.ColumnElement[bool]:
        return access.worklist_units(current_user)

    def _session(self, sessions: Any = None) -> Any:
        """Return the session asked for (?session=id), or the latest; 404 if unknown."""
        wanted = int_arg("session")
        if wanted is not None:
            session = db.session.get(CongressSession, wanted)
            if session is None:
                abort(404)
            return session
        if sessions is not None:
            return sessions[0] if sessions else None
        session = db.session.scalar(sa.select(CongressSession).order_by(
            CongressSession.year.desc(), CongressSession.id.desc()).limit(1))
        if session is None:
            abort(404)
        return session
