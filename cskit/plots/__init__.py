"""Charts, grouped by family like seaborn: ``kpi``, ``cohorts``, ``targets``, ``roles``.

Every plotting function takes tidy data and an optional ``ax=``, and returns the axes.
Call :func:`set_style` once (``cskit.notebook.setup`` does) for the theme and for
Japanese glyphs (the font comes with the matplotlib-fontja dependency, not the system).
"""
from .style import PALETTE, money_axis, month_axis, percent_axis, set_style

__all__ = ["PALETTE", "money_axis", "month_axis", "percent_axis", "set_style"]
