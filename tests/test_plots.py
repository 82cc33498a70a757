"""One calling convention for every chart: data first, keyword-only options, ``ax=None``;
one panel returns its Axes, several their Figure (and accept a sequence of Axes)."""
from __future__ import annotations

import inspect

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from cskit.plots import cohorts, kpi, roles, targets  # noqa: E402

CHARTS = [cohorts.retention_heatmap, cohorts.retention_curves, cohorts.survival_plot, cohorts.ltv_curves,
          kpi.trend, kpi.trend_grid, kpi.mrr_bridge, roles.funnel, roles.funnel_pair, roles.pay_ranges,
          targets.target_vs_actual, targets.plot_target_paths, targets.kpi_tree]


@pytest.mark.parametrize("chart", CHARTS, ids=lambda chart: chart.__name__)
def test_every_chart_takes_data_first_then_keyword_only_lang_and_ax(chart):
    parameters = inspect.signature(chart).parameters
    positional = [p for p in parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert 1 <= len(positional) <= 2  # the data (two frames for the team/company pair)
    for name in ("lang", "ax"):
        assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY and parameters[name].default is None
    assert "Returns" in chart.__doc__


@pytest.fixture
def styled():
    """cskit's theme (Japanese glyphs) for one test; the settings are restored after it."""
    from cskit.plots import set_style

    with plt.rc_context():
        set_style()
        yield
    plt.close("all")


def kpi_rows() -> pd.DataFrame:
    months = pd.period_range("2024-01", periods=4, freq="M")
    rows = [(team, month, kpi_id, value) for team in ("cs1", "all") for month in months
            for kpi_id, value in (("mrr", 1000.0), ("logo_churn_rate", 0.02))]
    return pd.DataFrame(rows, columns=["team", "month", "kpi", "value"])


def funnel_rows(scale: float) -> pd.DataFrame:
    counts = [100 * scale, 40 * scale, 20 * scale, 10 * scale, 8 * scale, 2 * scale]
    frame = pd.DataFrame({"stage": ["leads", "meetings", "opportunities", "won", "retained_12m", "expanded"],
                          "count": counts})
    frame["base"] = frame["count"].shift(1)
    frame["conversion_from_previous"] = frame["count"] / frame["base"]
    frame["leak"] = frame["base"] - frame["count"]
    return frame


def test_one_panel_returns_its_axes_and_several_return_their_figure(styled):
    kpis = kpi_rows()
    assert isinstance(kpi.trend(kpis, kpi_id="mrr", teams=["cs1", "all"], lang="en"), Axes)
    assert isinstance(kpi.trend_grid(kpis, kpi_ids=["mrr", "logo_churn_rate"], teams=["cs1"], lang="ja"), Figure)
    fig, axes = plt.subplots(1, 2)
    assert kpi.trend_grid(kpis, kpi_ids=["mrr", "logo_churn_rate"], teams=["cs1"], lang="en", ax=axes) is fig
    assert axes[1].get_title() == "Logo churn rate"
    pair = roles.funnel_pair(funnel_rows(2), funnel_rows(10), lang="en", team_name="CS", company_name="Company")
    assert isinstance(pair, Figure) and len(pair.axes) == 2
    fig, axes = plt.subplots(1, 2)
    assert roles.funnel_pair(funnel_rows(2), funnel_rows(10), lang="ja", ax=axes) is fig
    assert isinstance(roles.pay_ranges(lang="en"), Axes)
    with pytest.raises(TypeError):
        kpi.trend(kpis, "mrr", ["cs1"], "en")  # options are keyword-only
