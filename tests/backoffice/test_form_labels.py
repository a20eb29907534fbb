"""Every page of every duty (and a deputy's, and those before signing in) speaks Chinese:
no English word or raw value (True, None, field names such as New Password, a Version
counter) in what a user reads on it."""

import html
import re

import pytest
import sqlalchemy as sa

from backoffice.admin.base import SecuredModelView
from backoffice.extensions import db
from backoffice.models import Opinion, User
from tests.backoffice.test_deputies import DEPUTY
from tests.conftest import add_deputy_account, sign_in

# Words come from the views and the templates, not the database.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

DUTIES = ("operator", "sysadmin", "auditor", "leader", "pujiang", "deputy")
BEFORE_SIGNING_IN = ("/login", "/public/")
# Names a user reads as they are (besides the accounts' own): file formats and products.
PROPER = {"demo", "Excel", "XLSX", "xlsx", "xlsm", "xls", "ods", "CSV", "csv", "JSON", "json",
          "docx", "zip", "PDF", "pdf", "Word", "WPS", "SHA", "TOTP", "Authenticator"}
_UNSEEN = re.compile(
    r"<(script|style|template|textarea|select)\b.*?</\1>|<!--.*?-->"
    r"|<div[^>]*(?:display:\s*none|class=\"d-none\")[^>]*>.*?</div>"
    r"|<div class=\"inline-field-template[^\"]*\".*?</div>\s*</div>", re.S)
# Data that is not words: a browser's name and version in the sessions list
# (Mozilla/5.0), the address of a page opened in the security log (/admin/audit/).
_NOT_WORDS = re.compile(r"\b[A-Za-z]+/\d[\w.]*|(?<!\w)/[\w/?.=&%-]*")
_TAG = re.compile(r"<[^>]+>")
# What shows on hover or in an empty field, and what a screen reader reads out.
_SHOWN_ATTRIBUTES = re.compile(r'\b(?:placeholder|title|aria-label)="([^"]*)"')
_ENGLISH = re.compile(r"[A-Za-z]{3,}")


def _read(page: str) -> list[str]:
    page = _UNSEEN.sub(" ", page)
    texts = [*_SHOWN_ATTRIBUTES.findall(page), *_TAG.sub("\n", page).split("\n")]
    return [html.unescape(text).strip() for text in texts if text.strip()]


def _foreign(text: str, names: set[str]) -> list[str]:
    return [word for word in _ENGLISH.findall(_NOT_WORDS.sub(" ", text))
            if word not in PROPER and word not in names]


def _pages(app) -> list[str]:
    views = [view for admin in app.extensions["admin"] for view in admin._views]
    with app.app_context():
        first = {view.endpoint: db.session.scalar(
            sa.select(sa.inspect(view.model).primary_key[0]).limit(1))
            for view in views if isinstance(view, SecuredModelView)}
    pages = [f"{view.url.rstrip('/')}/" for view in views]
    for endpoint, key in first.items():
        pages.append(f"/admin/{endpoint}/new/")
        if key is not None:
            pages += [f"/admin/{endpoint}/edit/?id={key}", f"/admin/{endpoint}/details/?id={key}"]
    return pages


def test_every_page_of_every_duty_reads_in_chinese(app) -> None:
    pages = _pages(app)
    with app.app_context():
        deputy_id = add_deputy_account(DEPUTY)
        own = db.session.scalar(sa.select(Opinion.id).where(Opinion.lead_deputy_id == deputy_id))
        pages.append(f"/admin/mine/opinion/?id={own}")
        names = set(db.session.scalars(sa.select(User.username)))
    english: dict[str, set[str]] = {}
    opened = 0
    for username in (None, *DUTIES):
        client = app.test_client()
        if username:
            sign_in(client, username)
        for url in pages if username else BEFORE_SIGNING_IN:
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            opened += 1
            for text in _read(response.get_data(as_text=True)):
                if _foreign(text, names) or re.search(r"\b(True|False|None)\b", text):
                    english.setdefault(f"{username or '(signed out)'} {url}", set()).add(text[:60])
    assert opened >= 90
    assert english == {}
