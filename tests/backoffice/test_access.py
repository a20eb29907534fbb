"""A unit user sees and changes only its own opinions, on every path; leaders change nothing."""

import csv
import io
import re

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import Attachment, CoHandling, Opinion
from tests.backoffice.scoping import co_handled_by, led_by, unrelated_to, visible_count
from tests.conftest import csrf_token

UNIT = "浦江镇"


@pytest.fixture
def opinions(app):
    with app.app_context():
        return {
            "led": led_by(UNIT).id,
            "co": co_handled_by(UNIT).id,
            "foreign": unrelated_to(UNIT).id,
            "visible": visible_count(UNIT),
        }


def test_list_and_count_show_only_the_units_opinions(as_user, opinions) -> None:
    client = as_user("pujiang")
    page = client.get("/admin/opinion/?page_size=500").get_data(as_text=True)
    assert f"({opinions['visible']})" in page
    ids = {int(i) for i in re.findall(r'name="rowid" value="(\d+)"', page)}
    details = {int(i) for i in re.findall(r"/admin/opinion/details/\?id=(\d+)", page)}
    shown = ids | details
    assert opinions["led"] in shown and opinions["co"] in shown
    assert opinions["foreign"] not in shown
    assert len(details) == opinions["visible"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/opinion/details/?id={id}"),
        ("get", "/admin/opinion/edit/?id={id}"),
        ("post", "/admin/opinion/edit/?id={id}"),
        ("get", "/admin/opinion/attachment/?id={attachment}"),
        ("post", "/admin/opinion/attachments/"),
    ],
)
def test_another_units_opinion_is_not_found(as_user, app, opinions, method, path) -> None:
    with app.app_context():
        attachment = Attachment(
            opinion_id=opinions["foreign"], kind="其他", original_name="答复函.pdf",
            stored_name="x.pdf", content_type="application/pdf", size=1, uploaded_by="admin",
        )
        db.session.add(attachment)
        db.session.commit()
        attachment_id = attachment.id
    client = as_user("pujiang")
    token = csrf_token(client, "/admin/opinion/")
    url = path.format(id=opinions["foreign"], attachment=attachment_id)
    data = {"csrf_token": token, "opinion_id": opinions["foreign"], "accepted_on": "2017-02-21"}
    response = client.get(url) if method == "get" else client.post(url, data=data)
    assert response.status_code == 404


def test_delete_and_actions_are_forbidden_to_units(as_user, opinions) -> None:
    client = as_user("pujiang")
    token = csrf_token(client, "/admin/opinion/")
    for rowid in (opinions["foreign"], opinions["led"]):
        delete = client.post("/admin/opinion/delete/", data={"id": rowid, "csrf_token": token})
        assert delete.status_code == 403
        action = client.post(
            "/admin/opinion/action/",
            data={"action": "delete", "rowid": rowid, "csrf_token": token},
        )
        assert action.status_code == 403


def test_export_holds_only_the_units_opinions(as_user, opinions) -> None:
    response = as_user("pujiang").get("/admin/opinion/export/csv/")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) - 1 == opinions["visible"]


def test_ajax_lookup_offers_only_visible_opinions(as_user, app, opinions) -> None:
    client = as_user("pujiang")
    response = client.get("/admin/co_handling/ajax/lookup/?name=opinion&query=0&limit=500")
    offered = {row[0] for row in response.get_json()}
    assert opinions["foreign"] not in offered
    assert {opinions["led"], opinions["co"]} <= offered


def test_co_handler_reads_but_cannot_edit_the_lead_units_opinion(as_user, opinions) -> None:
    client = as_user("pujiang")
    assert client.get(f"/admin/opinion/details/?id={opinions['co']}").status_code == 200
    assert client.get(f"/admin/opinion/edit/?id={opinions['co']}").status_code == 403


def test_unit_edits_only_the_fields_a_unit_fills_in(as_user, app, opinions) -> None:
    client = as_user("pujiang")
    url = f"/admin/opinion/edit/?id={opinions['led']}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="accepted_on"' in page and 'name="replied_on"' in page
    assert 'name="title"' not in page and 'name="lead_unit"' not in page
    with app.app_context():
        before = db.session.get(Opinion, opinions["led"])
        title, version = before.title, before.version
        accepted = before.accepted_on
    data = {
        "csrf_token": csrf_token(client, url),
        "expected_version": str(version),
        "title": "篡改的标题",
        "accepted_on": accepted.isoformat(),
    }
    response = client.post(url, data=data)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Opinion, opinions["led"]).title == title


def test_unit_edits_its_own_co_handling_only(as_user, app, opinions) -> None:
    client = as_user("pujiang")
    with app.app_context():
        own = db.session.scalar(
            sa.select(CoHandling.id).where(CoHandling.opinion_id == opinions["co"])
            .where(CoHandling.unit.has(name=UNIT))
        )
        other = db.session.scalar(
            sa.select(CoHandling.id).where(CoHandling.opinion_id != opinions["co"])
            .where(~CoHandling.unit.has(name=UNIT))
            .where(CoHandling.opinion_id.not_in([opinions["led"]]))
            .order_by(CoHandling.id.desc())
        )
    assert client.get(f"/admin/co_handling/edit/?id={own}").status_code == 200
    assert client.get(f"/admin/co_handling/edit/?id={other}").status_code in (403, 404)


# Refused by the policy (roles and routes) before any row is read.
@pytest.mark.parametrize("path", ["/admin/user/", "/admin/audit/", "/admin/calendar/new/"])
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_admin_screens_are_closed_to_units_and_leaders(as_user, path) -> None:
    assert as_user("pujiang").get(path).status_code == 403


def test_leader_reads_everything_and_changes_nothing(as_user, opinions) -> None:
    client = as_user("leader")
    foreign = opinions["foreign"]
    assert client.get(f"/admin/opinion/details/?id={foreign}").status_code == 200
    assert client.get(f"/admin/opinion/edit/?id={foreign}").status_code == 403
    assert client.get("/admin/opinion/new/").status_code == 403
    token = csrf_token(client, "/admin/opinion/")
    delete = client.post("/admin/opinion/delete/", data={"id": foreign, "csrf_token": token})
    assert delete.status_code == 403
    assert client.get("/admin/audit/").status_code == 403


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_signed_out_visitors_are_sent_to_sign_in(client) -> None:
    response = client.get("/admin/opinion/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
