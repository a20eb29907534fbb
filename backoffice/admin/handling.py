"""Co-handlings and notices."""

from typing import Any

from sqlalchemy.orm import joinedload

from backoffice.admin.base import SecuredModelView, ajax_ref
from backoffice.admin.form_fields import with_required_unit
from backoffice.admin.opinions import choices
from backoffice.admin.standing_columns import (
    CO_OPINION_DESCRIPTIONS,
    CO_OPINION_FORMATTERS,
    CO_OPINION_LABELS,
    remember_own_deadlines,
)
from backoffice.labels import FIELD_LABELS
from backoffice.models import CoHandling, Notice, Opinion
from importers.vocabulary import Grade, NoticeKind


class CoHandlingView(SecuredModelView):
    model_class = CoHandling
    access_group = "co_handlings"
    column_list = ("opinion", "unit", *CO_OPINION_LABELS, "submitted_on", "lead_grade",
                   "deputy_grade")
    column_labels = {**FIELD_LABELS, **CO_OPINION_LABELS, "unit": "会办单位"}
    column_descriptions = CO_OPINION_DESCRIPTIONS
    column_card_head = ("opinion", "unit", *CO_OPINION_LABELS)
    column_formatters = CO_OPINION_FORMATTERS
    column_default_sort = [("opinion_id", True), ("id", False)]
    column_searchable_list = ("opinion.number", "opinion.title", "unit.name")
    column_filters = ("unit.name", "lead_grade", "deputy_grade", "submitted_on")
    form_columns = ("opinion", "unit", "submitted_on", "lead_grade", "deputy_grade")
    form_choices = {"lead_grade": choices(Grade), "deputy_grade": choices(Grade)}
    form_ajax_refs = {"opinion": ajax_ref("opinion", Opinion, ["number", "title"])}

    def scaffold_form(self) -> Any:
        return with_required_unit(super().scaffold_form(), "会办单位")

    def get_query(self) -> Any:
        return super().get_query().options(
            joinedload(CoHandling.opinion).load_only(Opinion.number, Opinion.title),
            joinedload(CoHandling.unit),
        )

    def prepare_rows(self, models: list[CoHandling]) -> None:
        remember_own_deadlines(models)


class NoticeView(SecuredModelView):
    model_class = Notice
    access_group = "notices"
    column_list = ("issued_on", "kind", "unit", "reason")
    column_labels = {**FIELD_LABELS, "unit": "被通报单位"}
    column_card_head = ("issued_on", "kind", "unit")
    column_default_sort = [("issued_on", True), ("id", True)]
    column_filters = ("kind", "issued_on", "unit.name")
    form_columns = column_list
    form_choices = {"kind": choices(NoticeKind)}
