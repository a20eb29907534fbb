"""Export an admin list as .xlsx or CSV: its filters, search, sort and the user's scope.

The rows come from the view's own scoped query (access.py through `get_query`), read
in batches (`yield_per`) and streamed into the writer; nothing holds the whole list.
"""

from collections.abc import Callable, Iterator
from datetime import datetime
from enum import Enum
from itertools import islice
from typing import IO, Any

from flask import Response
from flask_admin.model.base import BaseModelView
from flask_admin.model.typefmt import dict_formatter

from backoffice.exports.downloads import XLSX, send_written
from importers.clock import LOCAL_TIME
from importers.exporting import csv_lines, write_rows

EXPORT_TYPES = ("xlsx", "csv")
BATCH_SIZE = 500


def _join(view: Any, values: Any, name: str) -> str:
    return "、".join(str(value) for value in values)


def _enum(view: Any, value: Enum, name: str) -> Any:
    return value.value


def _empty(view: Any, value: Any, name: str) -> None:
    return None


# Values keep their types (dates, numbers, True/False) for the writer to type the cells;
# lists read as Chinese lists do.
TYPE_FORMATTERS: dict[type, Any] = {
    type(None): _empty, list: _join, dict: dict_formatter, Enum: _enum,
}


def list_query(view: BaseModelView) -> tuple[int | None, Any]:
    """Return the count and the query of the view's list, with its filters, search, sort."""
    args = view._get_list_extra_args()
    sort = view._get_column_by_idx(args.sort)
    return view.get_list(0, sort[0] if sort else None, args.sort_desc, args.search,
                         args.filters, execute=False, page_size=0)


def list_rows(view: BaseModelView, query: Any,
              counted: Callable[[int], None] | None = None) -> Iterator[list[Any]]:
    """Yield the export columns of each row, reading the query in batches; the view
    prepares each batch (`prepare_rows`) as it prepares a page, and `counted` hears of
    each batch written."""
    names = [name for name, _label in view._export_columns]
    read = iter(query.yield_per(BATCH_SIZE))
    while models := list(islice(read, BATCH_SIZE)):
        view.prepare_rows(models)
        for model in models:
            yield [view.get_export_value(model, name) for name in names]
        if counted is not None:
            counted(len(models))


def export_name(view: BaseModelView, export_type: str) -> str:
    """Return the download's name: the list's, stamped with the time (Beijing)."""
    return f"{view.name}-{datetime.now(LOCAL_TIME):%Y%m%d-%H%M}.{export_type}"


def write_list(view: BaseModelView, export_type: str, query: Any, part: IO[bytes],
               counted: Callable[[int], None] | None = None) -> None:
    """Write the list's rows: .xlsx (typed cells) or CSV (UTF-8 with a BOM)."""
    headers = [str(label) for _name, label in view._export_columns]
    rows = list_rows(view, query, counted)
    if export_type == "csv":
        for line in csv_lines(headers, rows):
            part.write(line.encode("utf-8"))
        return
    now = datetime.now(LOCAL_TIME)
    write_rows(part, headers, rows, title=f"{view.name}（导出于 {now:%Y-%m-%d %H:%M}）",
               name=view.name)


def mimetype(export_type: str) -> str:
    return "text/csv" if export_type == "csv" else XLSX  # send_file adds the charset


def export_response(view: BaseModelView, export_type: str, query: Any) -> Response:
    """Return the list as a download, written within the request: a response streamed
    after it would hold its database connection past the request's end."""
    return send_written(lambda part: write_list(view, export_type, query, part),
                        export_name(view, export_type), mimetype(export_type))
