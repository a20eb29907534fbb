"""Read a page's form the way a browser would submit it (test helper)."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str | list[str]] = {}
        self._select: str | None = None
        self._multiple = False
        self._textarea: str | None = None

    def _set(self, name: str, value: str, multiple: bool = False) -> None:
        if multiple:
            self.fields.setdefault(name, [])
            self.fields[name].append(value)  # type: ignore[union-attr]
        else:
            self.fields[name] = value

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._set(name, a.get("value", "y"))
            elif kind not in ("submit", "button", "file"):
                self._set(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._multiple = name, "multiple" in a
            if not self._multiple:
                self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self._set(self._select, a.get("value", ""), self._multiple)
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

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

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data  # type: ignore[operator]


def form_data(page: str) -> dict[str, str | list[str]]:
    """Return the values a browser would submit from the page's form."""
    reader = _FormReader()
    reader.feed(page)
    return reader.fields
