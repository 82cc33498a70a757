"""One explicit place for the look of every chart (no hidden global state elsewhere)."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.ticker import Locator, PercentFormatter

from ..i18n import t

#: Team colours, company first; colour-blind safe.
PALETTE = sns.color_palette("colorblind")


def set_style(context: str = "notebook") -> None:
    """Apply cskit's seaborn theme and a font with Japanese glyphs.

    Parameters
    ----------
    context : {"paper", "notebook", "talk", "poster"}
        seaborn context; ``"talk"`` suits trainer slides.
    """
    sns.set_theme(context=context, style="whitegrid", palette=PALETTE)
    import matplotlib_fontja  # noqa: F401 - registers IPAexGothic

    matplotlib_fontja.japanize()
    plt.rcParams["figure.dpi"] = 100
    plt.rcParams["savefig.bbox"] = "tight"
    plt.rcParams["axes.unicode_minus"] = False
    _show_fixed_layouts_as_drawn()


@contextmanager
def style_context(context: str = "notebook"):
    """:func:`set_style`'s look for the charts drawn inside a ``with`` block only.

    The matplotlib settings in force before the block come back after it, so a
    program that draws a few charts (the class deck) leaves no global state behind.

    Parameters
    ----------
    context : {"paper", "notebook", "talk", "poster"}
        seaborn context, as in :func:`set_style`.

    Examples
    --------
    >>> before = plt.rcParams["axes.prop_cycle"]
    >>> with style_context():
    ...     plt.rcParams["font.family"]
    ['IPAexGothic']
    >>> plt.rcParams["axes.prop_cycle"] == before
    True
    """
    with plt.rc_context():
        set_style(context)
        yield


def fixed_layout(fig, left: float = 1.0, right: float = 0.3, top: float = 0.5, bottom: float = 0.8, **spacing):
    """Place a figure's axes with fixed margins and show it without a "tight" pass.

    Cropping to a tight box draws the whole figure once more just to measure it;
    for a chart whose labels fit known margins that doubles the cost for nothing.
    Reports draw dozens of these, so the saving adds up.

    Parameters
    ----------
    fig : matplotlib Figure
    left, right, top, bottom : float
        Margins in inches (room for tick labels, axis labels and titles).
    **spacing
        ``hspace`` / ``wspace`` for :meth:`~matplotlib.figure.Figure.subplots_adjust`.

    Returns
    -------
    Figure
        ``fig``, marked so that :func:`set_style`'s notebook display keeps it as drawn.
    """
    width, height = fig.get_size_inches()
    fig.subplots_adjust(left=min(left / width, 0.45), right=max(1 - right / width, 0.55),
                        top=max(1 - top / height, 0.55), bottom=min(bottom / height, 0.45), **spacing)
    fig._cskit_fixed_layout = True
    return fig


def _figure_png(fig) -> str:
    """PNG (base64) of a figure for the notebook: tight unless :func:`fixed_layout` placed it."""
    from IPython.core.pylabtools import print_figure

    if getattr(fig, "_cskit_fixed_layout", False):
        return print_figure(fig, "png", bbox_inches=fig.bbox_inches, base64=True)
    return print_figure(fig, "png", bbox_inches="tight", base64=True)


def _show_fixed_layouts_as_drawn() -> None:
    """In IPython, display figures through :func:`_figure_png` (a no-op outside IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib.figure import Figure

    # the inline backend registers its own PNG formatter when its module loads (lazily,
    # at the first figure); load it now so that it cannot replace this one later
    import matplotlib_inline.backend_inline  # noqa: F401

    shell.display_formatter.formatters["image/png"].for_type(Figure, _figure_png)


def percent_axis(ax, axis: str = "y", decimals: int = 0):
    """Show fraction values (0-1) on ``axis`` as percentages."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PercentFormatter(xmax=1.0, decimals=decimals))
    return ax


def money_axis(ax, currency: str = "JPY", lang: str = "ja", axis: str = "y"):
    """Show money in millions (百万) with thousands separators instead of a 1e8 offset."""
    from matplotlib.ticker import FuncFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis
    low, high = (ax.get_ylim() if axis == "y" else ax.get_xlim())
    if max(abs(low), abs(high)) >= 1e6:
        target.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e6:,.1f}"))
        unit = t("plot.money_millions", lang, unit=t("plot.yen", lang) if currency == "JPY" else currency)
    else:
        target.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        unit = t("plot.yen", lang) if currency == "JPY" else currency
    label = ax.get_ylabel() if axis == "y" else ax.get_xlabel()
    (ax.set_ylabel if axis == "y" else ax.set_xlabel)(f"{label} ({unit})")
    return ax


class QuarterStarts(Locator):
    """Ticks on the first day of each quarter in view; on January 1st only past ``max_ticks`` quarters.

    matplotlib's ``MonthLocator`` walks a ``dateutil`` rule on every draw, which is
    slow with dozens of panels; month starts are simple arithmetic.
    """

    def __init__(self, max_ticks: int = 14):
        self.max_ticks = max_ticks

    def __call__(self):
        vmin, vmax = self.axis.get_view_interval()
        return self.tick_values(vmin, vmax)

    def tick_values(self, vmin: float, vmax: float) -> list[float]:
        """Quarter starts between ``vmin`` and ``vmax`` (matplotlib date numbers, days)."""
        if vmax < vmin:
            vmin, vmax = vmax, vmin
        start, end = mdates.num2date(vmin), mdates.num2date(vmax)
        month_start = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        first = start.year * 12 + start.month - 1 + (start > month_start)  # the first month start in view
        last = end.year * 12 + end.month - 1
        months = [m for m in range(first, last + 1) if m % 3 == 0]
        if len(months) > self.max_ticks:
            months = [m for m in months if m % 12 == 0]
        return list(mdates.date2num([datetime(m // 12, m % 12 + 1, 1) for m in months]))


def month_axis(ax):
    """Month ticks as YYYY-MM, a few of them, rotated so they never overlap."""
    ax.xaxis.set_major_locator(QuarterStarts())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.tick_params(axis="x", rotation=45)
    return ax
