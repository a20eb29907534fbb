"""The few messages Flask-Admin and its fields leave in English, said in Chinese.

Flask-Admin's Chinese catalogue lacks "Failed to save record." (flashed whenever a form
does not validate), and its select fields check a choice with their own English "Not a
valid choice" (a unit deleted after the form was opened). They are put into Chinese just
before a page is rendered.
"""

from typing import Any

from flask import session

_FLASHES = {"Failed to save record.": "保存失败：请按提示更正标出的内容。"}
_FIELD_ERRORS = {
    "Not a valid choice": "所选项已不存在（可能在您打开此页之后被他人删除），请重新选择。",
}


def say_in_chinese(form: Any) -> None:
    """Replace the English flashes waiting for the page, and form's English field errors."""
    flashes = session.get("_flashes")
    if flashes and any(message in _FLASHES for _category, message in flashes):
        session["_flashes"] = [(category, _FLASHES.get(message, message))
                               for category, message in flashes]
    if form is not None:
        _fields(form)


def _fields(form: Any) -> None:
    for field in form:
        if hasattr(field, "entries"):  # a list of inline forms
            for entry in field.entries:
                _fields(entry.form if hasattr(entry, "form") else [entry])
        elif isinstance(field.errors, list) and field.errors:
            field.errors = [_FIELD_ERRORS.get(str(error), error) for error in field.errors]
