"""Nonsense in any query parameter, path part or form value answers 4xx, never 5xx.

The screens are found by walking the app as each role of the fixtures and signed out
(tests/backoffice/site_walk.py), on SQLite and PostgreSQL: a new view or page, a new
filter or a new parameter a page reads is walked without a change here. To keep the
walk to seconds, each kind of parameter gets the nonsense once (`parameter_kind`,
`field_kind`: `page` reads the same on every list, a date filter as every date filter
of its class); NONSENSE_WALK=every sends it to every parameter of every screen.
"""

import io
import os
import re
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import sqlalchemy as sa
from flask import Flask

from backoffice.extensions import db
from backoffice.models import User
from tests.backoffice.html_forms import page_forms
from tests.backoffice.imports.tables import NEW_SESSION, assignment_list, opinion_row
from tests.backoffice.site_walk import (
    SiteMap,
    Target,
    Walker,
    field_kind,
    filter_parameters,
    is_integer_argument,
    model_views,
    parameter_kind,
    sortable_indexes,
)
from tests.conftest import sign_in

SIGNED_OUT = "signed out"
# Each role walks every screen it may open; a kind of parameter gets its nonsense from the
# first role that meets it. The office's role comes last: its deletes end the walk.
ROLES = ("leader", "pujiang", SIGNED_OUT, "auditor", "sysadmin", "operator")
EVERY = os.environ.get("NONSENSE_WALK") == "every"

# What a careless hand, an old bookmark or an attacker puts in a parameter or a field.
NONSENSE: dict[str, str | tuple[str, ...]] = {
    "huge integer": "99999999999999999999",
    "negative": "-1",
    "not a number": "abc",
    "empty": "",
    "long": "长" * 3000,
    "NUL byte": "1\x00",
    "unicode": "２０１７😀\u202e",
    "impossible date": "2017-02-30",
    "first day": "0001-01-01",
    "last day": "9999-12-31",
    "LIKE wildcards and quotes": "%_\\'\"--",
    "repeated": ("abc", "1"),
}
# A form's values are bound, never matched: wildcards and quotes are text like any other.
FORM_NONSENSE = {
    label: value for label, value in NONSENSE.items()
    if label not in ("unicode", "LIKE wildcards and quotes")
}
PATH_NONSENSE = {
    "int": {"huge integer": "99999999999999999999", "zero": "0"},
    "text": {"not a name": "abc", "dots": "..", "NUL byte": "%00", "long": "长" * 300},
}
# A list or an export walked from this search selects no row: a request costs the checks
# of its arguments, not showing or writing rows (the walk's first visit shows them). The
# search itself gets the nonsense on the list. Exports are fuzzed as CSV, the cheapest
# writer of the list's rows, and before the lists: a filter then gets its nonsense there.
NO_ROW = "无此记录"
# A page every signed-in user opens, cheaply: the walk's session is alive while it answers.
OWN_PAGE = "/account/password"


def _with(url: str, name: str, value: str | tuple[str, ...]) -> str:
    """Return url with the parameter's values replaced by value (a tuple repeats it)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    query += [(name, v) for v in (value if isinstance(value, tuple) else (value,))]
    return f"{parts.path}?{urlencode(query)}"


class Findings:
    """Collect the failed requests, said so a reader can repeat them, and the kinds fuzzed."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self._kinds_seen: set[Hashable] = set()
        self.walker: Walker
        self.role = ""

    def walking(self, walker: Walker, role: str) -> None:
        self.walker, self.role = walker, role

    def first_of_kind(self, kind: Hashable) -> bool:
        """Tell whether no parameter of this kind was fuzzed yet (always, walking every)."""
        if EVERY or kind not in self._kinds_seen:
            self._kinds_seen.add(kind)
            return True
        return False

    def request(self, method: str, url: str, what: str, **kwargs: Any) -> Any:
        """Send the request; note it if the app crashed or answered 5xx."""
        response, _ = self.walker.request(method, url, **kwargs)
        if isinstance(response, Exception):
            self.failures.append(f"{self.role} {method} {what}: {response!r:.300}")
        elif response.status_code >= 500:
            self.failures.append(f"{self.role} {method} {what}: {response.status_code}")
        return response

    def expect(self, response: Any, status: int, what: str) -> None:
        if not isinstance(response, Exception) and response.status_code != status:
            self.failures.append(f"{self.role} {what}: {response.status_code}, not {status}")


def _searchable(app: Flask, entry: str) -> set[str]:
    """Return the endpoints of the entry (index_view, export) of every searchable list."""
    return {f"{e}.{entry}" for e, view in model_views(app).items() if view.column_searchable_list}


def _narrowing(app: Flask) -> Callable[[str, str], str]:
    """Return the walk's hook that narrows each searchable list's export to no row."""
    exports = _searchable(app, "export")

    def narrowed(endpoint: str, url: str) -> str:
        return _with(url, "search", NO_ROW) if endpoint in exports else url

    return narrowed


def _fuzzed(findings: Findings, names: Iterable[str], kind: Callable[[str], Hashable]) -> list:
    return [name for name in sorted(names) if findings.first_of_kind(kind(name))]


def _query_nonsense(findings: Findings, target: Target) -> None:
    app = findings.walker.app
    views = model_views(app)
    url = target.url
    if target.endpoint in _searchable(app, "index_view") | _searchable(app, "export"):
        url = _with(url, "search", NO_ROW)
    if target.endpoint.endswith(".export"):
        url = re.sub(r"/export/\w+/", "/export/csv/", url)
    names = _fuzzed(findings, target.names,
                    lambda name: parameter_kind(views, target.endpoint, name))
    for name in names:
        if name == "search" and target.endpoint.endswith(".export"):
            continue  # the narrowing; the list gets the nonsense
        for label, value in NONSENSE.items():
            findings.request("GET", _with(url, name, value), f"{target.endpoint} {name}={label}")


def _list_sense(findings: Findings, site: SiteMap) -> None:
    """Every sortable column and a choice of every kind of filter still list (200)."""
    app = findings.walker.app
    for endpoint, view in model_views(app).items():
        target = site.gets.get(f"{endpoint}.index_view")
        if target is None or not target.answered or not findings.first_of_kind(target.endpoint):
            continue
        urls = [_with(_with(target.url, "sort", str(i)), "desc", "1")
                for i in sortable_indexes(view)]
        with app.test_request_context():
            for name, flt in zip(filter_parameters(view), view._filters or (), strict=True):
                options = flt.get_options(view)
                kind = ("choice", parameter_kind(model_views(app), target.endpoint, name))
                if options and findings.first_of_kind(kind):
                    urls.append(_with(target.url, name, str(options[0][0])))
        for url in urls:
            findings.expect(findings.request("GET", url, url), 200, f"GET {url}")


def _path_nonsense(findings: Findings, site: SiteMap, mapped_only: bool) -> None:
    walker = findings.walker
    views = model_views(walker.app)
    for rule in walker.app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint.endswith("static"):
            continue
        known = site.gets.get(rule.endpoint) or site.posts.get(rule.endpoint)
        if mapped_only and known is None:
            continue
        # Per role: whether the role may open the screen shows only once it is routed.
        path_parts = "<{}>".format(",".join(sorted(rule.arguments)))
        kind = (findings.role, parameter_kind(views, rule.endpoint, path_parts))
        if not findings.first_of_kind(kind):
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        values = {arg: "1" if is_integer_argument(rule, arg) else "xlsx" for arg in rule.arguments}
        if known is not None:
            values |= walker.adapter.match(urlsplit(known.url).path, method=method)[1]
        for name in sorted(rule.arguments):
            kind = "int" if is_integer_argument(rule, name) else "text"
            for label, value in PATH_NONSENSE[kind].items():
                parts = {arg: quote(str(v)) for arg, v in values.items()}
                parts[name] = value if value == "%00" else quote(value)
                findings.request(method, _path(rule.rule, parts),
                                 f"{rule.endpoint} <{name}>={label}")


def _path(rule: str, parts: dict[str, str]) -> str:
    """Return the rule's path with each <converter:argument> replaced by its part."""
    return re.sub(r"<(?:[^<>]*:)?(\w+)>", lambda match: parts[match.group(1)], rule)


def _form_nonsense(findings: Findings, target: Target) -> None:
    fields = dict(target.fields)

    def data(**changes: Any) -> dict[str, Any]:
        files = {name: (io.BytesIO(b"not a workbook"), "nonsense.xlsx") for name in target.files}
        return {**fields, **changes, **files}

    views = model_views(findings.walker.app)
    names = _fuzzed(findings, target.names - {"csrf_token"},
                    lambda name: field_kind(views, target, name))
    for name in names:
        for label, value in FORM_NONSENSE.items():
            value = list(value) if isinstance(value, tuple) else value
            response = findings.request("POST", target.url, f"{target.endpoint} {name}={label}",
                                        data=data(**{name: value}))
            if getattr(response, "status_code", None) in (302, 303):
                # Saved: the form's next post is made from the page as it is now (a stale
                # version would be refused before the value got anywhere).
                fields = findings.walker.form_again(target) or fields
    if "csrf_token" in target.fields and findings.first_of_kind(
        field_kind(views, target, "csrf_token")
    ):
        unsigned = {k: v for k, v in data().items() if k != "csrf_token"}
        response = findings.request("POST", target.url, f"{target.endpoint} without CSRF",
                                    data=unsigned)
        findings.expect(response, 400, f"POST {target.endpoint} without CSRF")


def _forms(site: SiteMap) -> tuple[list[Target], list[Target]]:
    """Return the forms to post and, apart, the delete forms.

    A create form has its edit form's fields and gives way to it: the edit form's other
    values are valid, so a nonsense value that passes its field is saved, as it would be.
    """
    forms = [
        target for endpoint, target in site.posts.items()
        if not endpoint.endswith(".create_view")
        or endpoint.replace(".create_view", ".edit_view") not in site.posts
    ]
    deletes = [target for target in forms if target.endpoint.endswith(".delete_view")]
    return [target for target in forms if target not in deletes], deletes


def _walked_everywhere(walker: Walker, site: SiteMap) -> None:
    """Fail if the walk missed a page or a form it should have found (a broken walk)."""
    rules = {
        rule.endpoint for rule in walker.app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and not rule.endpoint.endswith("static")
    }
    assert rules <= set(site.gets), rules - set(site.gets)
    for endpoint in model_views(walker.app):
        edit = site.gets.get(f"{endpoint}.edit_view")
        if edit is not None and edit.answered:
            assert f"{endpoint}.edit_view" in site.posts, f"no form found on {edit.url}"


def _fuzz(findings: Findings, site: SiteMap, mapped_only: bool = False) -> None:
    """Send the nonsense to each kind of parameter, path part and field (mapped ones only)."""
    # A screen the role may not open gets no nonsense: it refuses before it reads any.
    opened = [target for target in site.gets.values() if not target.refused]
    for target in sorted(opened, key=lambda t: not t.endpoint.endswith(".export")):
        _query_nonsense(findings, target)
    _list_sense(findings, site)
    _path_nonsense(findings, site, mapped_only)
    forms, deletes = _forms(site)
    signed_in = findings.role != SIGNED_OUT
    for target in forms:
        _form_nonsense(findings, target)
        # Asked of a signed-in page quicker than the home page (its dashboard takes ~0.2 s),
        # which is asked once the forms are done.
        if signed_in and not findings.walker.signed_in(OWN_PAGE):
            findings.failures.append(f"{findings.role}: posting {target.endpoint} ended the "
                                     "walk's session; list it in site_walk.NOT_POSTED")
            return
    if forms and signed_in and not findings.walker.signed_in():
        findings.failures.append(f"{findings.role}: after the forms the walk's session no "
                                 "longer opens the home page")
        return
    # What the forms saved must not break a page; what deletes remove is meant to go.
    for target in site.gets.values() if forms else ():
        if target.html:
            findings.request("GET", target.url, f"{target.endpoint} after the forms")
    for target in deletes:
        _form_nonsense(findings, target)


def _signed_in(app: Flask, role: str) -> Walker:
    client = app.test_client()
    if role == SIGNED_OUT:
        return Walker(app, client, narrowed=_narrowing(app))
    assert sign_in(client, role).status_code == 302
    with app.app_context():
        own_id = db.session.scalar(sa.select(User.id).where(User.username == role))
    return Walker(app, client, own_id, _narrowing(app))


def test_nonsense_never_fails_a_screen(app: Flask) -> None:
    findings = Findings()
    for role in ROLES:
        findings.walking(_signed_in(app, role), role)
        site = findings.walker.map_site()
        _walked_everywhere(findings.walker, site)
        _fuzz(findings, site)
    assert not findings.failures, "\n".join(findings.failures)


def test_nonsense_never_fails_what_an_upload_leads_to(app: Flask, tmp_path: Path) -> None:
    """The import's preview, its options and apply are reached only by uploading a sheet."""
    findings = Findings()
    findings.walking(_signed_in(app, "operator"), "operator")
    client = findings.walker.client
    upload = next(f for f in page_forms(client.get("/admin/imports/").get_data(as_text=True))
                  if f.files)
    with app.app_context():
        # A row in error, so that the preview offers the annotated file too.
        rows = [opinion_row(1), opinion_row(2, 主办单位="无此单位")]
        sheet = assignment_list(tmp_path / "交办清单.xlsx", rows)
    response = client.post(upload.action, data={
        **upload.fields, "session": "__new__", "new_session_name": NEW_SESSION,
        "new_session_year": "2018", upload.files[0]: (io.BytesIO(sheet.read_bytes()), sheet.name),
    })
    assert "/preview/" in response.location, response.get_data(as_text=True)
    site = findings.walker.map_site(start=[response.location], rounds=2, within="imports.")
    assert {"imports.preview", "imports.annotated_upload"} <= set(site.gets)
    assert {"imports.options", "imports.apply"} <= set(site.posts)
    _fuzz(findings, site, mapped_only=True)
    assert not findings.failures, "\n".join(findings.failures)
