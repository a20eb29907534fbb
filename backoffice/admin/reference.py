"""Reference data: sessions, units with aliases and liaisons, deputies, the calendar."""

from typing import Any

import sqlalchemy as sa
from flask_admin.model.form import InlineFormAdmin
from sqlalchemy.orm import selectinload

from backoffice.admin.base import SecuredModelView
from backoffice.admin.form_fields import whole_number
from backoffice.extensions import db
from backoffice.labels import FIELD_LABELS
from backoffice.models import (
    CalendarOverride,
    CongressSession,
    Deputy,
    LiaisonTerm,
    Unit,
    UnitAlias,
)
from backoffice.models.sessions import DEADLINE_LIMITS
from backoffice.writing.bulk import refresh_due_dates
from importers.values import EARLIEST, LATEST
from importers.vocabulary import UnitKind


class SessionView(SecuredModelView):
    model_class = CongressSession
    access_group = "reference"
    column_list = (
        "name", "year", "accept_working_days", "consult_months", "co_opinion_months",
        "reply_months", "max_extension_months", "second_reply_months",
    )
    column_labels = FIELD_LABELS
    column_default_sort = [("year", True), ("id", True)]
    form_columns = column_list
    form_args = {
        "year": {"validators": [whole_number(EARLIEST.year, LATEST.year)]},
        **{
            name: {"validators": [whole_number(least, most)]}
            for name, (least, most) in DEADLINE_LIMITS.items()
        },
    }

    def after_model_change(self, form: Any, model: CongressSession, is_created: bool) -> None:
        # New deadline settings move every due date of the session's opinions.
        refresh_due_dates(db.session, [model.id])
        db.session.commit()


class AliasInline(InlineFormAdmin):
    form_columns = ("id", "alias")
    form_label = "别名"
    column_labels = FIELD_LABELS


class LiaisonInline(InlineFormAdmin):
    form_columns = ("id", "person", "phone", "email", "started_on", "ended_on")
    form_label = "联络员"
    column_labels = FIELD_LABELS


class UnitView(SecuredModelView):
    model_class = Unit
    access_group = "units"
    column_list = ("name", "kind", "aliases", "active")
    column_labels = FIELD_LABELS
    column_default_sort = [("kind", False), ("name", False)]
    column_searchable_list = ("name",)
    column_filters = ("kind", "active")
    form_columns = ("name", "kind", "active")
    form_choices = {"kind": [(k.value, k.value) for k in UnitKind]}
    inline_models = (AliasInline(UnitAlias), LiaisonInline(LiaisonTerm))

    def get_query(self) -> Any:
        return super().get_query().options(selectinload(Unit.aliases))


class LiaisonTermView(SecuredModelView):
    model_class = LiaisonTerm
    access_group = "reference"
    column_list = ("unit", "person", "phone", "email", "started_on", "ended_on")
    column_labels = {**FIELD_LABELS, "unit": "承办单位"}
    column_default_sort = [("started_on", True), ("id", True)]
    column_searchable_list = ("person", "unit.name")


class DeputyView(SecuredModelView):
    model_class = Deputy
    access_group = "reference"
    column_list = ("name", "delegation", "phone")
    column_labels = {**FIELD_LABELS, "name": "姓名"}
    column_default_sort = [("delegation", False), ("name", False), ("id", False)]
    column_searchable_list = ("name", "delegation")
    column_filters = ("delegation",)
    form_columns = column_list


class CalendarOverrideView(SecuredModelView):
    model_class = CalendarOverride
    access_group = "settings"
    column_list = ("day", "is_workday", "note")
    column_labels = FIELD_LABELS
    column_default_sort = [("day", True)]
    form_columns = column_list

    def after_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        # A working day more or less moves acceptance deadlines in every session.
        refresh_due_dates(db.session, db.session.scalars(sa.select(CongressSession.id)).all())
        db.session.commit()

    def after_model_delete(self, model: Any) -> None:
        self.after_model_change(None, model, False)
