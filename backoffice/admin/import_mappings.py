"""The column mappings remembered from the import preview: listed, and forgotten.

The office (operator) lists and deletes them, here and on the import page; the auditor
reads which mappings steer the imports (access.py's "import_mappings" group).
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose
from werkzeug.wrappers import Response

from backoffice.access import Action
from backoffice.admin.imports import COLUMN_HELPERS
from backoffice.admin.pages import SecuredPage
from backoffice.extensions import db
from backoffice.imports.mappings import forget, remembered_mappings
from backoffice.inputs import parse_int
from importers import SCHEMAS

# Where a deletion returns to: this page, or the import page that lists them too.
_BACK = {"imports": "imports.index"}


class RememberedMappingView(SecuredPage):
    access_group = "import_mappings"
    page_actions = {"forget_mapping": Action.DELETE}

    @expose("/")
    def index(self) -> str:
        return self.render("admin/imports/remembered.html",
                           remembered=remembered_mappings(db.session), schemas=SCHEMAS,
                           may_forget=self.allowed(Action.DELETE), forget_from="",
                           **COLUMN_HELPERS)

    @expose("/forget", methods=("POST",))
    def forget_mapping(self) -> Response:
        form = request.form
        signature = form.get("signature", "")
        version = parse_int(form.get("version", ""), 1)
        found = forget(db.session, signature, version)
        if found is None:
            db.session.rollback()
            flash("该对应关系已被删除或已有变动，未删除任何内容。请刷新页面后再试。", "error")
        else:
            label = str(found)
            db.session.commit()
            flash(f"已删除{label}。", "success")
        back = _BACK.get(form.get("from", ""))
        return redirect(url_for(back) if back else self.get_url(".index"))
