"""An import and a form saving the same opinion at the same moment: one of them is
refused, and no save is lost without a word. The import checks, when applied, that the
data is still what its preview showed; a form save that lands between that check and the
import's own writes must not be overwritten."""

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from backoffice.extensions import db
from backoffice.models import CongressSession, Opinion
from tests.backoffice.html_forms import form_data
from tests.backoffice.imports.tables import NEW_SESSION, assignment_list, opinion_row
from tests.backoffice.imports.test_import_pages import preview_token, upload
from tests.conftest import csrf_token, sign_in

BASE = "/admin/imports"


def _apply(client, token: str):
    url = f"{BASE}/preview/{token}/"
    return client.post(f"{url}apply", data={"csrf_token": csrf_token(client, url)})


@pytest.mark.xfail(strict=True, reason=(
    "The import checks its preview (_refuse_stale) and then writes with plain UPDATEs on "
    "rows it reads afresh (bulk.Writer.update): a form save committed in between is "
    "overwritten. Fix: keep the versions the check saw and make the bulk UPDATEs "
    "conditional on them (WHERE version = seen), refusing the import when one misses."))
def test_a_form_save_during_an_import_is_not_overwritten(app, as_user, tmp_path) -> None:
    importer = as_user("operator")
    with app.app_context():
        rows = [opinion_row(1), opinion_row(2)]
    assert _apply(importer, preview_token(upload(
        importer, assignment_list(tmp_path / "交办清单.xlsx", rows)))).status_code == 302
    with app.app_context():
        _first, opinion_id = db.session.scalars(sa.select(Opinion.id).join(CongressSession)
                                                .where(CongressSession.name == NEW_SESSION)
                                                .order_by(Opinion.number)).all()
        row = opinion_row(2, 交办日期="2018-03-05")
        engine = db.engine
    # The import is previewed on the opinion as it is (assigned 2018-02-20).
    token = preview_token(upload(importer, assignment_list(tmp_path / "改交办日期.xlsx", [row])))

    editor = app.test_client()
    sign_in(editor, "operator")
    url = f"/admin/opinion/edit/?id={opinion_id}"
    form = {**form_data(editor.get(url).get_data(as_text=True)), "assigned_on": "2018-03-09"}
    saved: list = []
    saving = threading.Thread(target=lambda: saved.append(editor.post(url, data=form)))

    def save_now(_conn, _cursor, statement, *_args) -> None:
        # Once the import has checked its preview and starts to write: the form is saved.
        if statement.lstrip().upper().startswith("INSERT INTO IMPORT_RUNS") and \
                not saving.is_alive() and not saved:
            saving.start()
            saving.join(5)  # a design that locks the rows first makes the form wait

    event.listen(engine, "before_cursor_execute", save_now)
    try:
        applied = _apply(importer, token)
    finally:
        event.remove(engine, "before_cursor_execute", save_now)
    saving.join(30)
    form_saved = saved[0].status_code == 302
    import_applied = "/history/" in (applied.location or "")
    assert form_saved or import_applied
    with app.app_context():
        assigned = str(db.session.get(Opinion, opinion_id).assigned_on)
    if form_saved:  # the import must then have been refused, not written over it
        assert assigned == "2018-03-09"
    else:  # the form must then have been told to reload
        assert assigned == "2018-03-05"
