"""Read a page's forms the way a browser would submit them (test helper)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

Fields = dict[str, str | list[str]]


@dataclass
class PageForm:
    """One <form> of a page: where and how it submits, and what."""

    action: str  # as written; "" submits to the page itself
    method: str  # "get" or "post"
    fields: Fields = field(default_factory=dict)
    # What kind of input each field is: "input:text:datepicker", "select", "textarea" …
    kinds: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    # Submit buttons with a formaction of their own send the same fields elsewhere.
    button_actions: list[str] = field(default_factory=list)


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: Fields = {}
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: str | None = None
        self._multiple = False
        self._textarea: str | None = None

    def _targets(self) -> list[Fields]:
        return [self.fields] if self._form is None else [self.fields, self._form.fields]

    def _set(self, name: str, value: str, multiple: bool = False) -> None:
        for fields in self._targets():
            if multiple:
                fields.setdefault(name, [])
                fields[name].append(value)  # type: ignore[union-attr]
            else:
                fields[name] = value

    def _default(self, name: str) -> None:
        for fields in self._targets():
            fields.setdefault(name, "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "form":
            self._form = PageForm(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        elif tag in ("button", "input") and "formaction" in a and self._form is not None:
            self._form.button_actions.append(a["formaction"])
        if tag in ("input", "select", "textarea") and name and self._form is not None:
            kind = ":".join([tag, a.get("type", ""), a.get("data-role", "")]).rstrip(":")
            self._form.kinds.setdefault(name, kind)
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._set(name, a.get("value", "y"))
            elif kind == "file":
                if self._form is not None:
                    self._form.files.append(name)
            elif kind not in ("submit", "button"):
                self._set(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._multiple = name, "multiple" in a
            if not self._multiple:
                self._default(name)
        elif tag == "option" and self._select and "selected" in a:
            self._set(self._select, a.get("value", ""), self._multiple)
        elif tag == "textarea" and name:
            self._textarea = name
            for fields in self._targets():
                fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # A browser drops the line break that opens a textarea's content (WTForms
            # writes one), as HTML says.
            text = self.fields[self._textarea]
            self.fields[self._textarea] = text.removeprefix("\r\n") if text.startswith(
                "\r\n") else text.removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self._form = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            for fields in self._targets():
                fields[self._textarea] += data  # type: ignore[operator]


def _read(page: str) -> _FormReader:
    reader = _FormReader()
    reader.feed(page)
    return reader


def form_data(page: str) -> Fields:
    """Return the values a browser would submit from the page's form."""
    return _read(page).fields


def page_forms(page: str) -> list[PageForm]:
    """Return every form of the page with the values a browser would submit from it."""
    return _read(page).forms
