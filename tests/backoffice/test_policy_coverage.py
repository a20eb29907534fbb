"""The access policy fails closed: every model and every route is classified, and what is
not named is refused."""

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_admin import expose

from backoffice import access
from backoffice.access import POLICY, Action
from backoffice.admin.pages import SecuredPage
from backoffice.models import Base, User
from tests.conftest import csrf_token

# Routes outside the admin guard: static files, signing in and out (the second factor
# included), one's own password (login_required) and the public ones.
UNGUARDED = {
    "static", "admin.static", "auth.login", "auth.logout", "auth.home",
    "auth.second_factor_check", "auth.second_factor_enrol", "account.password",
    *access.PUBLIC_ENDPOINTS,
}
READING = {"GET", "HEAD", "OPTIONS"}
# The policy is code (routes, views, roles): which database holds the rows changes nothing.
# Every screen opens on PostgreSQL as every role in test_nonsense_input.py.
POLICY_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _views(app: Flask) -> dict[str, object]:
    return {view.endpoint: view for admin in app.extensions["admin"] for view in admin._views}


def test_every_mapped_model_is_scoped_for_unit_users_and_deputies() -> None:
    mapped = {mapper.class_ for mapper in Base.registry.mappers}
    assert mapped - set(access.UNIT_VISIBLE) == set()
    assert mapped - set(access.DEPUTY_VISIBLE) == set()


@POLICY_ONLY
def test_every_route_is_guarded_and_every_change_declares_its_action(app) -> None:
    views = _views(app)
    unclassified = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNGUARDED:
            continue
        prefix, _, method = rule.endpoint.partition(".")
        view = views.get(prefix)
        if view is None:
            unclassified.append(f"{rule.endpoint}: no admin view guards it")
            continue
        if prefix == "admin":  # the home page: signed-in users, reads only
            assert rule.methods <= READING, rule
            continue
        assert getattr(view, "access_group", None) in POLICY, rule.endpoint
        if rule.methods - READING and method not in view.page_actions:
            unclassified.append(f"{rule.endpoint} {sorted(rule.methods - READING)}")
    assert unclassified == []


@POLICY_ONLY
def test_the_public_routes_are_declared_one_by_one_and_only_read(app) -> None:
    public = [rule for rule in app.url_map.iter_rules()
              if rule.endpoint in access.PUBLIC_ENDPOINTS or rule.endpoint.startswith("public.")]
    assert {rule.endpoint for rule in public} == access.PUBLIC_ENDPOINTS
    assert all(rule.methods <= READING for rule in public)


@POLICY_ONLY
def test_a_group_or_role_the_policy_does_not_name_may_do_nothing(app) -> None:
    with app.app_context():
        from backoffice.extensions import db

        operator = db.session.scalar(sa.select(User).where(User.username == "operator"))
        assert not access.allowed(operator, "no_such_group", Action.VIEW)
        operator.role = "somebody"
        assert not access.allowed(operator, "opinions", Action.VIEW)
        db.session.rollback()


class _Undeclared(SecuredPage):
    access_group = "opinions"

    @expose("/", methods=("GET", "POST"))
    def index(self) -> str:
        return "reached"


@pytest.fixture
def app_with_undeclared_page(app):
    admin = app.extensions["admin"][0]
    # Registering a view after the first request is refused by Flask: do it on a fresh app.
    admin.add_view(_Undeclared(name="未声明", endpoint="undeclared"))
    return app


@POLICY_ONLY
def test_a_post_without_a_declared_action_is_refused(app_with_undeclared_page) -> None:
    from tests.conftest import sign_in

    client = app_with_undeclared_page.test_client()
    sign_in(client, "operator")
    assert client.get("/admin/undeclared/").get_data(as_text=True) == "reached"
    token = csrf_token(client, "/admin/opinion/")
    assert client.post("/admin/undeclared/", data={"csrf_token": token}).status_code == 403


@pytest.mark.parametrize(
    ("username", "may", "may_not"),
    [
        ("operator", ["/admin/opinion/", "/admin/imports/"],
         ["/admin/user/", "/admin/audit/"]),
        ("sysadmin", ["/admin/user/", "/admin/unit/", "/admin/calendar/"],
         ["/admin/opinion/", "/admin/imports/", "/admin/audit/", "/admin/assessment/"]),
        ("auditor", ["/admin/audit/"],
         ["/admin/opinion/", "/admin/user/", "/admin/unit/", "/admin/imports/",
          "/admin/user/edit/?id=1", "/admin/unit/new/"]),
    ],
)
@POLICY_ONLY
def test_each_duty_opens_its_screens_only(as_user, username, may, may_not) -> None:
    client = as_user(username)
    for url in may:
        assert client.get(url).status_code == 200, url
    for url in may_not:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("username", ["auditor", "sysadmin"])
@POLICY_ONLY
def test_the_auditor_and_the_system_administrator_see_no_dashboard(as_user, username) -> None:
    page = as_user(username).get("/admin/").get_data(as_text=True)
    assert "请从下列入口开始工作" in page and "/admin/opinion/" not in page
