"""One explicit place for the look of every chart (no hidden global state elsewhere)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.ticker import PercentFormatter

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
        unit = {"ja": f"百万{'円' if currency == 'JPY' else currency}", "en": f"M {currency}"}[lang]
    else:
        target.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        unit = {"ja": "円" if currency == "JPY" else currency, "en": currency}[lang]
    label = ax.get_ylabel() if axis == "y" else ax.get_xlabel()
    (ax.set_ylabel if axis == "y" else ax.set_xlabel)(f"{label} ({unit})")
    return ax


def month_axis(ax):
    """Month ticks as YYYY-MM, a few of them, rotated so they never overlap."""
    import matplotlib.dates as mdates

    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.tick_params(axis="x", rotation=45)
    return ax
