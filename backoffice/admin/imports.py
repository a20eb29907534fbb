"""The import page: upload, preview the plan, apply it, download annotated files, undo.

Admins only (access.py's "imports" group). The page configures; `backoffice.imports`
reads, plans, applies and undoes.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, request, send_file
from flask_admin import expose
from flask_login import current_user
from werkzeug.wrappers import Response

from backoffice import jobs
from backoffice.access import Action
from backoffice.admin.jobs import start_job
from backoffice.admin.pages import SecuredPage
from backoffice.extensions import db
from backoffice.imports import UndoRefused, pending, prepare_import, undo_import
from backoffice.imports.annotations import annotate_recorded, annotate_upload
from backoffice.imports.limits import import_limits
from backoffice.imports.mappings import (
    SheetColumns,
    confidence_text,
    field_label,
    remembered_mappings,
)
from backoffice.imports.pending import PendingMissing
from backoffice.inputs import MAX_INT, int_arg, parse_int
from backoffice.jobs.imports import (
    ImportRefused,
    applied_message,
    apply_upload,
    big_upload,
    set_options,
    writing_rows,
)
from backoffice.labels import SOURCE_LABELS
from backoffice.models import CongressSession, ImportFile, ImportRun, ImportStatus
from backoffice.models.security import Outcome as LogOutcome
from backoffice.models.security import SecurityEventKind
from backoffice.security import log
from importers import AUTO, KINDS, SCHEMAS, UsageError, column_letter
from importers.columns import HOW_LABELS, How
from importers.headers import normalise_header
from importers.planning import OUTCOME_LABELS, Outcome, show
from importers.values import EARLIEST, LATEST

PAGE_SIZE = 100
NEW_SESSION = "__new__"
IGNORE = "__ignore__"


def header(kind: str, field: str) -> str:
    spec = SCHEMAS[kind].by_name.get(field)
    return spec.header if spec else field


# What the column templates (preview and run) need besides the columns.
COLUMN_HELPERS = {"field_label": field_label, "confidence": confidence_text,
                  "how_labels": HOW_LABELS, "column_letter": column_letter}


class ImportView(SecuredPage):
    access_group = "imports"
    page_actions = {
        "upload": Action.CREATE,
        "options": Action.CREATE,
        "apply": Action.CREATE,
        "undo": Action.EDIT,
    }

    # -- upload ------------------------------------------------------------------------------
    @expose("/")
    def index(self) -> str:
        runs = db.session.scalars(
            sa.select(ImportRun).order_by(ImportRun.id.desc()).limit(10)).all()
        return self.render("admin/imports/index.html", sessions=self._sessions(),
                           kinds=self._kinds(), runs=runs,
                           new_session=NEW_SESSION, sources=SOURCE_LABELS,
                           remembered=remembered_mappings(db.session), schemas=SCHEMAS,
                           may_forget=self.allowed(Action.DELETE, "import_mappings"),
                           forget_from="imports", **COLUMN_HELPERS)

    @expose("/upload", methods=("POST",))
    def upload(self) -> Response:
        files = [f for f in request.files.getlist("files") if f and f.filename]
        if not files:
            flash("请选择要导入的文件。", "error")
            return redirect(self.get_url(".index"))
        token, _names = pending.store_uploads(files, current_user.id)
        if refusal := pending.refusal(token, current_user.id, import_limits()):
            log.record_now(SecurityEventKind.IMPORT, LogOutcome.REFUSED,
                           object="、".join(f.filename for f in files), detail=refusal)
            flash(f"无法导入{refusal}", "error")
            return redirect(self.get_url(".index"))
        return self._prepare(token, fail_to=self.get_url(".index"))

    @expose("/preview/<token>/options", methods=("POST",))
    def options(self, token: str) -> Response:
        return self._prepare(token, fail_to=self.get_url(".preview", token=token))

    def _prepare(self, token: str, fail_to: str) -> Response:
        paths, names = self._uploaded(token)
        form = request.form
        try:
            options = {"kind": form.get("kind", AUTO), "mapping": self._mapping(),
                       "skip_invalid": bool(form.get("skip_invalid")), **self._session()}
            if big_upload(paths):
                return start_job("import_prepare", f"读取并核对 {'、'.join(names.values())}",
                                 {"token": token, "options": options})
            prepared = prepare_import(db.session, paths, names=names, **options)
            pending.save_plan(token, prepared)
        except UsageError as error:
            flash(f"无法导入：{error}", "error")
            return redirect(fail_to)
        finally:
            db.session.rollback()  # planning reads only; end its transaction
        return redirect(self.get_url(".preview", token=token))

    def _session(self) -> dict[str, Any]:
        """Return the session chosen: an existing one's name, or a new one's name and year."""
        form = request.form
        choice = form.get("session", "")
        if choice != NEW_SESSION:
            return {"session": choice or None, "year": None}
        name = form.get("new_session_name", "").strip()
        year = form.get("new_session_year", "").strip()
        number = parse_int(year, EARLIEST.year, LATEST.year)
        if not name or number is None:
            raise UsageError(
                f"新建届次会议须填写名称和年度（{EARLIEST.year}至{LATEST.year}之间的四位数字）")
        return {"session": name, "year": number}

    def _mapping(self) -> dict[str, str | None]:
        """Return the mapping the form sets: each map_source_N to map_target_N.

        A column of the preview's table also posts what it showed (map_shown_N) and whether
        that was the user's own choice (map_user_N): a column left as it was matched is not
        part of the mapping, so that it keeps being matched on its own.
        """
        form = request.form
        mapping: dict[str, str | None] = {}
        for key, source in form.items():
            if not key.startswith("map_source_"):
                continue
            number = key.removeprefix("map_source_")
            target = form.get("map_target_" + number, "")
            shown = form.get("map_shown_" + number)
            if shown is not None and target == shown and not form.get("map_user_" + number):
                continue
            if target == IGNORE:
                mapping[source] = None
            elif target:
                mapping[source] = target
        return mapping

    # -- preview -----------------------------------------------------------------------------
    @expose("/preview/<token>/")
    def preview(self, token: str) -> str:
        prepared = self._prepared(token)
        plan = prepared.plan
        outcome = request.args.get("outcome", "")
        kind = request.args.get("kind", "")
        rows = [row for row in plan.rows if (not outcome or row.outcome.value == outcome)
                and (not kind or row.kind == kind)]
        page = int_arg("page", 1, minimum=1)
        pages = max((len(rows) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        shown = rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        problems_by_file = {str(f.path): 0 for f in prepared.files}
        for problem in plan.all_problems:
            if problem.file in problems_by_file:
                problems_by_file[problem.file] += 1
        return self.render(
            "admin/imports/preview.html", token=token, prepared=prepared, plan=plan,
            counts=plan.counts(), outcomes=list(Outcome), outcome_labels=OUTCOME_LABELS,
            outcome=outcome, kind=kind, row_kinds=sorted({r.kind for r in plan.rows},
                                                         key=KINDS.index),
            rows=shown, page=page, pages=pages, total=len(rows), schemas=SCHEMAS,
            show=show, header=header, problems_by_file=problems_by_file,
            sessions=self._sessions(), kinds=self._kinds(), new_session=NEW_SESSION,
            ignore=IGNORE,
            sheets=[self._sheet_shown(prepared, sheet) for sheet in prepared.sheets],
            field_choices={kind: [(f.name, f.header) for f in SCHEMAS[kind].fields]
                           for kind in {sheet.kind for sheet in prepared.sheets if sheet.kind}},
            changed=any(sheet.changed(prepared.mapping) for sheet in prepared.sheets),
            kept=self._kept(prepared), conflicts=self._conflicts(prepared),
            conflicting=set(prepared.conflict_rows()),
            **COLUMN_HELPERS,
        )

    @staticmethod
    def _conflicts(prepared) -> list[dict[str, Any]]:
        """Return each row with a conflict: its number to post back, place and fields."""
        rows = {row: {"index": index, "row": row, "fields": []}
                for index, row in enumerate(prepared.conflict_rows())}
        for conflict in prepared.conflicts:
            rows[conflict.row]["fields"].append(conflict)
        return list(rows.values())

    @staticmethod
    def _overwrite(prepared) -> list[tuple]:
        """Return the rows with a conflict the user chose to overwrite (posted by number)."""
        rows = prepared.conflict_rows()
        chosen = {parse_int(value, 0, len(rows) - 1) for value in request.form.getlist("overwrite")}
        return [rows[index] for index in sorted(chosen - {None})]

    @staticmethod
    def _kept(prepared) -> dict[str, str | None]:
        """Return the import's own mapping of headers no sheet's table shows, to post again."""
        shown = {normalise_header(c.header) for sheet in prepared.sheets for c in sheet.columns}
        return {source: target for source, target in prepared.mapping.items()
                if normalise_header(source) not in shown}

    @staticmethod
    def _sheet_shown(prepared, sheet: SheetColumns) -> dict[str, Any]:
        """Return a sheet's columns as the template shows them, with each select's value."""
        shown = sheet.to_json(prepared.name_of(sheet.file))
        own = sheet.changed(prepared.mapping)
        for column in shown["columns"]:
            column["user"] = column["header"] in own
            if column["field"]:
                column["value"] = column["field"]
            else:
                column["value"] = "" if column["how"] == How.UNMATCHED else IGNORE
        return shown

    @expose("/preview/<token>/apply", methods=("POST",))
    def apply(self, token: str) -> Response:
        prepared = self._prepared(token)
        options = {
            "skip_invalid": bool(request.form.get("skip_invalid")),
            # The columns the user changed are remembered; ticked, the whole sheet's mapping.
            "remember": "sheet" if request.form.get("remember") else "changes",
        }
        # Rows with a conflict the user chose to overwrite, as plain data for a job.
        overwrite = [list(row) for row in self._overwrite(prepared)]
        if jobs.big(writing_rows(prepared)):
            names = "、".join(facts.name for facts in prepared.files)
            return start_job("import_apply", f"导入 {names}",
                             {"token": token, "options": options, "overwrite": overwrite})
        set_options(prepared, options)
        try:
            result = apply_upload(prepared, token, current_user.username, overwrite=overwrite)
        except ImportRefused as refusal:
            flash(str(refusal), "error")
            return redirect(self.get_url(".preview", token=token))
        if result.status == "unchanged":
            flash(applied_message(result), "info")
            return redirect(self.get_url(".index"))
        flash(applied_message(result), "success")
        return redirect(self.get_url(".run", run_id=result.run_id))

    @expose("/preview/<token>/annotated/<int:index>")
    def annotated_upload(self, token: str, index: int) -> Response:
        prepared = self._prepared(token)
        if not 0 <= index < len(prepared.files):
            abort(404)
        path, name = annotate_upload(token, prepared, index)
        log.record_now(SecurityEventKind.DOWNLOAD, object=f"标注文件 {name}")
        return send_file(path, as_attachment=True, download_name=name)

    # -- history -----------------------------------------------------------------------------
    @expose("/history/")
    def history(self) -> str:
        page = int_arg("page", 1, minimum=1, maximum=MAX_INT // PAGE_SIZE)
        runs = db.session.scalars(sa.select(ImportRun).order_by(ImportRun.id.desc())
                                  .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
        return self.render("admin/imports/history.html", runs=runs[:PAGE_SIZE], page=page,
                           more=len(runs) > PAGE_SIZE,
                           sources=SOURCE_LABELS)

    @expose("/history/<int:run_id>/")
    def run(self, run_id: int) -> str:
        run = db.session.get(ImportRun, run_id) or abort(404)
        return self.render("admin/imports/run.html", run=run,
                           schemas=SCHEMAS, applied=run.status == ImportStatus.APPLIED,
                           sources=SOURCE_LABELS, **COLUMN_HELPERS)

    @expose("/history/<int:run_id>/annotated/<int:file_id>")
    def annotated_run(self, run_id: int, file_id: int) -> Response:
        file = db.session.get(ImportFile, file_id)
        if file is None or file.run_id != run_id:
            abort(404)
        found = annotate_recorded(file.run, file)
        if found is None:
            abort(404)
        log.record_now(SecurityEventKind.DOWNLOAD, object=f"标注文件 {found[1]}",
                       detail=f"导入记录 {run_id}")
        return send_file(found[0], as_attachment=True, download_name=found[1])

    @expose("/history/<int:run_id>/undo", methods=("POST",))
    def undo(self, run_id: int) -> Response:
        if db.session.get(ImportRun, run_id) is None:
            abort(404)
        try:
            result = undo_import(db.session, run_id, current_user.username)
            db.session.commit()
        except UndoRefused as error:
            db.session.rollback()
            log.record_now(SecurityEventKind.IMPORT_UNDONE, LogOutcome.REFUSED,
                           object=f"导入 #{run_id}", detail=str(error))
            flash(str(error), "error")
        else:
            flash(f"已撤销导入 #{run_id}：恢复 {result.restored} 行，删除 {result.deleted} 行，"
                  f"重新加入 {result.reinserted} 行。", "success")
        return redirect(self.get_url(".run", run_id=run_id))

    # -- helpers -----------------------------------------------------------------------------
    def _uploaded(self, token: str):
        try:
            return pending.uploaded(token, current_user.id)
        except PendingMissing:
            abort(404)

    def _prepared(self, token: str):
        try:
            return pending.load_plan(token, current_user.id)
        except PendingMissing:
            abort(404)

    def _sessions(self) -> list[CongressSession]:
        return db.session.scalars(sa.select(CongressSession).order_by(
            CongressSession.year.desc(), CongressSession.id.desc())).all()

    def _kinds(self) -> list[tuple[str, str]]:
        return [(AUTO, "自动识别")] + [(kind, SCHEMAS[kind].title) for kind in KINDS]
