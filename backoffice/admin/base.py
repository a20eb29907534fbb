"""The secured model view every admin screen builds on.

Views configure; access.py decides. Every entry point of a view (list, count,
detail, edit, delete, export, ajax lookups, actions) passes through
`_handle_view`, `get_query` or `get_one` below, which ask access.py.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, g, request
from flask_admin import expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.ajax import DEFAULT_PAGE_SIZE, QueryAjaxModelLoader
from flask_admin.model import typefmt
from flask_admin.model.base import ViewArgs
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from markupsafe import Markup
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response
from wtforms import HiddenField

from backoffice import access, jobs
from backoffice.access import Action
from backoffice.admin.admin_messages import say_in_chinese
from backoffice.admin.filters import BeijingTimeFilterConverter
from backoffice.admin.form_fields import BoundedModelConverter
from backoffice.admin.jobs import start_job
from backoffice.admin.list_args import checked_filters, checked_list_args, checked_text
from backoffice.admin.pages import PolicyGuard
from backoffice.admin.since_opened import changed_message, deleted_message
from backoffice.database import UNAVAILABLE
from backoffice.exports import lists as list_exports
from backoffice.extensions import db
from backoffice.formatting import local_time
from backoffice.inputs import int_arg, parse_int, row_id
from backoffice.labels import shown_value
from backoffice.models import Opinion, Role
from backoffice.models.base import Versioned

# Which action each Flask-Admin entry point performs.
_VIEW_ACTIONS = {
    "index_view": Action.VIEW,
    "details_view": Action.VIEW,
    "ajax_lookup": Action.VIEW,
    "create_view": Action.CREATE,
    "edit_view": Action.EDIT,
    "ajax_update": Action.EDIT,
    "delete_view": Action.DELETE,
    "action_view": Action.EDIT,
    "export": Action.EXPORT,
}


# Form fields that carry no data of their own and stay in every form.
_ALWAYS_KEPT = ("csrf_token", "expected_version")


def _yes_no(view: Any, value: bool, name: str) -> str:
    return shown_value(value)


def _beijing_time(view: Any, value: datetime, name: str) -> str:
    # Every stored moment of every list and record page, on the screens' one clock.
    return local_time(value, seconds=True)


# The most rows an ajax lookup returns at once; Flask-Admin's own script asks for 10.
AJAX_LIMIT = 1000


class RecordForm(FlaskForm):
    """A Flask-WTF form that knows the record it edits, as Flask-Admin's validators
    (Unique) expect: without it, saving a record under its own name says it exists."""

    def __init__(self, formdata: Any = _Auto, obj: Any = None, **kwargs: Any) -> None:
        self._obj = obj
        super().__init__(formdata, obj=obj, **kwargs)


class StaleForm(Exception):
    """The form was opened on an older version of the record than the one saved now."""

    def __init__(self, reload_url: str) -> None:
        super().__init__(reload_url)
        self.reload_url = reload_url


class StaleDelete(Exception):
    """A delete asked from a list that showed an older version of the record."""

    def __init__(self, record: object) -> None:
        super().__init__(str(record))
        self.record = record


class FormProblems(Exception):
    """Domain checks failed; the messages are already attached to the form's fields."""


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """An ajax lookup that only offers the rows the user may see."""

    def get_query(self) -> Any:
        return super().get_query().filter(access.visible(self.model, current_user))

    def get_list(self, term: str, offset: int = 0, limit: int = DEFAULT_PAGE_SIZE) -> Any:
        return super().get_list(checked_text(term, "搜索内容"), offset, limit)

    def get_one(self, pk: Any) -> Any:
        # The form's text goes to the database as the key: only an id may (PostgreSQL
        # refuses to compare "abc" with an integer column, and 2**64 with any).
        key = parse_int(pk)
        return None if key is None else super().get_one(key)


def ajax_ref(name: str, model: type, fields: list[str]) -> ScopedAjaxLoader:
    """Return a scoped ajax lookup of model searching fields."""
    return ScopedAjaxLoader(
        name, db, model, fields=fields, page_size=20, placeholder="输入以搜索…"
    )


class SecuredModelView(PolicyGuard, ModelView):
    """A model view that applies the role policy and row scoping of access.py."""

    model_class: type
    access_group: str  # every view names its group in access.POLICY
    page_actions = _VIEW_ACTIONS
    # Flask-WTF's form rather than Flask-Admin's SecureForm: edit, delete and action
    # forms and our own POST routes then share the one token CSRFProtect checks on
    # every POST of the app.
    form_base_class = RecordForm
    model_form_converter = BoundedModelConverter
    # Times are typed in list filters as they are shown: on Beijing time.
    filter_converter = BeijingTimeFilterConverter()
    page_size = 50
    can_set_page_size = True
    can_view_details = True
    details_modal = False
    column_display_pk = False
    # Every list exports as .xlsx (typed cells) or CSV (with a BOM), formula-safe, through
    # importers.exporting; the rows are the list's own, filtered, sorted and scoped.
    export_types = list(list_exports.EXPORT_TYPES)
    column_type_formatters_export = list_exports.TYPE_FORMATTERS
    # Truth values in words (是/否) on lists and record pages, not icons titled in English;
    # moments on Beijing time to the second, as every other screen shows them.
    column_type_formatters = {**typefmt.BASE_FORMATTERS, bool: _yes_no, datetime: _beijing_time}
    column_type_formatters_detail = {
        **typefmt.DETAIL_FORMATTERS, bool: _yes_no, datetime: _beijing_time}
    # Forms say what they edit and carry 保存 above and below their fields.
    create_template = "admin/model/create_page.html"
    edit_template = "admin/model/edit_page.html"
    # Every list is a table on a desk and a card per row on a phone (static/phone.css).
    list_template = "admin/model/card_list.html"
    # The columns that open a row's card on a phone, in this order; the other columns
    # follow in the list's order. None: the list's first column.
    column_card_head: tuple[str, ...] | None = None

    def __init__(self, **kwargs: Any) -> None:
        if issubclass(self.model_class, Versioned):
            # The version the form was opened on travels with it (optimistic locking).
            self.form_extra_fields = {**(self.form_extra_fields or {}),
                                      "expected_version": HiddenField()}
            if self.form_columns and "expected_version" not in self.form_columns:
                self.form_columns = (*self.form_columns, "expected_version")
            # The counter itself is never a field (a form could send an old one back), nor
            # shown: it means nothing to a reader.
            self.form_excluded_columns = (*(self.form_excluded_columns or ()), "version")
            self.column_details_exclude_list = (
                *(self.column_details_exclude_list or ()), "version")
        super().__init__(self.model_class, db, **kwargs)

    # -- roles --------------------------------------------------------------------------
    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return self.allowed(Action.CREATE)

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return self.allowed(Action.EDIT)

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return self.allowed(Action.DELETE)

    @property
    def can_export(self) -> bool:  # type: ignore[override]
        return self.allowed(Action.EXPORT)

    @expose("/export/<export_type>/")
    def export(self, export_type: str) -> Response:
        if export_type not in self.export_types:
            abort(404)
        count, query = list_exports.list_query(self)
        if not jobs.big(count or 0):
            return list_exports.export_response(self, export_type, query)
        return start_job("list_export", f"{self.name}列表导出（{count} 行）", {
            "endpoint": self.endpoint, "export_type": export_type,
            "args": list(request.args.items(multi=True))})

    # -- the list's query string -------------------------------------------------------------
    def _get_list_extra_args(self) -> ViewArgs:
        return checked_list_args(self, super()._get_list_extra_args())

    def _get_list_filter_args(self) -> Any:
        return checked_filters(self)

    @expose("/ajax/lookup/")
    def ajax_lookup(self) -> Any:
        # Flask-Admin hands offset and limit to the database as they come.
        int_arg("offset", 0)
        int_arg("limit", 10, minimum=1, maximum=AJAX_LIMIT)
        return super().ajax_lookup()

    # -- rows -----------------------------------------------------------------------------
    def get_query(self) -> Any:
        return super().get_query().filter(access.visible(self.model, current_user))

    def get_count_query(self) -> Any:
        return super().get_count_query().filter(access.visible(self.model, current_user))

    def _scoped_for_action(self, query: Any) -> Any:
        action_ = g.get("admin_action", Action.VIEW)
        if action_ in (Action.EDIT, Action.DELETE):
            return query.filter(access.editable(self.model, current_user))
        return query

    def _keys(self, ids: list[str]) -> list[Any]:
        """Return the row ids named by ids, as integers (404 if one cannot name a row):
        PostgreSQL compares an integer key only to integers, not to the form's text."""
        return [row_id(i) for i in ids]

    def get_one(self, id: Any) -> Any:
        """Return the row if the user may see it (404 otherwise) and act on it (403)."""
        pk = sa.inspect(self.model).primary_key[0]
        (key,) = self._keys([id])
        model = self.get_query().filter(pk == key).one_or_none()
        if model is None:
            self._refuse_if_hidden(pk == key, 404)
            abort(404, description=deleted_message(self.model.__tablename__, key))
        if self._scoped_for_action(self.get_query().filter(pk == key)).count() == 0:
            self.refuse(403, self._described(model))
        return model

    def _refuse_if_hidden(self, condition: Any, status: int) -> None:
        """Log a refusal when rows meeting condition exist but are out of the user's scope."""
        hidden = db.session.scalars(sa.select(self.model).where(condition).limit(1)).first()
        if hidden is not None:
            self.refuse(status, self._described(hidden))

    def _described(self, model: Any) -> str:
        return f"{self.name} {model}"

    def handle_action(self, return_view: str | None = None) -> Any:
        """Refuse an action the role may not take, or naming a row the user may not change."""
        if not self.is_action_allowed(request.form.get("action", "")):
            abort(403)
        ids = request.form.getlist("rowid")
        if ids:
            pk = sa.inspect(self.model).primary_key[0]
            keys = self._keys(ids)
            query = self._scoped_for_action(self.get_query().filter(pk.in_(keys)))
            if query.count() != len(set(keys)):
                self.refuse(404, f"{self.name}（批量操作 {len(set(keys))} 条）")
        return super().handle_action(return_view)

    def init_actions(self) -> None:
        super().init_actions()
        # Flask-Admin hands an action the ticked rows' ids as the form's text.
        self._actions_data = {
            name: (self._with_typed_keys(handler), text, confirmation)
            for name, (handler, text, confirmation) in self._actions_data.items()
        }

    def _with_typed_keys(self, handler: Any) -> Any:
        return lambda ids: handler(self._keys(ids))

    def is_action_allowed(self, name: str) -> bool:
        if name == "delete":
            return self.allowed(Action.DELETE)
        return self.allowed(Action.EDIT)

    def get_sortable_columns(self) -> Any:
        # PostgreSQL cannot order by JSON: a sort link on such a column would fail there.
        return {
            name: column for name, column in super().get_sortable_columns().items()
            if not isinstance(getattr(column, "type", None), sa.JSON)
        }

    def search_placeholder(self) -> str:
        """Name the searched columns in Chinese; a dotted one by its label or its relation."""
        labels = self.column_labels or {}
        names = [
            labels.get(str(column)) or labels.get(str(column).split(".")[0], str(column))
            for column in self.column_searchable_list or ()
        ]
        return "、".join(names)

    def _get_filter_groups(self) -> Any:
        # Filter options name units and sessions, which change with the data.
        self._refresh_filters_cache()
        return super()._get_filter_groups()

    def filtered_list_url(self, **values: str) -> str:
        """Return the list URL with filters set, by filter name (e.g. 超期="now")."""
        args = {}
        for position, (name, value) in enumerate(values.items()):
            index = next(i for i, flt in enumerate(self._filters) if flt.name == name)
            args[f"flt{position}_{self.get_filter_arg(index, self._filters[index])}"] = value
        return self.get_url(f"{self.endpoint}.index_view", **args)

    # -- rows -------------------------------------------------------------------------------
    def get_list(self, *args: Any, **kwargs: Any) -> Any:
        count, rows = super().get_list(*args, **kwargs)
        if isinstance(rows, list):  # a page (not the query an export reads in batches)
            self.prepare_rows(rows)
        return count, rows

    def prepare_rows(self, models: list) -> None:
        """Work out what a page's or an export batch's rows show, once for them all."""

    def card_head(self) -> dict[str, int]:
        """Return the columns that open a row's card on a phone, each with its place."""
        head = self.column_card_head or [name for name, _ in self._list_columns[:1]]
        return {name: place for place, name in enumerate(head, start=1)}

    def render(self, template: str, **kwargs: Any) -> Any:
        say_in_chinese(kwargs.get("form"))
        return super().render(template, **kwargs)

    # -- saving -----------------------------------------------------------------------------
    def form_subject(self, model: Any) -> str | None:
        """Return what an edit form is about: the opinion it belongs to, if any."""
        opinion = model if isinstance(model, Opinion) else getattr(model, "opinion", None)
        if not isinstance(opinion, Opinion):
            return None
        return f"{opinion.number}号意见：{opinion.title}"

    def _without_other_groups(self, form: Any) -> Any:
        """Leave out the parts of form holding rows of a group the user may not see."""
        for name, group in access.FORM_PARTS.get(self.access_group, {}).items():
            if hasattr(form, name) and not self.allowed(Action.VIEW, group):
                delattr(form, name)
        return form

    def create_form(self, obj: Any = None) -> Any:
        return self._without_other_groups(super().create_form(obj))

    def edit_form(self, obj: Any = None) -> Any:
        """Return the edit form; a unit user gets only the fields a unit fills in."""
        form = self._without_other_groups(super().edit_form(obj))
        if current_user.role == Role.UNIT:
            keep = {*access.UNIT_FIELDS.get(self.access_group, ()), *_ALWAYS_KEPT}
            for name in [name for name in form._fields if name not in keep]:
                delattr(form, name)
        return form

    def on_form_prefill(self, form: Any, id: Any) -> None:
        # Only when the form is first opened: a form sent back with errors keeps the
        # version it was opened on, or saving it again would overwrite the newer record.
        if request.method == "GET" and hasattr(form, "expected_version"):
            form.expected_version.data = self.get_one(id).version

    def check(self, form: Any, model: Any, is_created: bool) -> dict[str, str]:
        """Return domain problems of the candidate model, by form field name."""
        return {}

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        if (not is_created and isinstance(model, Versioned)
                and str(model.version) != (form.expected_version.data or "")):
            raise StaleForm(self.get_url(".edit_view", id=model.id,
                                         url=request.args.get("url")))
        problems = self.check(form, model, is_created)
        if problems:
            for field_name, message in problems.items():
                field = getattr(form, field_name, None)
                if field is not None:
                    field.errors = [*field.errors, message]
                else:
                    flash(message, "error")
            raise FormProblems

    def on_model_delete(self, model: Any) -> None:
        # The list's delete button carries the version it showed (row_actions.html); a
        # bulk delete, each ticked row's (card_list.html, behaviour.js: "id:version").
        shown = request.form.get("expected_version")
        if shown is None:
            listed = dict(value.partition(":")[::2]
                          for value in request.form.getlist("row_version"))
            shown = listed.get(str(self.get_pk_value(model)))
        if shown is not None and isinstance(model, Versioned) and shown != str(model.version):
            raise StaleDelete(model)
        super().on_model_delete(model)

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, UNAVAILABLE):
            raise exc  # the 503 page, which keeps the form to post again (errors.py)
        if isinstance(exc, FormProblems):
            flash("保存失败：请按提示更正标出的内容。", "error")
            return True
        if isinstance(exc, StaleDelete):
            flash(changed_message(exc.record), "error")
            return True
        if isinstance(exc, StaleForm | StaleDataError):
            reload = exc.reload_url if isinstance(exc, StaleForm) else request.url
            flash(conflict_message(reload), "error")
            return True
        if isinstance(exc, sa.exc.IntegrityError):
            if _deleting():
                flash("删除失败：还有其他记录引用它（例如书面意见的主办单位、用户的所属单位），"
                      "请先修改或删除那些记录。", "error")
            else:
                flash("保存失败：与已有记录冲突（例如编号或名称重复），或缺少必填内容。", "error")
            return True
        return super().handle_view_exception(exc)


def _deleting() -> bool:
    endpoint = request.endpoint or ""
    return endpoint.endswith(".delete_view") or (
        endpoint.endswith(".action_view") and request.form.get("action") == "delete")


def conflict_message(reload_url: str) -> Markup:
    """Say that a newer save came first, offering to open the record as it is now."""
    return Markup(
        "保存失败：此记录在您打开编辑页之后已被他人修改，您的修改未保存。"
        '<a href="{}" class="alert-link">重新加载最新内容</a>，核对后再修改'
        "（下方仍保留您刚才填写的内容，可先复制）。"
    ).format(reload_url)
