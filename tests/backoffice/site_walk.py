"""Find every screen a signed-in user can reach and what each one reads (test helper).

The map comes from the app itself, so a new view or page is walked without a change
here: every rule of `app.url_map`, the links and forms the pages show, each model
view's filters, sortable columns and ajax lookups, and the parameters a page asks
`request.args` / `request.form` for while it answers (recorded, not listed by hand).
"""

import html
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from flask import Flask, Request
from flask.testing import FlaskClient
from flask_admin.model import BaseModelView
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, Rule

from backoffice.models import User
from tests.backoffice.html_forms import Fields, page_forms

# The parameters Flask-Admin's list reads besides its filters (flt<position>_<index>).
LIST_PARAMETERS = ("page", "page_size", "sort", "desc", "search")
# Forms that end the walker's own session: signing out, a new password, ending sessions.
NOT_POSTED = {"auth.logout", "account.password", "user_session.action_view",
              "user.action_view"}
MAX_VISITS = 3  # pages visited per endpoint while mapping
_NUMBER = re.compile(r"\d+")
_OWN_FORMS = {"edit_view", "create_view"}

_READS: set[str] = set()


class _RecordingDict(ImmutableMultiDict):
    """Query or form values that note which names the app asks for."""

    def __getitem__(self, key: Any) -> Any:
        _READS.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        _READS.add(str(key))
        return super().__contains__(key)

    def getlist(self, key: Any, type: Any = None) -> list:
        _READS.add(key)
        return super().getlist(key, type=type)


class RecordingRequest(Request):
    """A request whose query and form values note the names the app reads."""

    parameter_storage_class = _RecordingDict


@dataclass
class Target:
    """One entry point: a URL to start from and the names worth sending nonsense in."""

    endpoint: str
    method: str
    url: str
    names: set[str] = field(default_factory=set)
    fields: Fields = field(default_factory=dict)  # a form's own values (POST)
    kinds: dict[str, str] = field(default_factory=dict)  # each field's kind of input
    files: list[str] = field(default_factory=list)
    page: str = ""  # where the form is (POST)
    answered: bool = False  # url answered 200
    html: bool = False  # with a page (not a download)
    refused: bool = False  # the user may not open it (403, or sent to sign in)
    visits: int = 0


@dataclass
class SiteMap:
    gets: dict[str, Target] = field(default_factory=dict)
    posts: dict[str, Target] = field(default_factory=dict)


def model_views(app: Flask) -> dict[str, BaseModelView]:
    """Return the app's Flask-Admin model views by endpoint."""
    admin = app.extensions["admin"][0]
    return {v.endpoint: v for v in admin._views if isinstance(v, BaseModelView)}


def filter_parameters(view: BaseModelView) -> list[str]:
    """Return the query parameter of each of the view's list filters."""
    return [f"flt0_{view.get_filter_arg(i, flt)}" for i, flt in enumerate(view._filters or ())]


def sortable_indexes(view: BaseModelView) -> list[int]:
    """Return the `sort` values that name a sortable column of the view's list."""
    return [i for i, (name, _) in enumerate(view._list_columns) if name in view._sortable_columns]


# A parameter each list reads against its own columns; the others a list reads the same
# way whatever its model.
_PER_VIEW = {"search", "name", "query"}


def parameter_kind(views: dict[str, BaseModelView], endpoint: str, name: str) -> Hashable:
    """Return what a parameter is, as far as reading it goes.

    Model views share Flask-Admin's entry points (index_view, export, details_view …), so
    `page` on one list reads as on every list; a filter reads by its class, its column's
    type and whether it offers choices, on a list as on its export (the list's query); a
    custom page's parameters are its own.
    """
    view_endpoint, _, entry = endpoint.partition(".")
    view = views.get(view_endpoint)
    if view is None:
        return endpoint, name
    arg = name.partition("_")[2]
    if name.startswith("flt") and arg in (view._filter_args or {}):
        flt = view._filter_args[arg][1]
        column_type = type(getattr(getattr(flt, "column", None), "type", None))
        return "filter", type(flt), column_type, bool(flt.options)
    return (entry, name, view_endpoint) if name in _PER_VIEW else (entry, name)


def field_kind(views: dict[str, BaseModelView], target: Target, name: str) -> Hashable:
    """Return what a form field is, as far as reading it goes.

    A model's own form (edit, create) reads each kind of input once (a hidden one, an id,
    by its name), the child rows of a form (contacts-0-note, contacts-1-note) and numbered
    fields (map_source_3) as one; the forms every model view shares (delete, actions) read
    the same whatever the model; a custom page's fields are its own.
    """
    view_endpoint, _, entry = target.endpoint.partition(".")
    form = target.endpoint if view_endpoint not in views or entry in _OWN_FORMS else entry
    kind = target.kinds.get(name, "")
    numbered = _NUMBER.sub("0", name)
    child_rows = numbered.partition("-0-")[0] if "-0-" in numbered else ""
    return (form, numbered) if kind in ("", "input:hidden") else (form, kind, child_rows)


def _query_names(url: str) -> set[str]:
    return {name for name, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)}


def _links(url: str, page: str) -> list[str]:
    return [urljoin(url, html.unescape(href)) for href in re.findall(r'href="([^"#]+)"', page)]


def is_integer_argument(rule: Rule, name: str) -> bool:
    return isinstance(rule._converters[name], IntegerConverter)


class Walker:
    """Request pages as one signed-in client, noting what each page reads."""

    def __init__(
        self,
        app: Flask,
        client: FlaskClient,
        own_user_id: int | None = None,
        narrowed: Callable[[str, str], str] = lambda endpoint, url: url,
    ) -> None:
        app.request_class = RecordingRequest
        # Flask-Admin shows a failed save as a message with the database's error in it;
        # the walk wants to see it as what it is.
        app.config["FLASK_ADMIN_RAISE_ON_VIEW_EXCEPTION"] = True
        self.app = app
        self.client = client
        self.adapter = app.url_map.bind("localhost")
        # The walk leaves its own account alone: changing it would end the walk's session.
        views = model_views(app)
        self.own_account = {
            f"{endpoint}.{page}" for endpoint, view in views.items() if view.model is User
            for page in ("edit_view", "delete_view", "details_view")
        } if own_user_id is not None else set()
        self.own_user_id = str(own_user_id or "")
        # Turns a URL into the one to walk (an export narrowed to a few rows, say).
        self.narrowed = narrowed
        self.within = ""

    def _own_account(self, endpoint: str, values: dict[str, Any]) -> bool:
        return endpoint in self.own_account and values.get("id") == self.own_user_id

    def request(self, method: str, url: str, **kwargs: Any) -> tuple[Any, set[str]]:
        """Return the response (or the exception the app raised) and the names read."""
        _READS.clear()
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as error:  # the app crashed: that is what the walk looks for
            return error, set(_READS)
        response.get_data()  # read a streamed file whole, then let it go
        response.close()
        return response, set(_READS)

    def endpoint(self, url: str, method: str = "GET") -> str | None:
        """Return the endpoint the URL names, if any."""
        try:
            endpoint, _args = self.adapter.match(urlsplit(url).path, method=method)
        except HTTPException:
            return None
        return endpoint

    def map_site(
        self, start: list[str] | None = None, rounds: int = 3, within: str = ""
    ) -> SiteMap:
        """Walk from start (default: each rule without path arguments), following links."""
        self.within = within  # follow links only to endpoints whose names begin so
        site = SiteMap()
        views = model_views(self.app)
        queue = start if start is not None else self._rules_without_arguments(views)
        seen: set[str] = set()
        for round_ in range(rounds):
            found: list[str] = []
            for url in queue:
                if url in seen or (round_ and not self._worth_following(url, site)):
                    continue
                seen.add(url)
                found += self._visit(url, site, views)
            queue = found
        return site

    def _rules_without_arguments(self, views: dict[str, BaseModelView]) -> list[str]:
        """Return a URL of each GET rule without path arguments (an ajax lookup with a name)."""
        queue: list[str] = []
        for rule in self.app.url_map.iter_rules():
            if rule.endpoint.endswith("static") or "GET" not in rule.methods:
                continue
            if rule.arguments:
                continue
            url = rule.rule
            view_name, _, method_name = rule.endpoint.partition(".")
            if method_name == "ajax_lookup" and views.get(view_name):
                refs = list(views[view_name]._form_ajax_refs)
                if refs:
                    url += f"?name={refs[0]}&query=a"
            queue.append(url)
        return queue

    def _visit(self, url: str, site: SiteMap, views: dict[str, BaseModelView]) -> list[str]:
        """Note the page's target and forms; return the links worth following."""
        endpoint = self.endpoint(url)
        if endpoint is None:
            return []
        url = self.narrowed(endpoint, url)
        response, reads = self.request("GET", url)
        target = site.gets.get(endpoint)
        if target is None:
            target = site.gets[endpoint] = Target(endpoint, "GET", url)
        target.visits += 1
        refused = not isinstance(response, Exception) and (
            response.status_code == 403
            or (response.status_code == 302 and "/login" in (response.location or ""))
        )
        target.refused = refused and (target.refused or target.visits == 1)
        answered = not isinstance(response, Exception) and response.status_code == 200
        if answered and not target.answered:
            target.url, target.answered = url, True
            target.html = response.mimetype == "text/html"
        target.names |= reads | _query_names(url)
        view = views.get(endpoint.partition(".")[0])
        if view is not None and endpoint.endswith((".index_view", ".export")):
            target.names |= {*LIST_PARAMETERS, *filter_parameters(view)}
        if not answered or response.mimetype != "text/html":
            return []
        page = response.get_data(as_text=True)
        self._note_forms(url, page, site)
        return [link for link in _links(url, page) if self._worth_following(link, site)]

    def _worth_following(self, url: str, site: SiteMap) -> bool:
        """Follow a link to a new endpoint, or one not yet answered, or with new parameters."""
        endpoint = self.endpoint(url)
        if endpoint is None or endpoint.endswith("static") or not endpoint.startswith(self.within):
            return False
        if self._own_account(endpoint, dict(parse_qsl(urlsplit(url).query))):
            return False
        target = site.gets.get(endpoint)
        if target is None:
            return True
        if target.visits >= MAX_VISITS:
            return False
        return not target.answered or not _query_names(url) <= target.names

    def _note_forms(self, url: str, page: str, site: SiteMap) -> None:
        for form in page_forms(page):
            for action in [form.action, *form.button_actions]:
                target_url = urljoin(url, html.unescape(action)) if action else url
                method = "POST" if form.method == "post" else "GET"
                endpoint = self.endpoint(target_url, method)
                if endpoint is None or endpoint in NOT_POSTED:
                    continue
                query = dict(parse_qsl(urlsplit(target_url).query))
                if self._own_account(endpoint, {**query, **form.fields}):
                    continue
                if method == "GET":
                    if endpoint in site.gets:
                        site.gets[endpoint].names |= set(form.fields)
                    continue
                if endpoint not in site.posts:
                    site.posts[endpoint] = Target(
                        endpoint, "POST", target_url, set(form.fields),
                        dict(form.fields), dict(form.kinds), list(form.files), page=url,
                    )

    def form_again(self, target: Target) -> Fields | None:
        """Return the form's values as its page shows them now (a save changes a version)."""
        response, _ = self.request("GET", target.page)
        if isinstance(response, Exception) or response.status_code != 200:
            return None
        for form in page_forms(response.get_data(as_text=True)):
            actions = [form.action, *form.button_actions]
            if any((urljoin(target.page, html.unescape(a)) if a else target.page) == target.url
                   for a in actions):
                return form.fields
        return None

    def signed_in(self, url: str = "/admin/") -> bool:
        """Tell whether the walk's session still opens url (by default the home page)."""
        response, _ = self.request("GET", url)
        return not isinstance(response, Exception) and response.status_code == 200
