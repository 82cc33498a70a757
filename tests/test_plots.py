"""One calling convention for every chart: data first, keyword-only options, ``ax=None``;
one panel returns its Axes, several their Figure (and accept a sequence of Axes)."""
from __future__ import annotations

import inspect
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from matplotlib.colors import to_hex  # noqa: E402

from cskit.i18n import t  # noqa: E402
from cskit.kpi.funnel import STAGE_OWNER, STAGES  # noqa: E402
from cskit.plots import cohorts, kpi, roles, targets  # noqa: E402
from cskit.plots.style import COMPANY_COLOUR, TEAM_COLOURS, PercentTicks, _figure_png  # noqa: E402

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


def funnel_rows(scale: float, counts=(100, 40, 20, 10, 8, 2)) -> pd.DataFrame:
    """A funnel as :func:`cskit.kpi.funnel.model_funnel` returns it, each stage based on the one before."""
    frame = pd.DataFrame({"stage": list(STAGES), "count": [c * scale for c in counts]})
    frame["base"] = frame["count"].shift(1)
    part = frame["count"] <= frame["base"]
    frame["conversion_from_previous"] = (frame["count"] / frame["base"]).where(part)
    frame["leak"] = (frame["base"] - frame["count"]).where(part)
    frame["entered"] = (frame["count"] - frame["base"]).clip(lower=0)
    frame["owner_role"] = frame["stage"].map(STAGE_OWNER)
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


# --------------------------------------------------------------------------- #
# Percent axes: ticks at round values, each written exactly (no two alike)
# --------------------------------------------------------------------------- #
def rate_rows(low: float, high: float) -> pd.DataFrame:
    months = pd.period_range("2024-01", periods=6, freq="M")
    values = [low + (high - low) * i / 5 for i in range(6)]
    return pd.DataFrame({"team": "all", "month": months, "kpi": "logo_churn_rate", "value": values})


def shown_ticks(ax) -> list[tuple[float, str]]:
    """(value, label) of the y ticks inside the view, after drawing."""
    ax.figure.canvas.draw()
    low, high = ax.get_ylim()
    return [(tick.get_loc(), tick.label1.get_text()) for tick in ax.yaxis.get_major_ticks()
            if low <= tick.get_loc() <= high and tick.label1.get_visible()]


@pytest.mark.parametrize("low,high", [(0.985, 1.002), (0.995, 0.9985), (0.02, 0.105), (0.0, 1.0), (0.4999, 0.5004)])
def test_percent_ticks_are_round_and_distinct(styled, low, high):
    # (0.985, 1.002) is the monthly NRR panel that printed "99%, 99%, 100%" with 0.5-point ticks
    ticks = shown_ticks(kpi.trend(rate_rows(low, high), kpi_id="logo_churn_rate", teams=["all"], lang="en"))
    labels = [label for _, label in ticks]
    assert len(ticks) >= 2 and len(set(labels)) == len(labels)
    step = (ticks[1][0] - ticks[0][0]) * 100
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
    assert min(abs(mantissa - m) for m in (1, 2, 5)) < 1e-6  # 1, 2 or 5 times a power of ten
    for value, label in ticks:
        assert label.endswith("%") and float(label[:-1]) == pytest.approx(value * 100, abs=1e-9)  # exact, not rounded


def test_every_percent_axis_goes_through_the_one_helper(styled, cohort_tidy, sample_targets):
    from cskit.cohorts import survival_curve
    from cskit.datasets import load_sample

    result, actuals = sample_targets
    axes = [cohorts.retention_curves(cohort_tidy, lang="en"), cohorts.survival_plot(survival_curve(load_sample()), lang="ja"),
            cohorts.retention_heatmap(cohort_tidy, lang="en").collections[0].colorbar.ax,
            targets.target_vs_actual(result, actuals, lang="en")]
    assert all(isinstance(ax.yaxis.get_major_formatter(), PercentTicks) for ax in axes)


# --------------------------------------------------------------------------- #
# One colour for the company, a note for a team without values
# --------------------------------------------------------------------------- #
def line_colours(ax) -> dict[str, str]:
    return {line.get_label(): to_hex(line.get_color()) for line in ax.get_lines()}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_company_line_has_one_colour_with_and_without_the_team(styled, lang):
    names = {"cs1": "CS 1", "all": "Company"}
    both = kpi.trend(kpi_rows(), kpi_id="mrr", teams=["cs1", "all"], lang=lang, team_names=names)
    assert line_colours(both) == {"CS 1": TEAM_COLOURS[0], "Company": COMPANY_COLOUR}
    assert not both.texts  # nothing is missing, so no note
    company_only = kpi_rows()[lambda f: f["team"] == "all"]
    alone = kpi.trend(company_only, kpi_id="mrr", teams=["cs1", "all"], lang=lang, team_names=names)
    assert line_colours(alone) == {"Company": COMPANY_COLOUR}
    assert [text.get_text() for text in alone.texts] == [t("plot.no_values", lang, teams="CS 1")]
    pair = roles.funnel_pair(funnel_rows(2), funnel_rows(10), lang=lang)
    assert {to_hex(bar.get_facecolor()) for bar in pair.axes[1].patches} - {roles.LEAK_COLOUR} == {COMPANY_COLOUR}


def test_the_note_is_in_each_language():
    assert t("plot.no_values", "ja", teams="A") == "Aの値はありません"
    assert t("plot.no_values", "en", teams="A") == "No values for A"


# --------------------------------------------------------------------------- #
# The funnel: one scale for both panels, no conversion above 100 % shown as a leak
# --------------------------------------------------------------------------- #
def bar_widths(ax) -> list[float]:
    return [bar.get_width() for bar in ax.patches if to_hex(bar.get_facecolor()) != roles.LEAK_COLOUR]


def test_the_two_funnel_panels_share_one_scale(styled):
    pair = roles.funnel_pair(funnel_rows(2), funnel_rows(10), lang="en")
    team, company = pair.axes
    assert team.get_xlim() == company.get_xlim() == (-1000 * 0.52, 1000 * 0.95)  # the company's 1,000 leads
    assert bar_widths(team)[0] == 200 and bar_widths(company)[0] == 1000  # 200 leads are a fifth as wide


def company_sample_funnel():
    from cskit.datasets import load_sample
    from cskit.kpi.funnel import model_funnel

    return model_funnel(load_sample())


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_stage_larger_than_the_one_before_has_no_conversion_and_no_leak(styled, lang):
    from cskit.roles.funnel_text import entered_notes
    from cskit.roles.view import funnel_frame

    data = company_sample_funnel()
    by = data.set_index("stage")
    more = by.loc["opportunities", "count"] - by.loc["meetings", "count"]
    assert more > 0  # the sample has outbound deals and win-backs: more opportunities than meetings
    assert math.isnan(by.loc["opportunities", "conversion_from_previous"]) and math.isnan(by.loc["opportunities", "leak"])
    assert by.loc["opportunities", "entered"] == more
    ax = roles.funnel(data, lang=lang, team_name="X")
    texts = [text.get_text() for text in ax.texts]
    row = next(text for text in texts if text.startswith(t("roles.funnel.entered", lang, count=f"{more:,.0f}")))
    assert row.endswith(roles.ENTERED_MARK) and "%" not in row
    assert texts[-1].startswith(roles.ENTERED_MARK + " " + entered_notes(data, lang, "X")[0][:20])
    shown = [float(text.split("%")[0].split()[-1]) for text in texts if "%" in text and "\n" in text]
    assert shown and max(shown) <= 100  # every conversion written on the chart
    table = funnel_frame(None, data, lang, company_name="X")
    conversions = table[t("roles.funnel.col_conversion", lang, team="X")]
    assert max(float(v[:-1]) for v in conversions if v != "—") <= 100
    assert table[t("roles.funnel.col_leak", lang, team="X")].iloc[2] == t("roles.funnel.entered", lang, count=f"{more:,.0f}")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_chart_and_the_summary_name_the_owner_the_table_names(styled, lang):
    from cskit.roles.funnel_text import STAGE_KEYS, ownership_lines, stage_list
    from cskit.roles.registry import ROLE_TABLE
    from cskit.roles.view import funnel_frame, role_name

    table = funnel_frame(None, funnel_rows(1), lang).set_index(t("roles.funnel.col_stage", lang))
    owner_of = table[t("roles.funnel.col_owner", lang)]
    # hand-read from the registry: CS moves people into the last two stages; "won" is field sales' work
    cs = ownership_lines("cs", lang, "T")
    assert stage_list(["retained_12m", "expanded"], lang) in cs[0] and stage_list(["won"], lang) not in cs[0]
    assert stage_list(["won"], lang) in cs[1] and role_name("field_sales", lang) in cs[1]
    assert owner_of[t("roles.stage.won", lang)] == role_name("field_sales", lang)
    assert {owner_of[t("roles.stage.retained_12m", lang)], owner_of[t("roles.stage.expanded", lang)]} == {role_name("cs", lang)}
    labels = [label.get_text() for label in roles.funnel(funnel_rows(1), lang=lang).get_yticklabels()]
    for label, stage in zip(labels, STAGES):
        owner = STAGE_OWNER[stage]
        assert label == t("roles.funnel.stage_owner", lang, stage=t(STAGE_KEYS[stage], lang),
                          owner=t(ROLE_TABLE[owner].short_name_key, lang))
        assert owner_of[t(STAGE_KEYS[stage], lang)] == role_name(owner, lang)


@pytest.fixture
def cohort_tidy():
    """Notebook 04's five accounts: three monthly cohorts (counted by hand in cskit.cohorts' tests)."""
    from cskit.cohorts import cohort_retention
    from cskit.datasets import load_cohort_example

    return cohort_retention(load_cohort_example())


@pytest.fixture
def sample_targets():
    """One churn target (5 % -> 4 % by 2024-12) and its first three months."""
    result = pd.Series({"id": "T1", "kpi": "logo_churn_rate", "team": "cs1", "start": "2024-03", "baseline": 0.05,
                        "target": 0.04, "deadline": "2024-12", "progress": "on_track"})
    actuals = pd.Series([0.05, 0.048, 0.047], index=pd.period_range("2024-01", periods=3, freq="M"))
    return result, actuals


# --------------------------------------------------------------------------- #
# Cohort heatmaps: legible at any number of cohorts
# --------------------------------------------------------------------------- #
def triangle(cohorts_count: int) -> pd.DataFrame:
    """A monthly cohort table of ``cohorts_count`` cohorts, each known up to the last month (a triangle)."""
    months = pd.period_range("2023-01", periods=cohorts_count, freq="M")
    rows = [(str(month), age, 0.97 ** age) for i, month in enumerate(months) for age in range(cohorts_count - i)]
    tidy = pd.DataFrame(rows, columns=["cohort", "age", "value"])
    tidy.attrs.update(metric="logo", period="month")
    return tidy


def visible_labels(labels) -> list:
    return [label for label in labels if label.get_visible() and label.get_text()]


def overlaps(boxes) -> bool:
    return any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_a_36_cohort_heatmap_keeps_every_text_legible(styled):
    ax = cohorts.retention_heatmap(triangle(36), lang="ja")
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    width, height = ax.figure.get_size_inches()
    assert width <= cohorts.HEATMAP_MAX_SIZE[0] and height <= cohorts.HEATMAP_MAX_SIZE[1]  # shown unshrunk on a page
    for labels in (ax.get_xticklabels(), ax.get_yticklabels()):
        shown = visible_labels(labels)
        assert 6 <= len(shown) <= 36
        assert min(label.get_fontsize() for label in shown) >= 8
        assert not overlaps([label.get_window_extent(renderer) for label in shown])
    assert all(text.get_fontsize() >= 8 for text in ax.texts)  # the cells hold no text smaller than 8 pt
    # 36 cells across 12 inches are too narrow for "100" at 8 pt: the % stay off the cells
    assert len(ax.texts) == 0


def test_a_small_heatmap_writes_the_value_in_each_known_cell(styled, cohort_tidy):
    ax = cohorts.retention_heatmap(cohort_tidy, lang="en")
    known = int(cohort_tidy["value"].notna().sum())
    assert len(ax.texts) == known == 15  # 6 + 5 + 4 cells of the three cohorts
    # the January cohort (A and B): both pay in month 1, only A from month 2 on (notebook 04 counts it by hand)
    assert [text.get_text() for text in ax.texts][:6] == ["100", "100", "50", "50", "50", "50"]
    assert [label.get_text() for label in visible_labels(ax.get_yticklabels())] == ["2024-01", "2024-02", "2024-03"]


# --------------------------------------------------------------------------- #
# Legends cover no data; every figure is named after its titles (alt text)
# --------------------------------------------------------------------------- #
def legend_boxes(fig) -> list:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend()] + list(fig.legends)
    return [legend.get_window_extent(renderer) for legend in legends]


def test_no_legend_covers_a_data_area(styled, cohort_tidy, sample_targets):
    from cskit.cohorts import cohort_ltv, survival_curve
    from cskit.datasets import load_cohort_example

    result, actuals = sample_targets
    results = pd.DataFrame([result])
    movements = pd.DataFrame({"team": "all", "month": pd.Period("2024-01", "M"), "kpi": ["new_mrr", "churned_mrr"],
                              "value": [5.0, 2.0]})
    figures = [kpi.trend(kpi_rows(), kpi_id="mrr", teams=["cs1", "all"], lang="en").figure,
               kpi.trend_grid(kpi_rows(), kpi_ids=["mrr", "logo_churn_rate"], teams=["cs1", "all"], lang="ja"),
               kpi.mrr_bridge(movements, team="all", lang="en").figure,
               cohorts.retention_curves(cohort_tidy, lang="ja").figure,
               cohorts.survival_plot(survival_curve(load_cohort_example()), lang="en").figure,
               cohorts.ltv_curves(cohort_ltv(load_cohort_example()), lang="en").figure,
               targets.target_vs_actual(result, actuals, lang="ja").figure,
               targets.plot_target_paths(results, actuals.rename("value").rename_axis("month").reset_index()
                                         .assign(team="cs1", kpi="logo_churn_rate"), lang="en")]
    for fig in figures:
        boxes = legend_boxes(fig)
        assert boxes, fig.get_label()
        data_areas = [ax.get_window_extent() for ax in fig.axes if ax.get_visible() and ax.axison]
        assert not any(box.overlaps(area) for box in boxes for area in data_areas), fig.get_label()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_figure_is_named_after_its_titles_in_its_language(styled, lang, cohort_tidy):
    pay = roles.pay_ranges(lang=lang).figure
    assert pay.get_label() == t("roles.pay.title", lang)
    heatmap = cohorts.retention_heatmap(cohort_tidy, lang=lang).figure
    assert heatmap.get_label() == t("cohort_plot.title.heatmap.logo", lang) + " (%)"
    empty = kpi.mrr_bridge(kpi_rows(), team="cs1", lang=lang).figure  # no movement KPIs: a titled empty panel
    assert empty.get_label() == t("plot.no_data", lang, title=t("plot.mrr_movements", lang))
    pair = roles.funnel_pair(funnel_rows(2), funnel_rows(10), lang=lang, team_name="A", company_name="B")
    assert pair.get_label() == " / ".join(t("roles.funnel.title", lang, team=name) for name in "AB")
    tree = targets.kpi_tree(["nrr_12m"], lang=lang).figure
    assert tree.get_label().startswith(t("plot.target.tree", lang))
    two = plt.subplots(1, 2)[1]  # a notebook's own figure holding two charts is named after both
    cohorts.retention_curves(cohort_tidy, lang=lang, ax=two[0])
    cohorts.ltv_curves(pd.DataFrame(columns=["cohort", "age", "value"]), lang=lang, ax=two[1])
    assert two[0].figure.get_label() == two[0].get_title() + " / " + two[1].get_title()


def test_the_notebook_image_carries_the_figure_label_as_alt_text(styled):
    fig = kpi.trend(kpi_rows(), kpi_id="mrr", teams=["cs1", "all"], lang="ja").figure
    png, metadata = _figure_png(fig)
    assert metadata == {"alt": "月次経常収益（MRR）"} == {"alt": fig.get_label()} and len(png) > 100
    assert isinstance(_figure_png(plt.subplots()[0]), str)  # an unnamed figure: the PNG alone


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_split_legends_name_each_segment_by_its_glossary_term(styled, lang):
    from cskit.cohorts import cohort_retention, survival_curve
    from cskit.datasets import load_sample
    from cskit.roles.glossary import glossary

    data = load_sample()
    terms = glossary(lang).set_index("id")["term"]
    names = {terms["enterprise"], terms["mid_market"], terms["smb"]}  # accounts.segment: enterprise, mid, smb
    curves = cohorts.retention_curves(cohort_retention(data, split="segment"), by="split", lang=lang)
    assert {text.get_text() for text in curves.get_legend().get_texts()} == names
    survival = cohorts.survival_plot(survival_curve(data, split="segment"), lang=lang)
    assert {text.get_text() for text in survival.get_legend().get_texts()} == names
