"""Charts, grouped by family like seaborn: ``kpi``, ``cohorts``, ``targets``, ``roles``.

One calling convention for every chart:

- the data comes first (a tidy table computed by the caller: no chart runs the KPI
  engine or any other analysis), every option after it is keyword-only;
- ``lang`` (``"ja"``, ``"en"`` or ``None`` for ``$CSKIT_LANG``) sets the labels;
- ``ax=None`` draws on a new figure; a one-panel chart takes one Axes and returns it,
  a chart of several panels (:func:`kpi.trend_grid`, :func:`roles.funnel_pair`,
  :func:`targets.plot_target_paths`) takes a sequence of Axes, one per panel, and
  returns the Figure.

Call :func:`set_style` once (``cskit.notebook.setup`` does) for the theme and for
Japanese glyphs (the font comes with the matplotlib-fontja dependency, not the system).
"""
from .style import PALETTE, money_axis, month_axis, percent_axis, set_style

__all__ = ["PALETTE", "money_axis", "month_axis", "percent_axis", "set_style"]
