"""The same change leaves the same traces whichever path makes it: a form edit (the ORM
entry) and an import (the bulk entry) give the same audit entry, due dates and
reassignment."""

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import AuditEntry, CongressSession, Opinion, Reassignment, Unit
from backoffice.writing.rules import IMPORT_REASON
from tests.backoffice.html_forms import form_data
from tests.backoffice.imports.tables import NEW_SESSION, assignment_list, opinion_row
from tests.backoffice.imports.test_import_pages import preview_token, upload
from tests.conftest import csrf_token

CHANGE = {"主办单位": "区水务局", "交办日期": "2018-03-05"}


def _import(client, path) -> None:
    token = preview_token(upload(client, path))
    url = f"/admin/imports/preview/{token}/"
    response = client.post(f"{url}apply", data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 302, response.get_data(as_text=True)


def _traces(opinion_id: int) -> dict:
    opinion = db.session.get(Opinion, opinion_id)
    entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.table_name == "opinions", AuditEntry.record_id == str(opinion_id),
        AuditEntry.action == "修改").order_by(AuditEntry.id.desc())).first()
    reassignments = db.session.scalars(sa.select(Reassignment).where(
        Reassignment.opinion_id == opinion_id)).all()
    return {
        "audit": (entry.actor, entry.changes),
        "due": (opinion.accept_due_on, opinion.consult_due_on, opinion.co_opinion_due_on,
                opinion.reply_due_on),
        "reassignments": [(r.from_unit_id, r.to_unit_id, r.reassigned_on, r.reason, r.actor)
                          for r in reassignments],
        "version": opinion.version,
    }


def test_a_form_edit_and_an_import_leave_the_same_traces(app, as_user, tmp_path) -> None:
    client = as_user("operator")
    with app.app_context():
        rows = [opinion_row(1), opinion_row(2)]
    _import(client, assignment_list(tmp_path / "新的交办清单.xlsx", rows))
    with app.app_context():
        session_id = db.session.scalar(sa.select(CongressSession.id)
                                       .where(CongressSession.name == NEW_SESSION))
        by_form, by_import = db.session.scalars(sa.select(Opinion.id).where(
            Opinion.session_id == session_id).order_by(Opinion.number)).all()
        new_unit = db.session.scalar(sa.select(Unit.id).where(Unit.name == CHANGE["主办单位"]))

    url = f"/admin/opinion/edit/?id={by_form}"
    data = form_data(client.get(url).get_data(as_text=True))
    # The import gives its own reason; the form the same words, so that the traces compare.
    data.update(lead_unit=str(new_unit), assigned_on=CHANGE["交办日期"],
                reassignment_reason=IMPORT_REASON)
    assert client.post(url, data=data).status_code == 302

    with app.app_context():
        row = opinion_row(2, **CHANGE)
    _import(client, assignment_list(tmp_path / "改派.xlsx", [row]))

    with app.app_context():
        form_traces, import_traces = _traces(by_form), _traces(by_import)
    assert form_traces == import_traces
    actor, changes = form_traces["audit"]
    assert actor == "operator"
    assert set(changes) == {"lead_unit", "assigned_on", "restarted_on", "accept_due_on",
                            "consult_due_on", "co_opinion_due_on", "reply_due_on"}
    assert changes["lead_unit"][1] == "区水务局" and changes["assigned_on"][1] == "2018-03-05"
    assert len(form_traces["reassignments"]) == 1
