"""Deputies' answers about a 面商 (confirmed, or please move it): the office's and the
lead unit's list; the deputies give them on their own pages."""

from typing import Any

from flask import url_for
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from backoffice.admin.base import SecuredModelView
from backoffice.formatting import local_time
from backoffice.models import ConsultationReply


def _opinion(view: Any, context: Any, model: ConsultationReply, name: str) -> Markup:
    url = url_for("opinion.details_view", id=model.opinion_id)
    return Markup('<a href="{}">{}</a>').format(url, model.opinion)


def _time(view: Any, context: Any, model: ConsultationReply, name: str) -> str:
    return local_time(model.answered_at)


class ConsultationReplyView(SecuredModelView):
    model_class = ConsultationReply
    access_group = "consultation_replies"
    can_create = can_edit = can_delete = False
    can_view_details = False
    column_list = ("opinion", "deputy", "answer", "wished_on", "note", "answered_at")
    column_labels = {"opinion": "书面意见", "deputy": "代表", "answer": "回复",
                     "wished_on": "希望面商日期", "note": "说明", "answered_at": "回复时间"}
    column_formatters = {"opinion": _opinion, "answered_at": _time}
    column_filters = ("answer",)
    column_searchable_list = ("opinion.number", "opinion.title", "deputy.name")
    column_sortable_list = ("answered_at", "wished_on")
    column_default_sort = ("answered_at", True)

    def get_query(self) -> Any:
        return super().get_query().options(joinedload(ConsultationReply.opinion),
                                           joinedload(ConsultationReply.deputy))
