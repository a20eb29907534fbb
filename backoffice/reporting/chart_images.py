"""The report's charts as PNG images for Word, drawn on the server with matplotlib.

matplotlib is imported only when a chart is drawn: the command line starts without it.
Chinese labels need a CJK font; `cjk_font` finds one by its file (Noto Sans CJK, as
fonts-noto-cjk installs it, or a common Chinese font). Without one the annual report
goes without charts and says why in the log (`annual_files.report_charts`): a chart of
empty boxes (tofu) would go out unnoticed.
"""

import io
import logging
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

from backoffice.reporting.annual import largest_remainder

logger = logging.getLogger(__name__)

# Font files by preference: the first found is used.
CJK_FONT_FILES = (
    "NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf",
    "SourceHanSansSC-Regular.otf", "wqy-microhei.ttc", "wqy-zenhei.ttc", "msyh.ttc",
    "simhei.ttf",
)
COLOURS = ("#3465a4", "#f57900", "#73d216", "#cc0000", "#75507b", "#c4a000", "#555753")
DPI = 150
SIZE_INCHES = (6.0, 3.4)


@cache
def cjk_font() -> Path | None:
    """Return the file of a font that draws Chinese, or None when the machine has none."""
    from matplotlib import font_manager

    found = {Path(name).name: Path(name) for name in font_manager.findSystemFonts()}
    return next((found[name] for name in CJK_FONT_FILES if name in found), None)


def _figure(font: Path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    # A Figure of its own, not pyplot's global state: web workers draw side by side.
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, FontProperties(fname=str(font), size=10)


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor="white")
    return buffer.getvalue()


def pie(title: str, counts: Mapping[str, int], font: Path) -> bytes:
    """Return a pie of counts labelled 好 238件（76%）, the report's own percentages."""
    figure, text = _figure(font)
    axes = figure.add_subplot()
    shown = {label: count for label, count in counts.items() if count}
    percents = dict(zip(counts, largest_remainder(list(counts.values())), strict=True))
    axes.pie(list(shown.values()), colors=COLOURS[:len(shown)], startangle=90,
             counterclock=False, labels=[f"{label} {count}件（{percents[label]}%）"
                                         for label, count in shown.items()],
             textprops={"fontproperties": text}, wedgeprops={"linewidth": 1,
                                                             "edgecolor": "white"})
    axes.set_aspect("equal")
    axes.set_title(title, fontproperties=text, fontsize=12)
    return _png(figure)


def bars(title: str, series: Mapping[str, Sequence[int]], labels: Sequence[str],
         font: Path) -> bytes:
    """Return grouped columns (one group per label, one column per series), counts on top."""
    from matplotlib.ticker import MaxNLocator

    figure, text = _figure(font)
    axes = figure.add_subplot()
    width = 0.8 / len(series)
    for index, (name, values) in enumerate(series.items()):
        offset = (index - (len(series) - 1) / 2) * width
        drawn = axes.bar([x + offset for x in range(len(labels))], values, width,
                         label=name, color=COLOURS[index % len(COLOURS)])
        axes.bar_label(drawn, fontsize=8)
    axes.set_xticks(range(len(labels)), labels)
    for tick in axes.get_xticklabels():
        tick.set_fontproperties(text)
        if len(labels) > 5:
            tick.set_rotation(30)
            tick.set_horizontalalignment("right")
    # Counts: whole numbers on the axis, never 0.2 steps.
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(title, fontproperties=text, fontsize=12)
    if len(series) > 1:
        # Below the chart: inside, it would cover the tallest columns.
        figure.legend(prop=text, frameon=False, loc="outside lower center", ncols=len(series))
    return _png(figure)
