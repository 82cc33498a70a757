"""Cohort results for people: tables in the page's language, with units and display names.

The functions of :mod:`.retention` and :mod:`.survival` return tidy frames for code.
The functions here turn them into tables a person reads (pandas Stylers): rates as %,
money with separators and the currency, censored cells blank, no row numbers, headers
and group names in ``lang`` (a segment or a touch model by its glossary term,
:func:`split_label`). :func:`data_view` shows a tidy frame as it is, folded away, for
analysts who want the numbers behind a table.
"""
from __future__ import annotations

import html

import pandas as pd

from ..i18n import t
from ..kpi.registry import format_value
from ..options import check_lang
from .aged import NO_VALUE
from .retention import period_of, retention_matrix

__all__ = ["SPLIT_KEYS", "AGE_COLUMN_KEYS", "percent", "split_label", "split_name", "retention_table", "mrr_table", "lifetimes_table", "survival_table", "rmst_table", "data_view"]


#: Message keys (``content/messages/cohorts.yml``) written out in full, so a search for a key finds its users.
SPLIT_KEYS = {"team": "cohort.split.team", "segment": "cohort.split.segment", "touch_model": "cohort.split.touch_model"}
AGE_COLUMN_KEYS = {"month": "cohort.col.age.month", "quarter": "cohort.col.age.quarter"}


def percent(value, missing: str = "—") -> str:
    """A share as a whole percent (``0.571`` -> ``"57%"``), ``missing`` when unknown.

    Examples
    --------
    >>> percent(0.5714), percent(1.2857), percent(float("nan")), percent(None, "")
    ('57%', '129%', '—', '')
    """
    return missing if value is None or pd.isna(value) else f"{value * 100:.0f}%"


def split_label(split: str | None, value, lang: str | None = None) -> str:
    """Display name of a split group: a segment or touch model by its glossary term.

    Parameters
    ----------
    split : {"segment", "touch_model", "team"} or None
        The column the result was split by (``attrs["split"]``).
    value : str
        The group (``"smb"``, ``"high"``; :data:`~cskit.cohorts.NO_VALUE` for accounts
        without a value).
    lang : {"ja", "en"} or None

    Examples
    --------
    >>> split_label("segment", "enterprise", "ja"), split_label("touch_model", "high", "en")
    ('エンタープライズ', 'High touch')
    >>> split_label("segment", "(none)", "ja"), split_label("team", "cs_smb", "en")
    ('（未設定）', 'cs_smb')
    """
    from ..roles.glossary import value_name

    lang = check_lang(lang)
    if value == NO_VALUE:
        return t("cohort.no_value", lang)
    return value_name(split or "", value, lang)


def split_name(split: str | None, lang: str | None = None) -> str:
    """Name of the column a result is split by: its term for team, segment and touch model, else the column.

    Examples
    --------
    >>> split_name("touch_model", "en"), split_name("industry", "ja")
    ('touch model', 'industry')
    """
    lang = check_lang(lang)
    split = split or "segment"
    return t(SPLIT_KEYS[split], lang) if split in SPLIT_KEYS else split


def _header(text: str) -> str:
    """A column header: the message with a capital first letter (``segment`` -> ``Segment``)."""
    return text[:1].upper() + text[1:]


def _styled(frame: pd.DataFrame, name: str, hide_index: bool = False, left: tuple = ()):
    """``frame`` as a Styler with a fixed id (the same table renders to the same bytes),
    the text columns ``left`` aligned left (numbers stay right)."""
    styler = frame.style.set_uuid(f"cskit-{name}")
    if left:
        styler = styler.set_table_styles({column: [{"selector": "", "props": "text-align: left"}] for column in left},
                                         overwrite=False)
    return styler.hide(axis="index") if hide_index else styler


def retention_table(tidy: pd.DataFrame, lang: str | None = None, currency: str | None = None):
    """The cohort matrix for people: cohorts in rows, ages in columns, formatted values.

    Parameters
    ----------
    tidy : DataFrame
        :func:`~cskit.cohorts.cohort_retention` (values as %) or
        :func:`~cskit.cohorts.cohort_ltv` output (money per account).
    lang : {"ja", "en"} or None
    currency : str, optional
        ISO code of money values; default ``tidy.attrs["currency"]``, else JPY.

    Returns
    -------
    pandas.io.formats.style.Styler
        Text cells; censored cells (after the data's last month) are blank.

    Examples
    --------
    >>> from cskit.cohorts import cohort_ltv, cohort_retention
    >>> from cskit.datasets import load_cohort_example
    >>> data = load_cohort_example()  # notebook 04's five accounts
    >>> retention_table(cohort_retention(data, metric="revenue"), "en").data
    Age (months)     0     1     2     3     4     5
    Cohort
    2024-01       100%  100%   50%   50%   50%   50%
    2024-02       100%   57%  100%  129%  129%
    2024-03       100%  100%  100%  100%
    >>> retention_table(cohort_ltv(data), "ja").data.loc["2024-02", 4]
    '¥900,000'
    """
    lang = check_lang(lang)
    currency = currency or tidy.attrs.get("currency", "JPY")
    money = tidy.attrs.get("kind") == "ltv"
    wide = retention_matrix(tidy)
    text = wide.apply(lambda column: [("" if pd.isna(v) else format_value("ltv", v, lang, currency) if money
                                       else percent(v)) for v in column])
    cohort_header = t("cohort.col.cohort", lang)
    if "split" in tidy:
        split = tidy.attrs.get("split")
        labels = [(split_label(split, group, lang), cohort) for group, cohort in text.index]
        text.index = pd.MultiIndex.from_tuples(labels, names=[_header(t(SPLIT_KEYS[split or "segment"], lang)),
                                                              cohort_header])
    else:
        text = text.rename_axis(index=cohort_header)
    text = text.rename_axis(columns=t(AGE_COLUMN_KEYS[period_of(tidy)], lang))
    return _styled(text, "retention")


def mrr_table(wide: pd.DataFrame, lang: str | None = None, currency: str = "JPY"):
    """Monthly MRR of a few accounts (accounts in rows, months in columns) as money.

    Examples
    --------
    >>> from cskit.datasets import COHORT_EXAMPLE_MRR
    >>> mrr_table(COHORT_EXAMPLE_MRR.iloc[:2, :3], "en").data
    Month       2024-01   2024-02   2024-03
    Account
    A        ¥100,000  ¥100,000  ¥100,000
    B        ¥100,000  ¥100,000        ¥0
    """
    lang = check_lang(lang)
    text = wide.apply(lambda column: [format_value("mrr", v, lang, currency) for v in column])
    text = text.rename_axis(index=t("cohort.col.account", lang), columns=t("cohort.col.month", lang))  # a copy
    return _styled(text, "mrr")


def lifetimes_table(frame: pd.DataFrame, lang: str | None = None):
    """:func:`~cskit.cohorts.lifetimes` for people: each account's months and whether it churned.

    Examples
    --------
    >>> from cskit.cohorts import lifetimes
    >>> from cskit.datasets import load_cohort_example
    >>> lifetimes_table(lifetimes(load_cohort_example()), "en").data.iloc[:2]
      Account   Cohort  Months                   Status
    0       A  2024-01       5  Still paying (censored)
    1       B  2024-01       2                  Churned
    """
    lang = check_lang(lang)
    status = {True: t("cohort.status.churned", lang), False: t("cohort.status.censored", lang)}
    table = pd.DataFrame({
        t("cohort.col.account", lang): frame["account_id"],
        t("cohort.col.cohort", lang): frame["cohort"],
        t("cohort.col.months", lang): frame["duration"].astype("int64"),
        t("cohort.col.status", lang): [status[bool(churned)] for churned in frame["churned"]],
    })
    if "split" in frame:
        split = frame.attrs.get("split")
        table.insert(2, _header(split_name(split, lang)),
                     [split_label(split, group, lang) for group in frame["split"]])
    text_columns = [column for column in table if table[column].dtype == object]
    return _styled(table, "lifetimes", hide_index=True, left=tuple(text_columns))


def survival_table(curve: pd.DataFrame, lang: str | None = None):
    """:func:`~cskit.cohorts.survival_curve` for people: counts, the share never churned and its band.

    Examples
    --------
    >>> from cskit.cohorts import survival_curve
    >>> from cskit.datasets import load_cohort_example
    >>> survival_table(survival_curve(load_cohort_example()), "en").data.iloc[:3]
       Age (months)  At risk  First churns  Censored Never churned 95 % band
    0             0        5             0         0          100%  100% to 100%
    1             1        5             1         0           80%   20% to 97%
    2             2        4             1         0           60%   13% to 88%
    """
    lang = check_lang(lang)
    level = round((1 - curve.attrs.get("alpha", 0.05)) * 100)
    table = pd.DataFrame({
        t("cohort.col.age.month", lang): curve["age"].astype("int64"),
        t("cohort.col.at_risk", lang): curve["at_risk"].astype("int64"),
        t("cohort.col.events", lang): curve["events"].astype("int64"),
        t("cohort.col.censored", lang): curve["censored"].astype("int64"),
        t("cohort.col.survival", lang): [percent(v) for v in curve["survival"]],
        t("cohort.col.band", lang, level=level): [t("cohort.band_range", lang, low=percent(low), high=percent(high))
                                                  for low, high in zip(curve["lower"], curve["upper"])],
    })
    if "entered" in curve and (curve["entered"].to_numpy()[curve["age"].to_numpy() > 0] > 0).any():
        table.insert(4, t("cohort.col.entered", lang), curve["entered"].where(curve["age"] > 0, 0).astype("int64"))
    if "split" in curve:
        split = curve.attrs.get("split")
        table.insert(0, _header(split_name(split, lang)),
                     [split_label(split, group, lang) for group in curve["split"]])
    return _styled(table, "survival", hide_index=True, left=tuple(table.columns[:1]) if "split" in curve else ())


def rmst_table(comparison, lang: str | None = None):
    """RMST rows of a :func:`~cskit.cohorts.survival_comparison` for people: months paid out of the first N.

    Examples
    --------
    >>> from cskit.cohorts import Comparison
    >>> rows = pd.DataFrame({"split": ["high", "tech"], "months": [12, 12], "rmst": [11.2, 9.75],
    ...                      "lower": [10.9, 9.5], "upper": [11.5, 10.0]})
    >>> rmst_table(Comparison("touch_model", ["high", "tech"], rmst=rows), "en").data
      Touch model  Horizon (months)  Mean months paid       95 % interval
    0  High touch                12              11.2  10.9 to 11.5 months
    1  Tech touch                12               9.8  9.5 to 10.0 months
    """
    lang = check_lang(lang)
    rows = comparison.rmst
    level = round((1 - comparison.alpha) * 100)

    def months(value) -> str:
        return "—" if pd.isna(value) else f"{value:.1f}"

    table = pd.DataFrame({
        t("survival.col.horizon", lang): rows["months"].astype("int64"),
        t("survival.col.rmst", lang): [months(v) for v in rows["rmst"]],
        t("survival.col.interval", lang, level=level): [
            "—" if pd.isna(low) else t("survival.interval", lang, low=months(low), high=months(high))
            for low, high in zip(rows["lower"], rows["upper"])],
    })
    if comparison.split is not None:
        table.insert(0, _header(split_name(comparison.split, lang)),
                     [split_label(comparison.split, group, lang) for group in rows["split"]])
    return _styled(table, "rmst", hide_index=True, left=tuple(table.columns[:1]) if comparison.split else ())


class _Folded:
    """HTML that shows a frame as pandas prints it, inside a closed ``<details>``."""

    def __init__(self, summary: str, text: str):
        self.summary, self.text = summary, text

    def _repr_html_(self) -> str:
        return (f'<details class="cskit-data"><summary>{self.summary}</summary>'
                f"<pre>{html.escape(self.text)}</pre></details>")

    def __repr__(self) -> str:
        return self.text


def data_view(frame: pd.DataFrame, lang: str | None = None, source: str = "") -> _Folded:
    """A tidy frame as it is, for analysts: folded away under a summary line in ``lang``.

    Parameters
    ----------
    frame : DataFrame
        Any result (the raw numbers behind a formatted table).
    lang : {"ja", "en"} or None
    source : str
        The call that made it, shown as code in the summary (``cohorts.cohort_retention(example)``).

    Examples
    --------
    >>> view = data_view(pd.DataFrame({"value": [0.5]}), "en", "f()")
    >>> print(view._repr_html_().replace("\\n", " | "))
    <details class="cskit-data"><summary>The data for analysts (what <code>f()</code> returns)</summary><pre>   value | 0    0.5</pre></details>
    """
    lang = check_lang(lang)
    summary = t("cohort.data_view", lang, name=f"<code>{html.escape(source)}</code>")
    return _Folded(summary, frame.to_string())
