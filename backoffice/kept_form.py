"""A form posted while the database was unavailable, kept to be posted again.

The 503 page carries the posted fields as a hidden form with a 重新提交 button, so that
what the user typed is not lost: once the database is back, the same request is made
again (the CSRF token included, which the signed session cookie still matches).
Passwords and the codes of the second factor are never written back into a page, and a
file cannot be: a form that carried either is not kept.
"""

from dataclasses import dataclass

from flask import Request
from werkzeug.exceptions import HTTPException

# Sign-in, the second factor and one's password: their fields are secrets.
_SECRET_BLUEPRINTS = frozenset({"auth", "account"})
_SECRET_WORDS = ("password", "secret", "otp", "recovery")


@dataclass(frozen=True)
class KeptForm:
    action: str
    fields: list[tuple[str, str]]


@dataclass(frozen=True)
class Kept:
    """What the 503 page offers: the form to post again, or why it cannot."""

    form: KeptForm | None = None
    files_lost: bool = False


def keep(request: Request) -> Kept:
    """Return the request's posted form to post again, if it may be written into a page."""
    if request.method != "POST" or request.blueprint in _SECRET_BLUEPRINTS:
        return Kept()
    try:
        form, files = request.form, request.files
    except HTTPException:  # a body too large or cut off: nothing to keep
        return Kept()
    if any(upload.filename for upload in files.values()):
        return Kept(files_lost=True)
    fields = list(form.items(multi=True))
    if not fields or any(_secret(name) for name, _ in fields):
        return Kept()
    path = request.full_path if request.query_string else request.path
    return Kept(KeptForm(request.script_root + path, fields))


def _secret(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)
