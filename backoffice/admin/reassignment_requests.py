"""Units' requests to reassign or return an opinion (申请调整/退回): the office's work list,
and its approval or refusal."""

from typing import Any

import sqlalchemy as sa
from flask import redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from backoffice import reassigning
from backoffice.access import Action
from backoffice.admin.base import SecuredModelView
from backoffice.admin.pages import decided
from backoffice.extensions import db
from backoffice.inputs import parse_int
from backoffice.labels import FIELD_LABELS
from backoffice.models import ReassignmentRequest, RequestStatus


def _opinion(view: Any, context: Any, model: ReassignmentRequest, name: str) -> Markup:
    url = url_for("opinion.details_view", id=model.opinion_id)
    return Markup('<a href="{}">{}</a>').format(url, model.opinion)


class ReassignmentRequestView(SecuredModelView):
    model_class = ReassignmentRequest
    access_group = "reassignment_requests"
    page_actions = {
        **SecuredModelView.page_actions,
        "approve": Action.EDIT,
        "decline": Action.EDIT,
    }
    # Requests are made from the case file and answered there or here: no form.
    can_create = can_edit = can_delete = False
    can_view_details = False
    column_list = ("opinion", "unit", "kind", "reason", "requested_by", "requested_at",
                   "status", "to_unit", "decision", "decided_by", "decided_at")
    column_labels = {
        **FIELD_LABELS, "opinion": "书面意见", "unit": "申请单位", "kind": "申请类别",
        "reason": "申请事由", "requested_by": "申请人", "requested_at": "申请时间",
        "status": "处理状态", "to_unit": "改派至", "decision": "处理意见",
        "decided_by": "处理人", "decided_at": "处理时间",
    }
    column_card_head = ("opinion", "kind", "status")
    column_formatters = {"opinion": _opinion}
    column_filters = ("status", "kind", "unit.name")
    column_searchable_list = ("opinion.number", "opinion.title", "unit.name")
    column_sortable_list = ("requested_at", "status", "decided_at")

    def get_query(self) -> Any:
        # The office's work list: the requests waiting for it first, newest first.
        waiting = sa.case((ReassignmentRequest.status == RequestStatus.PENDING.value, 0),
                          else_=1)
        return super().get_query().options(
            joinedload(ReassignmentRequest.opinion), joinedload(ReassignmentRequest.unit),
            joinedload(ReassignmentRequest.to_unit),
        ).order_by(waiting, ReassignmentRequest.requested_at.desc(), ReassignmentRequest.id.desc())

    def _decide(self, decide: Any, done: str) -> Any:
        found = self.get_one(request.form.get("id", ""))
        decided(lambda: decide(found), done, reassigning.ReassignmentError)
        return redirect(url_for("opinion.details_view", id=found.opinion_id))

    @expose("/approve/", methods=("POST",))
    def approve(self) -> Any:
        unit_id = parse_int(request.form.get("to_unit_id", ""))
        seen_lead = parse_int(request.form.get("lead_unit_id", ""))
        return self._decide(
            lambda found: reassigning.approve(db.session, found, unit_id, current_user.username,
                                              seen_lead),
            "已同意申请并改派，新主办单位的办理期限自今日起重新计算，改派通知已写入提醒发件箱。")

    @expose("/decline/", methods=("POST",))
    def decline(self) -> Any:
        reason = request.form.get("decision", "")
        return self._decide(
            lambda found: reassigning.decline(found, reason, current_user.username),
            "已答复不同意。")
