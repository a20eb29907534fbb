"""A list's query string (page, size, sort, filters), checked before it reaches the database.

Flask-Admin reads these leniently and hands the database whatever is left: a page past
the largest offset, an unknown choice of a filter or a number too big for a column
fails there, as a 500. Here what no screen sends (a page or sort number out of range,
a filter that does not exist, a choice the filter does not offer) is refused with 400;
a value typed into a filter's box that the filter cannot use is reported on the list
and left out, as Flask-Admin already does for a date it cannot read.
"""

import math
from datetime import date, datetime
from typing import Any

from flask import abort, flash, request
from flask_admin.contrib.sqla.filters import FilterInList
from flask_admin.model.base import BaseModelView, ViewArgs
from flask_admin.model.filters import BaseFilter

from backoffice.inputs import MAX_INT, int_arg, shown
from importers.values import EARLIEST, LATEST

Filter = tuple[int, str, str]  # (index in view._filters, its name, the value as sent)
# The longest search or filter text a list takes: longer than any field it searches, and
# far below SQLite's 50,000-byte LIKE pattern (which it refuses as an OperationalError).
TEXT_MAX_LENGTH = 500


def checked_text(value: str, what: str) -> str:
    """Return a list's search or filter text, refusing one too long to look for."""
    if len(value) > TEXT_MAX_LENGTH:
        abort(400, description=f"{what}最多{TEXT_MAX_LENGTH}字，现有{len(value)}字。")
    return value


def checked_list_args(view: BaseModelView, args: ViewArgs) -> ViewArgs:
    """Return the list's arguments as Flask-Admin read them, once they are checked."""
    largest_page_size = max((*view.page_size_options, view.page_size))
    checked_text(request.args.get("search", ""), "搜索内容")
    sort = int_arg("sort", maximum=len(view._list_columns) - 1)
    if sort is not None and view._list_columns[sort][0] not in view._sortable_columns:
        abort(400, description="链接中的排序列不能用于排序。")
    return args.clone(
        page=int_arg("page", 0, maximum=MAX_INT // largest_page_size),
        # A size the list does not offer falls back to its default (Flask-Admin's rule).
        page_size=int_arg("page_size", 0),
        sort=sort,
        sort_desc=int_arg("desc", 0, maximum=1),
    )


def checked_filters(view: BaseModelView) -> list[Filter] | None:
    """Return the list's filters from the query string, in the order of their positions."""
    if not view._filters:
        return None
    chosen: list[tuple[int, Filter]] = []
    for arg in request.args:
        if not arg.startswith("flt"):
            continue
        position, _, key = arg[3:].partition("_")
        if not position.isdigit() or key not in view._filter_args:
            abort(400, description=f"链接中的筛选条件“{shown(arg)}”不存在。")
        index, flt = view._filter_args[key]
        value = checked_text(request.args[arg], f"筛选条件“{flt.name}”的值")
        if not offered(view, flt, value):
            abort(400, description=f"筛选条件“{flt.name}”没有“{shown(value)}”这一选项。")
        if usable(flt, value):
            chosen.append((int(position), (index, str(flt.name), value)))
        else:
            flash(f"筛选条件“{flt.name}”的值“{shown(value)}”无法使用，已忽略。", "error")
    # A filter that sets the day the list is read on goes first, wherever the link put it:
    # the filters reading that day (the units' own overdue steps) then see it.
    return [f for _, f in sorted(chosen, key=lambda c: (
        not getattr(view._filters[c[1][0]], "sets_list_day", False), c[0]))]


def offered(view: BaseModelView, flt: BaseFilter, value: str) -> bool:
    """Tell whether a filter with a list of choices offers the value (any value if none)."""
    options = flt.get_options(view)
    if not options:
        return True
    choices = {str(choice) for choice, _label in options}
    parts = [part.strip() for part in value.split(",")] if isinstance(flt, FilterInList) else [
        value
    ]
    return all(part in choices for part in parts)


def usable(flt: BaseFilter, value: str) -> bool:
    """Tell whether the filter can read the value into something a column can hold."""
    try:
        return bool(flt.validate(value)) and _storable(flt.clean(value))
    except (ValueError, TypeError, KeyError, OverflowError):
        return False


def _storable(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return all(_storable(part) for part in value)
    if isinstance(value, bool | str) or value is None:
        return True
    if isinstance(value, int):
        return -MAX_INT <= value <= MAX_INT
    if isinstance(value, float):
        return math.isfinite(value) and -MAX_INT <= value <= MAX_INT
    if isinstance(value, datetime):
        return EARLIEST <= value.date() <= LATEST
    if isinstance(value, date):
        return EARLIEST <= value <= LATEST
    return True
