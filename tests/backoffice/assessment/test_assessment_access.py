"""Who may open each assessment page: admins everything; leaders read but change nothing;
a unit user only its own unit's explanation in published results; the signed-out nothing."""

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import AssessmentRuleset, PublishedAssessment
from tests.backoffice.html_forms import form_data
from tests.conftest import csrf_token, sign_in

PERIOD = "year=2017&as_of=2017-12-15"


def _pages(version: int) -> dict[str, str]:
    """Return every GET entry point of the assessment pages, by a short name."""
    return {
        "ranking": f"/admin/assessment/?{PERIOD}",
        "explanation": f"/admin/assessment/unit/?{PERIOD}&unit=浦江镇",
        "sheet": f"/admin/assessment/export/?{PERIOD}",
        "rules": "/admin/assessment/rules/?year=2017",
        "versions": "/admin/assessment/published/",
        "version": f"/admin/assessment/published/details/?id={version}",
        "own published explanation": f"/admin/assessment/published/unit/?id={version}&unit=浦江镇",
        "other published explanation": (
            f"/admin/assessment/published/unit/?id={version}&unit=七宝镇"
        ),
        "version sheet": f"/admin/assessment/published/export/?id={version}",
    }


CHANGES = (
    "/admin/assessment/publish/",
    "/admin/assessment/rules/preview/",
    "/admin/assessment/rules/save/",
)


def _statuses(client, pages: dict[str, str]) -> dict[str, int]:
    return {name: client.get(url).status_code for name, url in pages.items()}


def _posts(client, admin_form: dict) -> dict[str, int]:
    token = csrf_token(client, "/admin/")
    data = {**admin_form, "year": "2017", "as_of": "2017-12-15", "csrf_token": token}
    return {url: client.post(url, data=data).status_code for url in CHANGES}


def _stored(app) -> tuple:
    with app.app_context():
        return (
            db.session.execute(sa.select(AssessmentRuleset.year, AssessmentRuleset.rules)).all(),
            db.session.scalars(sa.select(PublishedAssessment.id)).all(),
        )


def _rules_form(app) -> dict:
    client = app.test_client()
    sign_in(client, "operator")
    data = form_data(client.get("/admin/assessment/rules/?year=2017").get_data(as_text=True))
    return {key: value for key, value in data.items() if key != "csrf_token"}


def test_admin_opens_every_page_and_changes_rules_and_publishes(as_user, app, published_2017):
    form = _rules_form(app)
    client = as_user("operator")
    assert set(_statuses(client, _pages(published_2017)).values()) == {200}
    assert _posts(client, form) == {CHANGES[0]: 302, CHANGES[1]: 200, CHANGES[2]: 302}


def test_a_leader_reads_every_page_but_changes_nothing(as_user, app, published_2017) -> None:
    form = _rules_form(app)
    before = _stored(app)
    client = as_user("leader")
    assert set(_statuses(client, _pages(published_2017)).values()) == {200}
    rules = client.get("/admin/assessment/rules/?year=2017").get_data(as_text=True)
    assert "disabled" in rules and "保存规则" not in rules and "试算" not in rules
    ranking = client.get(_pages(published_2017)["ranking"]).get_data(as_text=True)
    assert "发布本结果" not in ranking
    assert _posts(client, form) == dict.fromkeys(CHANGES, 403)
    assert _stored(app) == before


def test_a_unit_reads_only_its_own_published_explanation(as_user, app, published_2017) -> None:
    form = _rules_form(app)
    before = _stored(app)
    client = as_user("pujiang")
    assert _statuses(client, _pages(published_2017)) == {
        "ranking": 403,
        "explanation": 403,
        "sheet": 403,
        "rules": 403,
        "versions": 200,
        "version": 403,
        "own published explanation": 200,
        "other published explanation": 404,
        "version sheet": 403,
    }
    assert _posts(client, form) == dict.fromkeys(CHANGES, 403)
    assert _stored(app) == before
    versions = client.get("/admin/assessment/published/").get_data(as_text=True)
    assert "本单位考核说明" in versions and "查看排名" not in versions
    # Its menu offers the published results only.
    assert "/admin/assessment/published/" in versions
    assert 'href="/admin/assessment/rules/' not in versions
    assert 'href="/admin/assessment/"' not in versions
    missing = f"/admin/assessment/published/unit/?id={published_2017 + 99}&unit=浦江镇"
    assert client.get(missing).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, app, published_2017) -> None:
    for url in _pages(published_2017).values():
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location, url
    token = csrf_token(client, "/login")
    for url in CHANGES:
        response = client.post(url, data={"year": "2017", "csrf_token": token})
        assert response.status_code == 302 and "/login" in response.location, url
