"""The dashboard's charts as Plotly figures (JSON for plotly.min.js, served from the
installed plotly package: no CDN, nothing copied into the repository)."""

from collections.abc import Mapping, Sequence
from pathlib import Path

import plotly
import plotly.graph_objects as go

from backoffice.reporting.annual import largest_remainder

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _layout(title: str, height: int = 300) -> dict:
    return {
        "title": {"text": title, "font": {"size": 15}},
        "font": {"family": FONT, "size": 12},
        "template": "plotly_white",
        "height": height,
        "margin": {"l": 40, "r": 20, "t": 50, "b": 40},
    }


def pie(title: str, counts: Mapping[str, int], hole: float = 0.0) -> str:
    # The report's percentages (largest remainder), not Plotly's own rounding: the chart
    # and the report must print the same 72%.
    percents = largest_remainder(list(counts.values()))
    figure = go.Figure(
        go.Pie(
            labels=list(counts), values=list(counts.values()), hole=hole, sort=False,
            customdata=percents, texttemplate="%{label}<br>%{value}件（%{customdata}%）",
            direction="clockwise",
        ),
        layout={**_layout(title), "showlegend": False},
    )
    return figure.to_json()


def bars(title: str, counts: Mapping[str, int], urls: Sequence[str] | None = None) -> str:
    figure = go.Figure(
        go.Bar(x=list(counts), y=list(counts.values()), text=list(counts.values()),
               textposition="auto", textangle=0, customdata=list(urls) if urls else None),
        layout=_layout(title),
    )
    return figure.to_json()


def horizontal_bars(
    title: str, counts: Mapping[str, int], urls: Sequence[str] | None = None
) -> str:
    """Bars with the largest on top, each linking to its list when urls are given."""
    labels = list(counts)[::-1]
    values = list(counts.values())[::-1]
    height = max(220, 60 + 24 * len(labels))
    figure = go.Figure(
        go.Bar(x=values, y=labels, orientation="h", text=values, textposition="auto",
               textangle=0,
               customdata=list(urls)[::-1] if urls else None),
        layout={**_layout(title, height), "margin": {"l": 140, "r": 20, "t": 50, "b": 30}},
    )
    return figure.to_json()
