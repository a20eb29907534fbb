"""The public site `/public/`: published replies, their pages, reply letters and feeds.

No sign-in (access.PUBLIC_ENDPOINTS) and no session cookie: nothing here writes the
session, so a visitor gets none and a proxy may keep every answer for `PUBLIC_MAX_AGE`
seconds. Anything not published answers the same 404 as what does not exist.
"""

import io
import json
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.wrappers import Response

from backoffice.extensions import db
from backoffice.inputs import int_arg
from backoffice.models import Attachment
from backoffice.public import catalogue
from backoffice.public.catalogue import PublishedReply
from backoffice.reporting.case_file import MissingAttachment, attachment_bytes
from backoffice.security.headers import cacheable
from importers.clock import wall_clock
from importers.exporting.plain import csv_lines

bp = Blueprint("public", __name__, url_prefix="/public")

FEED_COLUMNS = ("届次", "编号", "标题", "摘要", "类别", "主办单位", "会办单位", "答复日期",
                "公开时间", "页面地址")


def _cached(response: Response) -> Response:
    """Let browsers and proxies keep the answer, and answer 304 to a fresh copy.

    Fresh is told by the ETag, the answer's own hash, never by a Last-Modified: a page
    changes after its approval (a title the office corrected, a unit renamed), and a
    client asking If-Modified-Since alone would keep the old one.
    """
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["PUBLIC_MAX_AGE"]
    response.add_etag()
    return response.make_conditional(request)


def _page(template: str, **context: Any) -> Response:
    return _cached(Response(render_template(template, **context), mimetype="text/html"))


def _one(public_id: str) -> PublishedReply:
    found = catalogue.published(db.session, public_id) if len(public_id) == 32 else []
    if not found:
        abort(404)
    return found[0]


@bp.get("/")
@cacheable
def index() -> Response:
    replies = catalogue.published(db.session)
    search = {name: request.args.get(name, "").strip()[:100]
              for name in ("session", "category", "unit", "q")}
    found = [r for r in replies if r.matches(search["session"], search["category"],
                                             search["unit"], search["q"])]
    size = current_app.config["PUBLIC_PAGE_SIZE"]
    pages = max(1, -(-len(found) // size))
    page = min(int_arg("page", 1, minimum=1) or 1, pages)  # an old link: the last page
    return _page("public/list.html", replies=found[(page - 1) * size:page * size],
                 found=len(found), total=len(replies), search=search, page=page, pages=pages,
                 kept={name: value for name, value in search.items() if value},
                 choices=catalogue.choices(replies))


@bp.get("/<public_id>")
@cacheable
def reply(public_id: str) -> Response:
    found = _one(public_id)
    return _page("public/reply.html", reply=found)


@bp.get("/<public_id>/letters/<int:attachment_id>")
@cacheable
def letter(public_id: str, attachment_id: int) -> Response:
    found = _one(public_id)
    names = {letter.id: letter.name for letter in found.letters}  # phone numbers masked
    if attachment_id not in names:
        abort(404)
    attachment = db.session.get(Attachment, attachment_id)
    try:
        data = attachment_bytes(attachment)
    except MissingAttachment:
        abort(404)
    response = send_file(io.BytesIO(data), mimetype=attachment.content_type,
                         as_attachment=True, download_name=names[attachment_id])
    response.direct_passthrough = False  # the bytes are at hand: let _cached hash them
    return _cached(response)


def _url(reply: PublishedReply) -> str:
    return url_for("public.reply", public_id=reply.public_id, _external=True)


def _published_on(reply: PublishedReply) -> str:
    return wall_clock(reply.published_at).date().isoformat()


def _record(reply: PublishedReply) -> dict[str, Any]:
    return {
        "session": reply.session, "number": reply.number, "title": reply.title,
        "summary": reply.summary, "category": reply.category, "lead_unit": reply.lead_unit,
        "co_handlers": list(reply.co_handlers), "replied_on": reply.replied_on.isoformat(),
        "published_on": _published_on(reply), "url": _url(reply),
        "letters": [{"name": letter.name, "size": letter.size,
                     "url": url_for("public.letter", public_id=reply.public_id,
                                    attachment_id=letter.id, _external=True)}
                    for letter in reply.letters],
    }


@bp.get("/feed.json")
@cacheable
def feed_json() -> Response:
    records = [_record(r) for r in catalogue.published(db.session)]
    body = json.dumps({"count": len(records), "replies": records}, ensure_ascii=False)
    return _cached(Response(body, mimetype="application/json"))


@bp.get("/feed.csv")
@cacheable
def feed_csv() -> Response:
    # csv_lines: a BOM for Excel, and no cell a spreadsheet would run as a formula (the
    # titles are the deputies' words).
    rows = ([reply.session, reply.number, reply.title, reply.summary, reply.category,
             reply.lead_unit, reply.co_handlers, reply.replied_on, _published_on(reply),
             _url(reply)] for reply in catalogue.published(db.session))
    response = Response("".join(csv_lines(FEED_COLUMNS, rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=replies.csv"
    return _cached(response)
