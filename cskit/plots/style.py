"""One explicit place for the look of every chart (no hidden global state elsewhere).

Every chart reads its colours, its percent axes, its legends and its figure label from
here: the company is drawn in :data:`COMPANY_COLOUR` in every chart, teams in
:data:`TEAM_COLOURS`; :func:`percent_axis` puts ticks at round values written with
just enough decimals; :func:`legend_outside` and :func:`figure_legend` keep legends
off the data; :func:`label_figure` names the figure after its titles (alt text).
"""
from __future__ import annotations

import textwrap
import unicodedata
from contextlib import contextmanager
from datetime import datetime

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.colors import to_hex
from matplotlib.ticker import Formatter, Locator, MaxNLocator
from matplotlib.transforms import Bbox

from ..dataset import ALL_TEAMS
from ..i18n import t

#: The colour-blind safe palette of the theme.
PALETTE = sns.color_palette("colorblind")

#: The company's series (team ``"all"``): one colour in every chart, with or without a team beside it.
COMPANY_COLOUR = "#4d4d4d"

#: Colours of the teams, in drawing order: the palette without its grey (too close to the company's).
TEAM_COLOURS = tuple(to_hex(c) for c in PALETTE if to_hex(c) != "#949494")

#: Notes and footnotes written on a chart.
NOTE_COLOUR = "#555555"

#: Percent ticks fall on multiples of 1, 2 or 5 times a power of ten (never 2.5: it needs one more decimal).
PERCENT_STEPS = (1, 2, 5, 10)


def series_colours(teams) -> dict[str, str]:
    """The colour of each team's series: :data:`COMPANY_COLOUR` for the company, the others in order.

    A team keeps its colour whether or not the other teams have values, so a panel
    where one team has no data does not repaint the rest.

    Examples
    --------
    >>> colours = series_colours(["cs_smb", "all"])
    >>> colours["all"] == COMPANY_COLOUR, colours["cs_smb"] == TEAM_COLOURS[0]
    (True, True)
    >>> series_colours(["all"])["all"] == COMPANY_COLOUR
    True
    """
    others = [team for team in teams if team != ALL_TEAMS]
    colours = {team: TEAM_COLOURS[i % len(TEAM_COLOURS)] for i, team in enumerate(others)}
    return {team: COMPANY_COLOUR if team == ALL_TEAMS else colours[team] for team in teams}


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


def _figure_png(fig):
    """PNG (base64) of a figure for the notebook: tight unless :func:`fixed_layout` placed it.

    A figure named by :func:`label_figure` carries its name as the output's
    ``image/png`` metadata ``alt``, for the report's alt text.
    """
    from IPython.core.pylabtools import print_figure

    box = fig.bbox_inches if getattr(fig, "_cskit_fixed_layout", False) else "tight"
    png = print_figure(fig, "png", bbox_inches=box, base64=True)
    return (png, {"alt": fig.get_label()}) if fig.get_label() else png


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


def percent_decimals(values) -> int:
    """The fewest decimals that write every fraction of ``values`` exactly as a percentage (at most 6).

    Examples
    --------
    >>> percent_decimals([0.9, 0.95, 1.0]), percent_decimals([0.98, 0.99, 1.0]), percent_decimals([0.995, 1.0])
    (0, 0, 1)
    """
    for decimals in range(7):
        if all(abs(v * 100 - round(v * 100, decimals)) < 1e-7 for v in values):
            return decimals
    return 6


class PercentTicks(Formatter):
    """Fractions as percentages, with the decimals the ticks on view need (no two ticks alike)."""

    decimals = 0

    def set_locs(self, locs):
        super().set_locs(locs)
        self.decimals = percent_decimals(locs)

    def __call__(self, x, pos=None):
        return f"{x * 100:.{self.decimals}f}%"


def percent_axis(ax, axis: str = "y"):
    """Show fraction values (0-1) on ``axis`` as percentages, ticks at round values.

    Ticks fall on multiples of 1, 2 or 5 (times a power of ten) of a percent and each
    is written with just enough decimals to be exact, so no two ticks read the same
    (a narrow range such as 98.5-100.2 % gives ``98.5%, 99.0%, ...``, never
    ``99%, 99%, 100%``). Every percent axis of cskit goes through here, colour bars too.

    Parameters
    ----------
    ax : matplotlib Axes
    axis : {"y", "x"}

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [0.985, 1.002])
    >>> _ = percent_axis(ax)
    >>> fig.canvas.draw()
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['98.0%', '98.5%', '99.0%', '99.5%', '100.0%', '100.5%']
    >>> plt.close(fig)
    """
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MaxNLocator(nbins="auto", steps=list(PERCENT_STEPS)))
    target.set_major_formatter(PercentTicks())
    return ax


def legend_outside(ax, **options):
    """The axes' legend to the right of its data area, where it covers nothing.

    Parameters
    ----------
    ax : matplotlib Axes
    **options
        Passed to :meth:`~matplotlib.axes.Axes.legend` (``title``, ``ncol``, ...).

    Returns
    -------
    matplotlib Legend or None
        None when nothing is labelled.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [0, 1], label="a")
    >>> bool(legend_outside(ax).get_bbox_to_anchor().x0 > ax.bbox.x1)
    True
    >>> plt.close(fig)
    """
    if not ax.get_legend_handles_labels()[0]:
        return None
    settings = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0, "frameon": False,
                "fontsize": "small"}
    return ax.legend(**{**settings, **options})


def figure_legend(fig, handles, labels, *, top: float = 0.05, **options):
    """One legend for a figure of panels that share their series, centred above the visible ones.

    Parameters
    ----------
    fig : matplotlib Figure
    handles, labels : list
        One entry per series (e.g. from :meth:`~matplotlib.axes.Axes.get_legend_handles_labels`).
    top : float
        Inches between the figure's top edge and the legend's.
    **options
        Passed to :meth:`~matplotlib.figure.Figure.legend`.

    Returns
    -------
    matplotlib Legend

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> line, = ax.plot([0, 1], [0, 1])
    >>> figure_legend(fig, [line], ["a"]).get_texts()[0].get_text()
    'a'
    >>> plt.close(fig)
    """
    height = fig.get_size_inches()[1]
    shown = [ax.get_position() for ax in fig.axes if ax.get_visible()] or [Bbox.unit()]
    centre = (min(box.x0 for box in shown) + max(box.x1 for box in shown)) / 2
    settings = {"loc": "upper center", "bbox_to_anchor": (centre, 1 - top / height), "ncol": max(len(labels), 1),
                "frameon": False, "fontsize": "small"}
    return fig.legend(handles, labels, **{**settings, **options})


#: Characters a Japanese line does not start with (kinsoku): they stay at the end of the line before.
NO_LINE_START = "、。，．・：；？！）」』】〕ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ"


def wrap_text(text: str, width: float, fontsize: float = 8.0) -> str:
    """``text`` broken into lines no wider than ``width`` inches at ``fontsize`` points (roughly).

    Japanese has no spaces to break at: a line holds as many characters as fit (a wide
    character counts one em, any other half of one), and punctuation such as 。 never
    starts a line; other text breaks at spaces.

    Examples
    --------
    >>> print(wrap_text("one two three four", width=0.5, fontsize=10))
    one two
    three
    four
    >>> print(wrap_text("あいうえおかきくけこ", width=0.6, fontsize=10))
    あいうえ
    おかきく
    けこ
    >>> print(wrap_text("あいうえ。かきく", width=0.6, fontsize=10))
    あいうえ。
    かきく
    """
    ems = width * 72 / fontsize
    if not any(unicodedata.east_asian_width(ch) in "WF" for ch in text):
        return "\n".join(textwrap.wrap(text, width=max(int(ems / 0.5), 1)))
    lines, line, used = [], "", 0.0
    for ch in text:
        size = 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5
        if used + size > ems and line and ch not in NO_LINE_START:
            lines.append(line)
            line, used = "", 0.0
        line, used = line + ch, used + size
    return "\n".join(lines + [line])


def label_figure(fig):
    """Name ``fig`` after its titles (``fig.get_label()``): what the report writes as the image's alt text.

    The label is the figure's suptitle, then each axes' title once, joined by " / ";
    a chart calls it last, so a figure holding several charts is named after all of them.

    Returns
    -------
    matplotlib Figure
        ``fig``.

    Examples
    --------
    >>> fig, axes = plt.subplots(1, 2)
    >>> _ = axes[0].set_title("MRR"), axes[1].set_title("NRR")
    >>> label_figure(fig).get_label()
    'MRR / NRR'
    >>> plt.close(fig)
    """
    titles = [fig.get_suptitle()] + [ax.get_title() for ax in fig.axes]
    fig.set_label(" / ".join(dict.fromkeys(title for title in titles if title)))
    return fig


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
