"""An import (or an undo) and a form saving the same opinion at the same moment: one of
them is refused, and no save is lost without a word. Both check, before they write, that
the data is still what they expect; a form save that lands between that check and their
own writes waits for them, then is refused as stale (`writing.exclusive`)."""

import threading
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy import event

from backoffice.extensions import db
from backoffice.models import CongressSession, Opinion
from tests.backoffice.html_forms import form_data
from tests.backoffice.imports.tables import NEW_SESSION, assignment_list, opinion_row
from tests.backoffice.imports.test_import_pages import preview_token, upload
from tests.conftest import csrf_token, sign_in

BASE = "/admin/imports"
IMPORTED, FORM_SAVED = "2018-03-05", "2018-03-09"


def _apply(client, token: str):
    url = f"{BASE}/preview/{token}/"
    return client.post(f"{url}apply", data={"csrf_token": csrf_token(client, url)})


def _imported_twice(app, importer, tmp_path) -> tuple[int, str]:
    """Import two opinions, then preview a change of the second's date; return its id and
    the preview's token."""
    with app.app_context():
        rows = [opinion_row(1), opinion_row(2)]
    assert _apply(importer, preview_token(upload(
        importer, assignment_list(tmp_path / "交办清单.xlsx", rows)))).status_code == 302
    with app.app_context():
        _first, opinion_id = db.session.scalars(sa.select(Opinion.id).join(CongressSession)
                                                .where(CongressSession.name == NEW_SESSION)
                                                .order_by(Opinion.number)).all()
        row = opinion_row(2, 交办日期=IMPORTED)
    token = preview_token(upload(importer, assignment_list(tmp_path / "改交办日期.xlsx", [row])))
    return opinion_id, token


def _form_saved_during(app, opinion_id: int, statement: str,
                       act: Callable[[], object]) -> tuple[object, bool]:
    """Run act; when it is about to execute statement (after its check), save the
    opinion's form with another date from another browser. Return what act answered and
    whether the form was saved."""
    editor = app.test_client()
    sign_in(editor, "operator")
    url = f"/admin/opinion/edit/?id={opinion_id}"
    form = {**form_data(editor.get(url).get_data(as_text=True)), "assigned_on": FORM_SAVED}
    saved: list = []
    saving = threading.Thread(target=lambda: saved.append(editor.post(url, data=form)))
    acting = threading.current_thread()

    def save_now(_conn, _cursor, sql, *_args) -> None:
        if threading.current_thread() is acting and not saving.is_alive() and not saved \
                and sql.lstrip().upper().startswith(statement):
            saving.start()
            saving.join(1)  # a design that keeps writers out makes the form wait

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", save_now)
    try:
        answer = act()
    finally:
        event.remove(engine, "before_cursor_execute", save_now)
    saving.join(30)
    (response,) = saved
    if response.status_code != 302:
        assert "已被他人修改" in response.get_data(as_text=True)
    return answer, response.status_code == 302


def _assigned(app, opinion_id: int) -> str:
    with app.app_context():
        return str(db.session.get(Opinion, opinion_id).assigned_on)


def test_a_form_save_during_an_import_is_not_overwritten(app, as_user, tmp_path) -> None:
    importer = as_user("operator")
    opinion_id, token = _imported_twice(app, importer, tmp_path)
    applied, form_saved = _form_saved_during(app, opinion_id, "INSERT INTO IMPORT_RUNS",
                                             lambda: _apply(importer, token))
    import_applied = "/history/" in (applied.location or "")
    assert form_saved != import_applied  # exactly one of them refused
    assert _assigned(app, opinion_id) == (FORM_SAVED if form_saved else IMPORTED)


def test_a_form_save_during_an_undo_is_not_overwritten(app, as_user, tmp_path) -> None:
    importer = as_user("operator")
    opinion_id, token = _imported_twice(app, importer, tmp_path)
    run_url = _apply(importer, token).location
    assert _assigned(app, opinion_id) == IMPORTED

    def undo():
        return importer.post(f"{run_url}undo", data={"csrf_token": csrf_token(importer,
                                                                              run_url)})

    undone, form_saved = _form_saved_during(app, opinion_id, "UPDATE OPINIONS", undo)
    undo_done = "已撤销导入" in importer.get(undone.location).get_data(as_text=True)
    assert form_saved != undo_done  # exactly one of them refused
    assert _assigned(app, opinion_id) == (FORM_SAVED if form_saved else "2018-02-20")
