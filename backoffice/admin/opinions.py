"""The opinions list and each opinion's case file (一案一册)."""

from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, flash, g, redirect, request
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.form import InlineFormAdmin
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from wtforms import TextAreaField
from wtforms.validators import Length

from backoffice import access, attachments, chasing, deadlines, reassigning
from backoffice.access import Action
from backoffice.admin.base import SecuredModelView, ajax_ref
from backoffice.admin.filters import (
    ChoiceFilter,
    CoHandlerFilter,
    ConditionFilter,
    OwnOverdueFilter,
    SupervisorFilter,
    as_of_filters,
    late_in_year_filter,
    returned,
    session_options,
    unit_options,
)
from backoffice.admin.form_fields import with_required_unit
from backoffice.admin.form_sections import sectioned
from backoffice.admin.standing_columns import (
    STANDING_COLUMNS,
    STANDING_DESCRIPTIONS,
    STANDING_FORMATTERS,
    STANDING_LABELS,
    remember_standings,
)
from backoffice.checks import opinion_problems, unit_refusals
from backoffice.exports.downloads import DOCX, ZIP, send_written
from backoffice.extensions import db
from backoffice.labels import FIELD_LABELS
from backoffice.models import (
    AuditEntry,
    CoHandling,
    ConsultationReply,
    Contact,
    Deputy,
    Evaluation,
    Opinion,
    ProgressReport,
    Publication,
    ReassignmentRequest,
    RequestKind,
    Role,
    Unit,
)
from backoffice.reporting import case_file
from backoffice.reporting.dashboard import awaiting_sign_off, supervised
from backoffice.senders import senders_from_config
from backoffice.writing.orm import lead_unit_change
from importers.clock import local_today
from importers.vocabulary import (
    ANSWER_TYPE_LABELS,
    AnswerType,
    Category,
    ContactMethod,
    ContactStage,
    Grade,
)

CASE_FILE_TYPES = {"docx": DOCX, "zip": ZIP}
ANSWER_TYPE_CHOICES = [(t.value, f"{t.value} {ANSWER_TYPE_LABELS[t]}") for t in AnswerType]


def choices(vocabulary: type) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in vocabulary]


def _answer_type(view: Any, context: Any, model: Opinion, name: str) -> str:
    return dict(ANSWER_TYPE_CHOICES).get(model.answer_type, "") if model.answer_type else ""


def _co_units(view: Any, context: Any, model: Opinion, name: str) -> str:
    return "、".join(co.unit.name for co in model.co_handlings)


def _as_stored(opinion: Opinion) -> SimpleNamespace:
    """Return the opinion's facts as loaded, before the form changed its columns."""
    state = sa.inspect(opinion)
    values = {}
    for attr in state.mapper.column_attrs:
        changed = state.attrs[attr.key].history.deleted  # [the loaded value] once changed
        values[attr.key] = changed[0] if changed else getattr(opinion, attr.key)
    return SimpleNamespace(**values, session=opinion.session, lead_unit=opinion.lead_unit,
                           co_handlings=opinion.co_handlings)


class CoHandlingInline(InlineFormAdmin):
    form_columns = ("id", "unit", "submitted_on", "lead_grade", "deputy_grade")
    form_label = "会办单位"
    column_labels = FIELD_LABELS
    form_choices = {"lead_grade": choices(Grade), "deputy_grade": choices(Grade)}

    def postprocess_form(self, form_class: Any) -> Any:
        return with_required_unit(form_class, "会办单位")


class ContactInline(InlineFormAdmin):
    form_columns = ("id", "stage", "method", "contacted_on", "note")
    form_label = "沟通走访"
    column_labels = FIELD_LABELS
    form_choices = {"stage": choices(ContactStage), "method": choices(ContactMethod)}


class ProgressInline(InlineFormAdmin):
    form_columns = ("id", "reported_on", "text")
    form_label = "进展反馈"
    column_labels = FIELD_LABELS


class EvaluationInline(InlineFormAdmin):
    form_columns = (
        "id", "evaluated_on", "agrees", "grade", "praised", "consents_to_publish", "note",
    )
    form_label = "代表评价"
    column_labels = FIELD_LABELS
    form_choices = {"grade": choices(Grade)}


CHASE = ("outbox", Action.CREATE)


class OpinionView(SecuredModelView):
    model_class = Opinion
    access_group = "opinions"
    details_template = "admin/opinion_case_file.html"
    page_actions = {
        **SecuredModelView.page_actions,
        "upload_attachment": Action.EDIT,
        "download_attachment": Action.VIEW,
        # Whoever may read the opinion may take its case file away (a unit: its own).
        "download_case_file": Action.VIEW,
        "request_change": ("reassignment_requests", Action.CREATE),
        # 催办 writes to the outbox: the office's (the list's bulk action asks the same).
        "chase": CHASE,
    }

    column_list = (
        "session", "number", "title", "lead_deputy", "category", "lead_unit", "co_handlings",
        "assigned_on", "replied_on", "answer_type", "concluded_on", *STANDING_COLUMNS,
    )
    column_labels = {**FIELD_LABELS, **STANDING_LABELS}
    column_descriptions = STANDING_DESCRIPTIONS
    column_card_head = ("number", "title", *STANDING_COLUMNS)
    column_sortable_list = (
        "number", "assigned_on", "accepted_on", "replied_on", "concluded_on",
        ("lead_unit", "lead_unit.name"), "category", "answer_type",
    )
    column_default_sort = [("session_id", True), ("number", False)]
    column_searchable_list = ("number", "title", "lead_deputy.name")
    column_formatters = {
        "answer_type": _answer_type, "co_handlings": _co_units, **STANDING_FORMATTERS,
    }
    column_filters = (
        ChoiceFilter(Opinion.session_id, "届次会议", options=session_options),
        ChoiceFilter(Opinion.category, "类别", options=choices(Category)),
        ChoiceFilter(Opinion.lead_unit_id, "主办单位", options=unit_options),
        CoHandlerFilter(),
        ChoiceFilter(Opinion.answer_type, "答复类型", options=ANSWER_TYPE_CHOICES),
        ConditionFilter("不同意退回", returned),
        ConditionFilter("领导督办", supervised),
        late_in_year_filter(),
        ConditionFilter("D类待阅批", awaiting_sign_off),
        *as_of_filters(),
        OwnOverdueFilter(),
        SupervisorFilter(),
    )
    column_export_list = (
        "session", "number", "title", "lead_deputy", "category", "lead_unit", "co_handlings",
        "assigned_on", "accepted_on", "consulted_on", "replied_on", "answer_type",
        "concluded_on", "supervisor", *STANDING_COLUMNS,
    )

    form_columns = (
        "session", "number", "title", "content", "category", "lead_deputy", "cosigners",
        "lead_unit", "assigned_on", "accepted_on", "consulted_on", "consult_method",
        "replied_on", "answer_type", "reply_extension_months", "signed_off_by",
        "signed_off_on", "concluded_on", "second_replied_on", "supervisor",
        "reassignment_reason",
    )
    # Asked on the edit form only: a change of lead unit is a reassignment and needs it.
    form_extra_fields = {
        "reassignment_reason": TextAreaField(
            "改派事由",
            validators=[Length(max=reassigning.REASON_LENGTH,
                               message=f"改派事由最多{reassigning.REASON_LENGTH}字。")],
            description="更换主办单位时必填：记入改派记录，并通知新主办单位；"
                        "新主办单位的办理期限自改派之日起重新计算。",
        ),
    }
    # The form in sections, in the order of the work; every field of form_columns and
    # every inline list is in one (Flask-Admin drops a field no rule names).
    form_create_rules = form_edit_rules = sectioned(
        (
            ("basics", "基本信息", ("session", "number", "title", "content", "category",
                                   "lead_deputy", "cosigners")),
            ("handling", "承办", ("lead_unit", "reassignment_reason", "assigned_on",
                                 "accepted_on", "consulted_on", "consult_method")),
            ("reply", "答复", ("replied_on", "answer_type", "reply_extension_months",
                              "concluded_on", "second_replied_on")),
            ("sign_off", "阅批与督办", ("signed_off_by", "signed_off_on", "supervisor")),
            ("co_handling", "会办", ("co_handlings",)),
            ("contacts", "沟通走访", ("contacts",)),
            ("progress", "进展反馈", ("progress_reports",)),
            ("evaluations", "满意度测评", ("evaluations",)),
        ),
        hidden=("csrf_token", "expected_version"),
    )
    form_choices = {
        "category": choices(Category),
        "answer_type": ANSWER_TYPE_CHOICES,
        "consult_method": choices(ContactMethod),
    }
    form_ajax_refs = {
        "lead_deputy": ajax_ref("lead_deputy", Deputy, ["name", "delegation"]),
        "cosigners": ajax_ref("cosigners", Deputy, ["name", "delegation"]),
        "lead_unit": ajax_ref("lead_unit", Unit, ["name"]),
    }
    inline_models = (
        CoHandlingInline(CoHandling),
        ContactInline(Contact),
        ProgressInline(ProgressReport),
        EvaluationInline(Evaluation),
    )


    def get_query(self) -> Any:
        # Two queries per page for the co-handlers instead of one per row.
        return super().get_query().options(
            joinedload(Opinion.session),
            joinedload(Opinion.lead_deputy),
            joinedload(Opinion.lead_unit),
            selectinload(Opinion.co_handlings).joinedload(CoHandling.unit),
        )

    def prepare_rows(self, models: list[Opinion]) -> None:
        remember_standings(models)

    # -- forms ----------------------------------------------------------------------------
    def get_save_return_url(self, model: Opinion, is_created: bool = False) -> str:
        """Return to the opinion's case file, where the saved work shows."""
        return self.get_url(".details_view", id=model.id, url=request.args.get("url"))

    def create_form(self, obj: Any = None) -> Any:
        """Return the new opinion's form: it has no lead unit to change yet."""
        form = super().create_form(obj)
        del form.reassignment_reason
        return form

    def check(self, form: Any, model: Opinion, is_created: bool) -> dict[str, str]:
        problems = opinion_problems(model, db.session)
        if not is_created and lead_unit_change(model):
            reason = getattr(form, "reassignment_reason", None)
            if reason is None or not (reason.data or "").strip():
                problems["reassignment_reason"] = reassigning.NO_REASON
            else:
                reassigning.give_reason(model, reason.data)
        if current_user.role != Role.UNIT:
            return problems
        # A unit is refused only what its change brought and it can remedy; the rest
        # stays as it was (the office's to-do), said once the save is done.
        stored = opinion_problems(_as_stored(model), db.session)  # type: ignore[arg-type]
        refused = unit_refusals(problems, stored)
        g.remaining_problems = [m for f, m in problems.items() if f not in refused]
        return refused

    def after_model_change(self, form: Any, model: Opinion, is_created: bool) -> None:
        remaining = g.pop("remaining_problems", None)
        if remaining:
            flash("已保存。此意见另有以下问题，不影响本单位保存，由区府办处理："
                  + "".join(remaining), "warning")

    # -- the case file --------------------------------------------------------------------
    def deadlines(self, opinion: Opinion) -> list[tuple[str, deadlines.Deadline]]:
        """Return (step, deadline) of the opinion as of today; a 会办意见 names its unit."""
        return case_file.deadline_rows(db.session, opinion, local_today())

    def audit_trail(self, opinion: Opinion) -> list[AuditEntry]:
        return case_file.audit_trail(db.session, opinion, current_user)

    trail_action = staticmethod(case_file.trail_action)

    # -- 催办 ------------------------------------------------------------------------------
    def may_chase(self) -> bool:
        return self.allowed(CHASE[1], CHASE[0])

    def is_action_allowed(self, name: str) -> bool:
        if name == "chase":
            return self.may_chase()
        return super().is_action_allowed(name)

    def _chase(self, opinion_ids: list[int]) -> None:
        done = chasing.chase(db.session, opinion_ids, local_today(),
                             senders_from_config(current_app.config))
        flash(*done.summary())

    @expose("/chase/", methods=("POST",))
    def chase(self) -> Any:
        """催办 the units behind the opinion's overdue steps (the case file's button)."""
        opinion = self.get_one(request.form.get("opinion_id", ""))
        self._chase([opinion.id])
        return redirect(self.get_url(".details_view", id=opinion.id))

    @action("chase", "催办", "向选中意见超期环节的承办单位联络员发送催办？")
    def chase_selected(self, ids: list[int]) -> None:
        self._chase(ids)

    def may(self, action: str, opinion: Opinion) -> bool:
        """Return whether the user may take action on this opinion (for the template)."""
        if not self.allowed(Action(action)):
            return False
        condition = sa.and_(Opinion.id == opinion.id, access.editable(Opinion, current_user))
        return db.session.execute(sa.select(Opinion.id).where(condition)).first() is not None

    # -- a unit's request to reassign or return the opinion ------------------------------------
    def requests_shown(self, opinion: Opinion) -> list[ReassignmentRequest]:
        """Return the opinion's requests the user may see (a unit: its own)."""
        return db.session.scalars(
            sa.select(ReassignmentRequest)
            .where(ReassignmentRequest.opinion_id == opinion.id,
                   access.visible(ReassignmentRequest, current_user))
            .order_by(ReassignmentRequest.id)
        ).all()

    def consultation_replies(self, opinion: Opinion) -> list[ConsultationReply]:
        """Return the deputies' answers about the opinion's 面商 that the user may see."""
        return list(db.session.scalars(
            sa.select(ConsultationReply)
            .where(ConsultationReply.opinion_id == opinion.id,
                   access.visible(ConsultationReply, current_user))
            .order_by(ConsultationReply.id)))

    def may_request(self, opinion: Opinion) -> bool:
        return (self.allowed(Action.CREATE, "reassignment_requests")
                and reassigning.may_request(current_user, opinion)
                and reassigning.pending_request(opinion, current_user.unit_id) is None)

    request_kinds = tuple(kind.value for kind in RequestKind)

    def may_decide(self) -> bool:
        return self.allowed(Action.EDIT, "reassignment_requests")

    def publication(self, opinion: Opinion) -> Publication | None:
        """Return the office's 公开审核 decision on the opinion, for those who read that list."""
        if not self.allowed(Action.VIEW, "publication"):
            return None
        return db.session.scalar(sa.select(Publication).where(Publication.opinion_id == opinion.id))

    def unit_choices(self) -> list[Unit]:
        return db.session.scalars(sa.select(Unit).where(Unit.active).order_by(Unit.id)).all()

    @expose("/request-change/", methods=("POST",))
    def request_change(self) -> Any:
        opinion = self.get_one(request.form.get("opinion_id", ""))
        try:
            reassigning.request(opinion, current_user, request.form.get("kind", ""),
                                request.form.get("reason", ""))
        except reassigning.ReassignmentError as problem:
            flash(f"申请未提交：{problem}", "error")
        else:
            db.session.commit()
            flash("申请已提交，请等待区府办处理。", "success")
        return redirect(self.get_url(".details_view", id=opinion.id))

    @expose("/attachments/", methods=("POST",))
    def upload_attachment(self) -> Any:
        return attachments.upload(self)

    @expose("/attachment/")
    def download_attachment(self) -> Any:
        return attachments.download(self)

    @expose("/case_file/<kind>")
    def download_case_file(self, kind: str) -> Any:
        """Send the printable case file (.docx) or it with its attachments (.zip)."""
        if kind not in CASE_FILE_TYPES:
            abort(404)
        opinion = self.get_one(request.args.get("id", ""))
        today = local_today()
        try:
            return send_written(
                lambda out: case_file.write(db.session, opinion, today, current_user, kind,
                                            out),
                f"{case_file.file_stem(opinion)}.{kind}", CASE_FILE_TYPES[kind])
        except case_file.MissingAttachment as missing:
            flash(f"无法打包：附件“{missing.name}”的文件已丢失，请重新上传后再下载。", "error")
            return redirect(self.get_url(".details_view", id=opinion.id))
