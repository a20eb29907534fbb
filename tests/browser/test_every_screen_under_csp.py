"""Every screen the menu leads to, and every kind of page linked from those, loads under
the Content-Security-Policy with no violation and no script error (the conftest checks).
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error

pytestmark = [
    pytest.mark.browser,
    # The policy and the templates do not depend on the database.
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def _links(page, selector: str) -> dict[str, str]:
    """Return the first link to each admin path under selector, by path."""
    hrefs = page.eval_on_selector_all(selector, "links => links.map(a => a.href)")
    links: dict[str, str] = {}
    for href in hrefs:
        path = urlsplit(href).path.rstrip("/") + "/"
        if path.startswith("/admin/"):
            links.setdefault(path, href)
    return links


def _visit(page, url: str) -> bool:
    """Open url; return False when it answers a file (an export) rather than a page."""
    try:
        response = page.goto(url)
    except Error as error:
        if "Download is starting" in error.message:
            return False
        raise
    assert response.status == 200, url
    return True


def test_every_screen_an_admin_reaches_runs_its_scripts_under_the_policy(
    page, sign_in_as
) -> None:
    sign_in_as("operator")
    screens = _links(page, "nav a[href]")
    assert len(screens) > 15
    linked: dict[str, str] = {}
    for url in screens.values():
        if _visit(page, url):
            # One page of each kind linked from the screen's body (a case file, an edit
            # form, a unit's ranking explanation, an import run...).
            for path, link in _links(page, ".container-fluid > :not(nav) a[href]").items():
                linked.setdefault(path, link)
    # A create form is its model's edit form without the values: one of the two will do.
    wanted = {
        path: url for path, url in linked.items()
        if path not in screens
        and not (path.endswith("/new/") and path.replace("/new/", "/edit/") in linked)
    }
    pages = [url for url in wanted.values() if _visit(page, url)]
    assert any("/edit/" in url for url in pages)
    assert any("/details/" in url for url in pages)
