"""How values read on screen: 2017-03-15 in tables, 2017年3月15日 in prose, times on
Beijing time."""

from datetime import date, datetime
from typing import Any

from flask import Flask

from backoffice.audit import actor_name
from backoffice.labels import FIELD_LABELS
from backoffice.models import ROLE_LABELS
from importers.clock import local_today, wall_clock
from importers.problems import cell_excerpt
from importers.vocabulary import ANSWER_TYPE_LABELS, AnswerType, AttachmentKind
from scoring.lateness import LATENESS


def prose_date(value: date | None) -> str:
    """Return a date as Chinese prose, e.g. 2017年3月15日."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def local_time(value: datetime | None, *, seconds: bool = False) -> str:
    """Return a stored moment on Beijing time (SQLite hands it back without a zone: UTC)."""
    if value is None:
        return ""
    return wall_clock(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def table_date(value: date | None) -> str:
    return value.isoformat() if value else ""


def file_size(size: int) -> str:
    """Return a file's size as people read it: 860 字节, 12.5 KB, 3 MB."""
    if size < 1024:
        return f"{size} 字节"
    value, unit = (size / 1024, "KB") if size < 1024 * 1024 else (size / 1024 / 1024, "MB")
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


def answer_type_label(letter: str | None) -> str:
    """Return e.g. "A 已经解决" for "A"."""
    return f"{letter} {ANSWER_TYPE_LABELS[AnswerType(letter)]}" if letter else ""


def _globals() -> dict[str, Any]:
    return {
        "role_labels": ROLE_LABELS,
        "field_labels": FIELD_LABELS,
        "answer_type_label": answer_type_label,
        "attachment_kinds": [kind.value for kind in AttachmentKind],
        "today": local_today(),
        "local_time": local_time,
        "lateness": LATENESS,
        "actor_name": actor_name,
    }


def init_app(app: Flask) -> None:
    app.add_template_filter(prose_date)
    app.add_template_filter(table_date)
    app.add_template_filter(file_size)
    app.add_template_filter(cell_excerpt)
    app.context_processor(_globals)
