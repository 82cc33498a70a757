"""One explicit place for the look of every chart (no hidden global state elsewhere)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)  # headless by default; Jupyter's inline backend still wins

import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

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
