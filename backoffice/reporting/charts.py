"""The dashboard's charts as Plotly figures (JSON for plotly.js).

The page loads plotly.js's basic bundle (bar, pie and scatter traces: all the dashboard
draws), kept in `static/vendor/` at the version the installed plotly package writes
figures for; `script_for_browser` serves it compressed. A bar or slice given a URL opens
it when clicked (static/dashboard.js).
"""

import gzip
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import plotly.io as pio

from backoffice.reporting.annual import largest_remainder

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif"
PLOTLY_JS = Path(__file__).parent.parent / "static" / "vendor" / "plotly-basic.min.js"
# Below this many, every whole number gets its tick: Plotly would otherwise step a
# count axis of 0–1 by 0.2.
EVERY_TICK_UP_TO = 10


@cache
def compressed_script() -> bytes:
    """Return the chart library gzip-compressed (about a third of its size), once."""
    return gzip.compress(PLOTLY_JS.read_bytes(), compresslevel=9, mtime=0)


@cache
def _template() -> dict:
    """Return Plotly's white template as plotly.js reads it (it knows no names), once."""
    return pio.templates["plotly_white"].to_plotly_json()


def _figure(trace: dict, layout: dict) -> str:
    """Return one trace and its layout as a figure's JSON. Built as plain data, not
    plotly's validating Figure objects: five of those cost more than the dashboard's
    queries at 100,000 opinions."""
    return pio.to_json({"data": [trace], "layout": {**layout, "template": _template()}},
                       validate=False)


def _layout(title: str, height: int = 300) -> dict:
    return {
        "title": {"text": title, "font": {"size": 15}},
        "font": {"family": FONT, "size": 12},
        "height": height,
        "margin": {"l": 40, "r": 20, "t": 50, "b": 40},
    }


def _count_axis(values: Sequence[int]) -> dict:
    """An axis of whole numbers from zero."""
    axis = {"tickformat": "d", "rangemode": "tozero"}
    if max(values, default=0) <= EVERY_TICK_UP_TO:
        axis["dtick"] = 1
    return axis


def _links(urls: Sequence[str] | None) -> dict:
    # The URL rides in customdata (plotly.js hands it back on a click); the pointer says
    # the bar is a link.
    return {"customdata": list(urls)} if urls else {}


def pie(
    title: str, counts: Mapping[str, int], hole: float = 0.0, urls: Sequence[str] | None = None
) -> str:
    # The report's percentages (largest remainder), not Plotly's own rounding: the chart
    # and the report must print the same 72%.
    percents = largest_remainder(list(counts.values()))
    return _figure(
        {"type": "pie", "labels": list(counts), "values": list(counts.values()),
         "hole": hole, "sort": False, "text": [f"{percent}%" for percent in percents],
         "texttemplate": "%{label}<br>%{value}件（%{text}）",
         "hoverinfo": "label+value+text", "direction": "clockwise", **_links(urls)},
        {**_layout(title), "showlegend": False},
    )


def bars(title: str, counts: Mapping[str, int], urls: Sequence[str] | None = None) -> str:
    values = list(counts.values())
    return _figure(
        {"type": "bar", "x": list(counts), "y": values, "text": [str(v) for v in values],
         "textposition": "auto", "textangle": 0, **_links(urls)},
        {**_layout(title), "yaxis": _count_axis(values)},
    )


def horizontal_bars(
    title: str, counts: Mapping[str, int], urls: Sequence[str] | None = None
) -> str:
    """Bars with the largest on top, each linking to its list when urls are given."""
    labels = list(counts)[::-1]
    values = list(counts.values())[::-1]
    height = max(220, 60 + 24 * len(labels))
    return _figure(
        {"type": "bar", "x": values, "y": labels, "orientation": "h",
         "text": [str(v) for v in values],
         "textposition": "auto", "textangle": 0,
         **_links(list(urls)[::-1] if urls else None)},
        {**_layout(title, height), "margin": {"l": 140, "r": 20, "t": 50, "b": 30},
         "xaxis": _count_axis(values)},
    )
