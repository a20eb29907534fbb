"""Big exports as jobs: an admin list (its filters, sort and the owner's scope) and all
units' worklists zipped. The file is kept for its owner to download from the job page."""

from __future__ import annotations

from typing import Any

from flask import current_app, g

from backoffice import access
from backoffice.access import Action
from backoffice.exports import export_worklists, units_with_work
from backoffice.exports.lists import export_name, list_query, write_list
from backoffice.extensions import db
from backoffice.jobs.results import write_result
from backoffice.jobs.running import JobContext, JobFailed, Outcome
from backoffice.models import CongressSession, Unit

GONE = "要导出的列表已不存在，未导出。"


def list_view(endpoint: str) -> Any:
    """Return the admin list view of an endpoint (None when there is none)."""
    for admin in current_app.extensions.get("admin", []):
        for view in admin._views:
            if view.endpoint == endpoint and hasattr(view, "_export_columns"):
                return view
    return None


def list_needs(params: dict[str, Any]) -> tuple[str, Action]:
    view = list_view(params["endpoint"])
    return (view.access_group if view else "", Action.EXPORT)


def export_list(context: JobContext) -> Outcome:
    """Write the list as the owner saw it: the same query string, the owner's scope."""
    params = context.params
    view = list_view(params["endpoint"])
    if view is None:
        raise JobFailed(GONE)
    export_type = params["export_type"]
    with current_app.test_request_context(query_string=params["args"]):
        g._login_user = context.user  # current_user: the list's scope is its owner's
        g.admin_action = Action.EXPORT
        count, query = list_query(view)
        context.start(count)
        name = export_name(view, export_type)
        stored = write_result(context.job_id, f".{export_type}", lambda part: write_list(
            view, export_type, query, part, context.advance))
    context.done = count or 0
    return Outcome(f"已导出 {count} 行。", file_name=name, stored=stored)


def export_all_worklists(context: JobContext) -> Outcome:
    """Write every unit's worklist of a session the owner may export, zipped."""
    session = db.session.get(CongressSession, context.params["session_id"])
    if session is None:
        raise JobFailed("所选届次会议已不存在，未导出。")
    units: list[Unit] = [unit for unit, _lead, _co in units_with_work(
        db.session, session, access.worklist_units(context.user))]
    context.start(len(units))
    name = f"书面意见办理工作清单-{session.name}.zip"
    stored = write_result(context.job_id, ".zip", lambda part: export_worklists(
        db.session, units, session, part, done=context.advance))
    return Outcome(f"已导出 {len(units)} 个单位的工作清单。", file_name=name, stored=stored)


def worklist_rows(units: list[tuple[Unit, int, int]]) -> int:
    """Return how many opinion rows the worklists hold: what decides a job."""
    return sum(lead + co for _unit, lead, co in units)



