"""Chinese error pages for every HTTP error, and a small JSON body for JSON clients.

A page names the error, explains it plainly and links back (首页, 返回上一页, and 登录
for a visitor who is not signed in). It must render when the database is down, so it
never asks the database who is signed in: see `_signed_in`. A database that cannot be
reached (refused, timed out, locked) answers 503, and a form posted meanwhile comes back
on that page to be posted again (`backoffice.kept_form`); so does a write beaten by
another to the same record (409).
"""

import contextlib
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, current_app, g, jsonify, request, session
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import (
    Conflict,
    HTTPException,
    RequestEntityTooLarge,
    SecurityError,
    ServiceUnavailable,
)
from werkzeug.wrappers import Response

from backoffice.database import UNAVAILABLE, busy
from backoffice.extensions import db
from backoffice.formatting import file_size
from backoffice.kept_form import Kept, keep


@dataclass(frozen=True)
class ErrorText:
    title: str
    explanation: str


ERROR_TEXTS = {
    400: ErrorText(
        "请求无法识别", "提交的内容或链接中的参数有误，系统无法处理。请返回上一页检查后重试。"
    ),
    401: ErrorText("需要登录", "请先登录，再打开此页面。"),
    403: ErrorText(
        "无权访问", "您的账号没有查看或办理此内容的权限。如确需办理，请联系系统管理员。"
    ),
    404: ErrorText("页面不存在", "您要找的页面或记录不存在：可能已被删除，或链接有误。"),
    405: ErrorText(
        "操作方式不正确", "此页面不接受这种操作方式。请从页面上的按钮或链接进入后再操作。"
    ),
    413: ErrorText(
        "上传的内容过大",
        "上传的文件或提交的内容超过了 {limit} 的上限，未被接收。请压缩或拆分后重新上传。",
    ),
    409: ErrorText(
        "与他人的修改冲突",
        "您提交时，他人刚好修改了同一记录，您的操作未执行，未保存任何内容。"
        "请返回上一页刷新，核对最新内容后再操作。",
    ),
    429: ErrorText("操作过于频繁", "短时间内的请求过多，请稍后再试。"),
    500: ErrorText(
        "系统出错",
        "服务器处理请求时出错，刚才的操作可能没有完成。请稍后重试；如果问题持续，请联系系统管理员。",
    ),
    503: ErrorText("系统暂时不可用", "系统正在维护或暂时无法连接数据库，请稍后再试。"),
}
OTHER_CLIENT_ERROR = ErrorText("无法处理请求", "系统无法处理这个请求。请返回上一页重试。")

# A failed CSRF check is a 400 whose cause the user can act on.
CSRF_FAILED = ErrorText(
    "页面已过期",
    "表单的安全校验未通过：页面可能打开太久，或您已在别处退出登录。请刷新页面后重新提交。",
)

# A request naming a host the site does not answer to (TRUSTED_HOSTS): nothing in its
# answer may be built from that name, not even a link.
UNTRUSTED_HOST = ErrorText(
    "网址有误", "地址栏中的网址不属于本系统，请使用区府办通知的本系统网址访问。")


def error_text(error: HTTPException) -> ErrorText:
    """Return the Chinese title and explanation of an HTTP error."""
    if isinstance(error, CSRFError):
        return CSRF_FAILED
    code = error.code or 500
    text = ERROR_TEXTS.get(code) or (OTHER_CLIENT_ERROR if code < 500 else ERROR_TEXTS[500])
    if isinstance(error, RequestEntityTooLarge):
        text = ErrorText(text.title, text.explanation.format(limit=_size_limit()))
    own = _own_message(error)
    return ErrorText(text.title, own) if own else text


def _size_limit() -> str:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return file_size(limit) if limit else "允许"


def _own_message(error: HTTPException) -> str | None:
    # A view may abort with its own message (abort(400, "第3行的日期无法识别")); Werkzeug's
    # and extensions' defaults are English and stay off the screen.
    description = error.description or ""
    if description == type(error).description:
        return None
    return description if any("\u4e00" <= char <= "\u9fff" for char in description) else None


def _signed_in() -> bool:
    """Tell whether the visitor is signed in, without asking the database."""
    # Flask-Login keeps the user it loaded for this request in g; if it has not loaded
    # one (or failed to, the database being down), the session cookie still says.
    user = g.get("_login_user")
    if user is not None:
        # Its attributes may need the database again (expired by a failed transaction).
        with contextlib.suppress(sa.exc.SQLAlchemyError):
            return bool(user.is_authenticated)
    stored = session._get_current_object()  # None when the session itself failed to open
    return stored is not None and "_user_id" in stored


def _untrusted_host() -> bool:
    return isinstance(request.routing_exception, SecurityError)


def refuse_untrusted_host() -> None:
    """Refuse a request for a host the site does not answer to before any other check
    (they build links and read the host)."""
    if _untrusted_host():
        raise request.routing_exception


def _back_url() -> str | None:
    """Return the page the visitor came from, if it is one of ours and not this one."""
    referrer = request.referrer
    if referrer and urlsplit(referrer).netloc == request.host and referrer != request.url:
        return referrer
    return None


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(error: HTTPException, kept: Kept | None = None) -> HTTPException | Response:
    """Answer an HTTP error with its Chinese page (or JSON), keeping its status and headers;
    kept is the form the page offers to post again."""
    if error.code is None or error.code < 400 or error.response is not None:
        return error
    plain = _untrusted_host()
    if plain:
        error = SecurityError()
    text = UNTRUSTED_HOST if plain else error_text(error)
    if _wants_json():
        response = jsonify(status=error.code, error=text.title, message=text.explanation)
    else:
        # Rendered from the Jinja environment itself: Flask's render_template would run
        # the context processors, and Flask-Login's loads the user from the database.
        page = current_app.jinja_env.get_template("errors/error.html").render(
            status=error.code,
            text=text,
            signed_in=_signed_in(),
            back_url=None if plain else _back_url(),
            kept=kept or Kept(),
            plain=plain,
        )
        response = Response(page, mimetype="text/html")
    response.status_code = error.code
    for name, value in error.get_headers():
        if name.lower() != "content-type":  # e.g. a 405's Allow
            response.headers[name] = value
    return response


# Seconds a client is told to wait before trying again when the database is unavailable.
_RETRY_AFTER = 30


# A save that waited too long for a lock: the database is there, busy with a large write.
BUSY = ("其他人正在批量写入数据（例如导入表格），您的操作暂时无法完成，未保存任何内容。"
        "请稍候片刻再试；填写的内容已保留，可点“重新提交”。")


def database_unavailable(error: Exception) -> HTTPException | Response:
    """Answer 503 when the database cannot be reached or stays locked, keeping the form
    being posted."""
    current_app.logger.error("The database is unavailable: %s", error)
    with contextlib.suppress(sa.exc.SQLAlchemyError):
        db.session.rollback()  # the failed transaction; the page reads nothing from it
    unavailable = ServiceUnavailable(description=BUSY if busy(error) else None,
                                     retry_after=_RETRY_AFTER)
    return error_response(unavailable, keep(request))


def write_conflict(error: StaleDataError) -> HTTPException | Response:
    """Answer 409 when a write found its record changed by another between its check and
    its write (a form's own view says so itself), keeping the form being posted."""
    with contextlib.suppress(sa.exc.SQLAlchemyError):
        db.session.rollback()  # nothing of it is kept: no row, no staged file
    return error_response(Conflict(), keep(request))


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_untrusted_host)
    app.register_error_handler(HTTPException, error_response)
    app.register_error_handler(StaleDataError, write_conflict)
    for unavailable in UNAVAILABLE:
        app.register_error_handler(unavailable, database_unavailable)
