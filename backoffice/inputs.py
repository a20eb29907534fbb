"""What a request's parameters may hold: the one reader of integers and dates from them.

A value that no screen sends (a page number out of range, a choice not offered, a NUL
character) is refused with 400 and a Chinese description; an id that names no row, with
404. A date typed into a page's own date box is checked the same way but answered on
that page: a Chinese message, and the page's default date instead.
"""

import re
from datetime import date
from typing import Any

from flask import Flask, abort, flash, request
from werkzeug.routing import IntegerConverter

from importers.values import EARLIEST, LATEST

# The largest value an integer column holds on PostgreSQL; every id and count fits.
MAX_INT = 2**31 - 1
_INTEGER = re.compile(r"-?[0-9]{1,12}")
_SHOWN_LENGTH = 30
# An upper bound no one would type is left unsaid ("不小于1的整数", not "1至2147483647").
_SAID_MAXIMUM = 1_000_000
# What the links' integer parameters are called on screen (another's name is never shown).
_ARGUMENT_NAMES = {
    "page": "页码", "page_size": "每页条数", "sort": "排序列", "desc": "排序方向",
    "session": "届次会议", "offset": "起始位置", "limit": "条数", "year": "年度",
    "unit": "单位",
}


def whole_numbers(minimum: int, maximum: int) -> str:
    """Say which integers are allowed: "1至12之间的整数", or "不小于0的整数"."""
    if maximum >= _SAID_MAXIMUM:
        return f"不小于{minimum}的整数"
    return f"{minimum}至{maximum}之间的整数"


def shown(text: str) -> str:
    """Return a parameter's text short enough to repeat in a message."""
    return text if len(text) <= _SHOWN_LENGTH else text[:_SHOWN_LENGTH] + "…"


def file_name(text: str) -> str:
    """Return the last part of a sent file's name, whichever separator its path uses."""
    # A name keeps no folder, "..", or control character: it names a download and a
    # member of the 一案一册 zip, which tools on Windows split at "\\" as well as "/".
    last = re.split(r"[/\\]", text)[-1]
    last = "".join(c for c in last if c.isprintable()).strip()
    return "" if last in (".", "..") else last


def parse_int(text: Any, minimum: int = 0, maximum: int = MAX_INT) -> int | None:
    """Return text as a decimal integer within the bounds, or None."""
    text = str(text).strip()
    if not _INTEGER.fullmatch(text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def int_arg(
    name: str, default: int | None = None, *, minimum: int = 0, maximum: int = MAX_INT
) -> int | None:
    """Return the integer parameter; absent or blank gives default, anything else 400."""
    text = request.values.get(name, "")
    if not text.strip():
        return default
    value = parse_int(text, minimum, maximum)
    if value is None:
        abort(400, description=f"链接中的{_argument(name)}应为{whole_numbers(minimum, maximum)}，"
                               f"而不是“{shown(text)}”。")
    return value


def _argument(name: str) -> str:
    known = _ARGUMENT_NAMES.get(name)
    return f"“{known}”" if known else "参数"


def int_list_arg(name: str) -> list[int]:
    """Return the integers ticked under name (checkboxes); one that is not gives 400."""
    values = [parse_int(text) for text in request.values.getlist(name)]
    if None in values:
        abort(400, description=f"表单中的{_argument(name)}应为整数。")
    return values  # type: ignore[return-value]


def row_id(value: Any) -> int:
    """Return value as the id of a row, or 404: text that is not an id names nothing."""
    key = parse_int(value)
    if key is None:
        abort(404)
    return key


def day_from_text(text: str) -> date:
    """Return the YYYY-MM-DD date; raise ValueError saying, in Chinese, what is wrong."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError("无法识别，请按“2017-12-15”的格式填写") from None
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"不在{EARLIEST.year}年至{LATEST.year}年之间")
    return day


def date_arg(name: str, label: str, fallback: date) -> date:
    """Return the date typed in the page's box; report a bad one and return fallback."""
    text = request.values.get(name, "").strip()
    if not text:
        return fallback
    try:
        return day_from_text(text)
    except ValueError as problem:
        flash(f"{label}“{shown(text)}”{problem}；已改用{fallback.isoformat()}。", "error")
        return fallback


def refuse_nul_characters() -> None:
    """Refuse parameters holding a NUL character: no text column can store one."""
    values = [*request.args.items(multi=True), *request.form.items(multi=True)]
    values += [(name, str(value)) for name, value in (request.view_args or {}).items()]
    for name, value in values:
        if "\x00" in name or "\x00" in value:
            abort(400, description="链接或表单中含有不可见的控制字符，请检查后重新提交。")


class BoundedIntegerConverter(IntegerConverter):
    """A path's <int:...> part; one beyond MAX_INT names nothing (404)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Bound <int:...> path parts and refuse NUL characters before any view runs."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_nul_characters)
