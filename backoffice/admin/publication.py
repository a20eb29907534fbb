"""公开审核: the office's list of consented replies, and its approve / decline / withdraw."""

from typing import Any

import sqlalchemy as sa
from flask import redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from backoffice.access import Action
from backoffice.admin.pages import SecuredPage, decided
from backoffice.extensions import db
from backoffice.inputs import parse_int, row_id
from backoffice.models import DeclineReason, Opinion, Publication, PublicationStatus
from backoffice.public import review

# An opinion never decided on has no record yet: it waits for review.
_WAITING = PublicationStatus.PENDING.value


class PublicationReviewView(SecuredPage):
    access_group = "publication"
    page_actions = {"approve": Action.EDIT, "decline": Action.EDIT, "withdraw": Action.EDIT}
    statuses = [status.value for status in PublicationStatus]
    reasons = [reason.value for reason in DeclineReason]

    @expose("/")
    def index(self) -> str:
        status = request.args.get("status", "")
        status_of = sa.func.coalesce(Publication.status, _WAITING)
        query = (
            sa.select(Opinion, Publication)
            .outerjoin(Publication, Publication.opinion_id == Opinion.id)
            # A published reply whose deputy later withdrew consent stays listed, to be withdrawn.
            .where(sa.or_(review.reviewable(), Publication.id.is_not(None)))
            .options(joinedload(Opinion.session), joinedload(Opinion.lead_unit))
            .order_by(sa.case((status_of == _WAITING, 0), else_=1),
                      Opinion.session_id.desc(), Opinion.number)
        )
        if status in self.statuses:
            query = query.where(status_of == status)
        rows = db.session.execute(query).all()
        return self.render("admin/publication_review.html", rows=rows, status=status,
                           may_decide=self.allowed(Action.EDIT))

    def _decide(self, decide: Any, done: str) -> Response:
        opinion_id = row_id(request.form.get("opinion_id", ""))
        # The version of the decision the page showed (0: none yet), to refuse a stale one.
        seen = parse_int(request.form.get("seen", ""))
        decided(lambda: decide(opinion_id, seen), done, review.ReviewError)
        return redirect(url_for(".index", status=request.form.get("status", "")))

    @expose("/approve/", methods=("POST",))
    def approve(self) -> Response:
        return self._decide(
            lambda opinion_id, seen: review.approve(db.session, opinion_id,
                                                   current_user.username, seen),
            "已同意公开，答复已在公开网站上发布。")

    @expose("/decline/", methods=("POST",))
    def decline(self) -> Response:
        reason, note = request.form.get("reason", ""), request.form.get("note", "")
        return self._decide(
            lambda opinion_id, seen: review.decline(db.session, opinion_id, reason, note,
                                                    current_user.username, seen),
            "已决定不予公开。")

    @expose("/withdraw/", methods=("POST",))
    def withdraw(self) -> Response:
        return self._decide(
            lambda opinion_id, seen: review.withdraw(db.session, opinion_id,
                                                    current_user.username, seen),
            "已撤回公开，公开网站不再显示该答复。")
