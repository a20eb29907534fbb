"""No lost update on any form: a save from a form opened before a newer save is refused
with a message that offers to reload, and the newer save stays."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask

from backoffice.admin.base import SecuredModelView
from backoffice.assessment import stored_rulesets
from backoffice.extensions import db
from backoffice.models import (
    CalendarOverride,
    CoHandling,
    CongressSession,
    Contact,
    Deputy,
    LiaisonTerm,
    Notice,
    Opinion,
    Unit,
    User,
)
from backoffice.models.base import Versioned
from tests.backoffice.html_forms import form_data
from tests.backoffice.scoping import led_by
from tests.conftest import csrf_token, sign_in

REFUSED = "已被他人修改"


@dataclass(frozen=True)
class Form:
    """One edit form: who edits it, which record, and a text field both editors change."""

    username: str
    endpoint: str
    record: Callable[[], int]
    field: str
    read: Callable[[int], str]
    values: tuple[str, str] = ("改动甲", "改动乙")


def _first(model: type, *where) -> Callable[[], int]:
    return lambda: db.session.scalar(sa.select(model.id).where(*where).order_by(model.id))


def _column(model: type, name: str) -> Callable[[int], str]:
    return lambda record_id: str(getattr(db.session.get(model, record_id), name))


def _first_contact_note(opinion_id: int) -> str:
    return db.session.scalars(sa.select(Contact.note).where(Contact.opinion_id == opinion_id)
                              .order_by(Contact.contacted_on, Contact.id)).first()


_WITH_CONTACT = Opinion.id.in_(sa.select(Contact.opinion_id))

FORMS = {
    "opinion": Form("operator", "opinion", _first(Opinion), "title",
                    _column(Opinion, "title")),
    "opinion's contact row": Form("operator", "opinion", _first(Opinion, _WITH_CONTACT),
                                  "contacts-0-note", _first_contact_note),
    "unit's own opinion": Form("pujiang", "opinion", lambda: led_by("浦江镇").id,
                               "consulted_on", _column(Opinion, "consulted_on"),
                               ("2017-03-01", "2017-03-02")),
    "co-handling": Form("operator", "co_handling", _first(CoHandling), "submitted_on",
                        _column(CoHandling, "submitted_on"), ("2017-03-01", "2017-03-02")),
    "unit": Form("sysadmin", "unit", _first(Unit), "name", _column(Unit, "name")),
    "user": Form("sysadmin", "user", _first(User, User.username == "leader"),
                 "display_name", _column(User, "display_name")),
    "session": Form("operator", "session", _first(CongressSession), "name",
                    _column(CongressSession, "name")),
    "deputy": Form("operator", "deputy", _first(Deputy), "delegation",
                   _column(Deputy, "delegation")),
    "liaison": Form("operator", "liaison", _first(LiaisonTerm), "person",
                    _column(LiaisonTerm, "person")),
    "notice": Form("operator", "notice", _first(Notice), "reason", _column(Notice, "reason")),
    "calendar": Form("sysadmin", "calendar", _first(CalendarOverride), "note",
                     _column(CalendarOverride, "note")),
}


def _signed_in(app: Flask, username: str):
    client = app.test_client()
    sign_in(client, username)
    return client


@pytest.fixture
def calendar_day(app):
    with app.app_context():
        db.session.add(CalendarOverride(day=date(2017, 10, 9), is_workday=False, note="调休"))
        db.session.commit()


@pytest.mark.parametrize("name", FORMS)
@pytest.mark.usefixtures("calendar_day")
def test_a_stale_form_cannot_undo_a_newer_save(app, name) -> None:
    form = FORMS[name]
    with app.app_context():
        record_id = form.record()
    url = f"/admin/{form.endpoint}/edit/?id={record_id}"
    first, second = _signed_in(app, form.username), _signed_in(app, form.username)
    stale = form_data(first.get(url).get_data(as_text=True))
    fresh = form_data(second.get(url).get_data(as_text=True))
    assert form.field in stale, f"{form.field} not on the {name} form"
    newer, older = form.values

    saved = second.post(url, data={**fresh, form.field: newer})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    refused = first.post(url, data={**stale, form.field: older})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200 and REFUSED in page and "重新加载最新内容" in page
    with app.app_context():
        assert form.read(record_id) == newer
    # Reloading gives the newer record and a form that saves.
    reloaded = form_data(first.get(url).get_data(as_text=True))
    assert first.post(url, data={**reloaded, form.field: older}).status_code == 302
    with app.app_context():
        assert form.read(record_id) == older


def test_every_versioned_form_is_tried_above(app) -> None:
    views = [view for admin in app.extensions["admin"] for view in admin._views
             if isinstance(view, SecuredModelView) and issubclass(view.model, Versioned)
             # Without an edit form: sessions are ended, requests answered by their routes.
             and view.endpoint not in ("user_session", "reassignment_request")]
    assert {view.endpoint for view in views} == {form.endpoint for form in FORMS.values()}


def test_a_changed_part_raises_its_wholes_version(app) -> None:
    with app.app_context():
        opinion = db.session.scalar(sa.select(Opinion).where(_WITH_CONTACT).order_by(Opinion.id))
        version = opinion.version
        opinion.contacts[0].note = "只改了一条沟通记录"
        db.session.commit()
        assert opinion.version == version + 1
        co = db.session.scalar(sa.select(CoHandling).order_by(CoHandling.id))
        whole = co.opinion.version
        co.lead_grade = "较好" if co.lead_grade != "较好" else "好"
        db.session.commit()
        assert co.opinion.version == whole + 1
        deputy = db.session.scalar(sa.select(Deputy).where(Deputy.id.not_in(
            sa.select(Opinion.lead_deputy_id).where(Opinion.id == opinion.id))))
        opinion.cosigners.append(deputy)  # a collection only
        db.session.commit()
        assert opinion.version == version + 2


def test_a_stale_ruleset_form_cannot_undo_a_newer_save(app) -> None:
    first, second = _signed_in(app, "operator"), _signed_in(app, "operator")
    url = "/admin/assessment/rules/?year=2017"
    stale = form_data(first.get(url).get_data(as_text=True))
    fresh = form_data(second.get(url).get_data(as_text=True))
    field = "praise_cap"
    saved = second.post("/admin/assessment/rules/save/?year=2017",
                        data={**fresh, field: "4"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    refused = first.post("/admin/assessment/rules/save/?year=2017",
                         data={**stale, field: "2", "csrf_token": csrf_token(first, url)})
    assert REFUSED in refused.get_data(as_text=True)
    with app.app_context():
        (rules_2017,) = [r for r in stored_rulesets(db.session) if r.year == 2017]
        assert rules_2017.praise_cap == 4
