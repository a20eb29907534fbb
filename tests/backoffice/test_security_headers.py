"""Security headers on every kind of response: pages, downloads, static files, errors."""

import re

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from backoffice.security.headers import CONSTANT_HEADERS
from tests.backoffice.scoping import led_by
from tests.backoffice.test_attachments import _upload as upload_attachment

# The headers do not depend on the database.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def policy(response) -> dict[str, list[str]]:
    """Return the response's Content-Security-Policy, by directive."""
    directives = response.headers["Content-Security-Policy"].split(";")
    return {name: values for name, *values in (d.split() for d in directives)}


def nonce(response) -> str:
    (source,) = [s for s in policy(response)["script-src"] if s.startswith("'nonce-")]
    return source.removeprefix("'nonce-").removesuffix("'")


def assert_protected(response) -> None:
    """Assert the headers every response carries, whatever it holds."""
    csp = policy(response)
    assert csp["script-src"] == [f"'nonce-{nonce(response)}'"]  # no unsafe-*, no host
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert not any("unsafe-eval" in values for values in csp.values())
    for name, value in CONSTANT_HEADERS.items():
        assert response.headers[name] == value
    assert (response.headers["X-Frame-Options"], response.headers["Referrer-Policy"]) == (
        "DENY", "same-origin",
    )
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP


def assert_not_stored(response) -> None:
    assert_protected(response)
    assert response.headers["Cache-Control"] == "no-store"


def script_nonces(page: str) -> list[str | None]:
    """Return the nonce of every script the page runs (None for one without)."""
    tags = [
        tag for tag in re.findall(r"<script\b[^>]*>", page)
        if 'type="application/json"' not in tag  # data, never run
    ]
    return [(re.search(r'nonce="([^"]+)"', tag) or [None, None])[1] for tag in tags]


def test_the_sign_in_page_is_protected_and_not_stored(client) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    assert_not_stored(response)


@pytest.mark.parametrize("url", ["/admin/", "/admin/opinion/", "/admin/opinion/new/"])
def test_signed_in_pages_are_protected_not_stored_and_their_scripts_carry_the_nonce(
    as_user, url
) -> None:
    response = as_user("operator").get(url)
    assert response.status_code == 200
    assert_not_stored(response)
    scripts = script_nonces(response.get_data(as_text=True))
    assert len(scripts) >= 5
    assert set(scripts) == {nonce(response)}


def test_the_nonce_is_new_in_every_response(as_user) -> None:
    client = as_user("operator")
    responses = [client.get("/admin/opinion/") for _ in range(3)]
    nonces = [nonce(r) for r in responses]
    assert len(set(nonces)) == 3
    assert all(len(n) >= 22 for n in nonces)  # 128 bits or more, base64
    for response in responses:
        assert set(script_nonces(response.get_data(as_text=True))) == {nonce(response)}


def test_an_export_download_is_not_stored(as_user) -> None:
    response = as_user("operator").get("/admin/opinion/export/xlsx/")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert_not_stored(response)


def test_an_attachment_download_is_not_stored(as_user, app) -> None:
    with app.app_context():
        opinion_id = led_by("浦江镇").id
    client = as_user("pujiang")
    upload_attachment(client, opinion_id, "答复函.pdf", b"%PDF-1.4 reply")
    page = client.get(f"/admin/opinion/details/?id={opinion_id}").get_data(as_text=True)
    (download,) = set(re.findall(r'href="(/admin/opinion/attachment/\?id=\d+)"', page))
    with client.get(download) as response:
        assert response.data == b"%PDF-1.4 reply"
        assert_not_stored(response)


@pytest.mark.parametrize(
    "url",
    [
        "/static/behaviour.js",
        "/admin/static/vendor/jquery.min.js?v=3.5.1",
        "/admin/plotly.min.js",
    ],
)
def test_static_assets_stay_cacheable(as_user, url) -> None:
    client = as_user("operator")
    with client.get(url) as response:
        assert response.status_code == 200
        assert_protected(response)
        assert "no-store" not in response.headers.get("Cache-Control", "")
    # A browser keeps it and asks only whether it changed.
    with client.get(url, headers={"If-None-Match": response.headers["ETag"]}) as again:
        assert again.status_code == 304


@pytest.mark.parametrize("signed_in", [False, True])
def test_an_error_page_is_protected_and_not_stored(client, as_user, signed_in) -> None:
    if signed_in:
        as_user("operator")
    response = client.get("/admin/no-such-page/")
    assert response.status_code == 404
    assert_not_stored(response)


def test_hsts_only_over_https_as_the_app_sees_it(client, app) -> None:
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    # A client's own X-Forwarded-Proto is not believed: the app trusts no proxy by default.
    spoofed = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers

    app.config["HSTS_MAX_AGE"] = None
    assert "Strict-Transport-Security" not in client.get(
        "/login", base_url="https://localhost"
    ).headers


def test_hsts_behind_a_proxy_the_deployment_trusts(client, app) -> None:
    app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1)
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
