"""Health views and backtests for people (formatted tables, a plain reading) and for the command line (CSV, JSON, text).

Tidy frames come from :mod:`cskit.health.scores` and :mod:`cskit.health.backtest`;
this module only formats them: scores with one decimal, rates as %, band and signal
names in the page's language, account names as written.
"""
from __future__ import annotations

import io
import json

import pandas as pd

from ..i18n import t
from ..kpi.export import json_number
from ..kpi.health import SIGNALS
from ..kpi.present import people_table
from ..kpi.registry import format_value
from ..numbers import format_percent
from .backtest import Backtest
from .profiles import BANDS

__all__ = ["band_label", "signal_label", "accounts_table", "band_counts_table", "backtest_tables",
           "backtest_reading", "view_csv", "view_json", "backtest_long", "backtest_json", "render_view",
           "render_backtest"]

_BAND_KEYS = {"red": "health.band.red", "yellow": "health.band.yellow", "green": "health.band.green"}
_SIGNAL_KEYS = {"usage": "health.signal.usage", "survey": "health.signal.survey", "tickets": "health.signal.tickets",
                "mrr_trend": "health.signal.mrr_trend"}


def band_label(band: str, lang: str) -> str:
    """A band's name for people (empty for no band).

    Examples
    --------
    >>> band_label("red", "en"), band_label("red", "ja")
    ('Red', '赤')
    """
    return t(_BAND_KEYS[band], lang) if band in _BAND_KEYS else ""


def signal_label(signal: str, lang: str) -> str:
    """A signal's name for people.

    Examples
    --------
    >>> signal_label("mrr_trend", "en")
    'MRR trend'
    """
    return t(_SIGNAL_KEYS[signal], lang)


def _score(value: float, lang: str) -> str:
    return format_value("health_score", value, lang)


def _change(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:+.1f}"


def accounts_table(view: pd.DataFrame, lang: str, limit: int | None = None):
    """Accounts of :func:`cskit.health.scores.health_view` (or a subset) for people, in the frame's order.

    Examples
    --------
    >>> view = pd.DataFrame({"account_id": ["A1"], "account_name": ["Alpha"], "score": [32.5], "band": ["red"],
    ...                      "previous_score": [55.0], "change": [-22.5], "previous_band": ["yellow"],
    ...                      "contribution_usage": [20.0], "contribution_mrr_trend": [12.5]})
    >>> accounts_table(view, "en").data.values.tolist()
    [['A1', 'Alpha', '32.5', 'Red', '-22.5', 'Yellow', '20.0', '12.5']]
    """
    shown = view if limit is None else view.head(limit)
    name = t("notebook.col.account_name", lang)
    columns = {
        t("notebook.col.account_id", lang): shown["account_id"].astype(str).tolist(),
        name: shown["account_name"].astype(str).tolist(),
        t("health.col.score", lang): [_score(v, lang) for v in shown["score"]],
        t("health.col.band", lang): [band_label(b, lang) for b in shown["band"]],
        t("health.col.change", lang): [_change(v) for v in shown["change"]],
        t("health.col.previous_band", lang): [band_label(b, lang) for b in shown["previous_band"]],
    }
    for signal in SIGNALS:
        if f"contribution_{signal}" in shown.columns:
            columns[signal_label(signal, lang)] = ["—" if pd.isna(v) else f"{v:.1f}"
                                                   for v in shown[f"contribution_{signal}"]]
    return people_table(pd.DataFrame(columns), text_columns=2, names=[name])


def band_counts_table(view: pd.DataFrame, lang: str):
    """How many accounts are in each band, and their share.

    Examples
    --------
    >>> view = pd.DataFrame({"band": ["red", "green", "green", "yellow"]})
    >>> band_counts_table(view, "en").data.values.tolist()
    [['Red', '1', '25%'], ['Yellow', '1', '25%'], ['Green', '2', '50%']]
    """
    counts = view["band"].value_counts().reindex(list(BANDS), fill_value=0)
    total = max(int(counts.sum()), 1)
    return people_table(pd.DataFrame({
        t("health.col.band", lang): [band_label(b, lang) for b in BANDS],
        t("health.col.accounts", lang): [f"{int(n):,}" for n in counts],
        t("health.col.share", lang): [format_percent(n / total) for n in counts],
    }))


def backtest_tables(result: Backtest, lang: str) -> dict:
    """``{"summary", "bands", "signals"}``: the backtest as three tables for people."""
    s = result.summary
    auc = f"{s['auc']:.3f} ({s['auc_lower']:.3f}–{s['auc_upper']:.3f})"
    summary = pd.DataFrame({t("health.col.measure", lang): [
        t("health.bt.rows", lang), t("health.bt.base_rate", lang), t("health.bt.auc", lang),
        t("health.bt.red_lift", lang), t("health.bt.red_precision", lang), t("health.bt.red_recall", lang),
        t("health.bt.left_out", lang)],
        t("health.col.value", lang): [f"{s['rows']:,}", format_percent(s["base_rate"]), auc, _times(s["red_lift"]),
                                      format_percent(s["red_precision"]), format_percent(s["red_recall"]),
                                      f"{s['left_out']:,}"]})
    bands = pd.DataFrame({
        t("health.col.band", lang): [band_label(b, lang) for b in result.bands["band"]],
        t("health.col.rows", lang): [f"{n:,}" for n in result.bands["rows"]],
        t("health.col.events", lang): [f"{n:,}" for n in result.bands["events"]],
        t("health.col.rate", lang): [format_percent(v) if pd.notna(v) else "—" for v in result.bands["rate"]],
        t("health.col.lift", lang): [_times(v) for v in result.bands["lift"]],
    })
    signals = pd.DataFrame({
        t("health.col.signal", lang): [signal_label(n, lang) for n in result.signals["signal"]],
        t("health.col.rows", lang): [f"{n:,}" for n in result.signals["rows"]],
        t("health.bt.auc", lang): [f"{a:.3f} ({lo:.3f}–{hi:.3f})" if pd.notna(a) else "—"
                                   for a, lo, hi in result.signals[["auc", "lower", "upper"]].itertuples(index=False)],
    })
    return {"summary": people_table(summary), "bands": people_table(bands), "signals": people_table(signals)}


def _times(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.1f}×"


def backtest_reading(result: Backtest, lang: str) -> str:
    """The backtest's headline in one or two plain sentences.

    Examples
    --------
    >>> summary = {"auc": 0.8, "auc_lower": 0.78, "auc_upper": 0.82, "red_lift": 3.14, "horizon": 3,
    ...            "base_rate": 0.1, "contraction": 0.3}
    >>> bands = pd.DataFrame({"band": ["red"], "rate": [0.314]})
    >>> print(backtest_reading(Backtest(summary, bands, None, None), "en"))  # doctest: +NORMALIZE_WHITESPACE
    Red accounts churned or shrank by more than 30% within 3 months 3.1 times as often as the average
    (31.4% against 10%). The score's AUC is 0.80 (95% CI 0.78-0.82): 0.5 would be chance, 1 a perfect alarm.
    """
    s = result.summary
    red_rate = float(result.bands.loc[result.bands["band"] == "red", "rate"].iloc[0])
    return t("health.reading", lang, lift=f"{s['red_lift']:.1f}", horizon=s["horizon"],
             contraction=format_percent(s["contraction"]), red_rate=format_percent(red_rate),
             base_rate=format_percent(s["base_rate"]), auc=f"{s['auc']:.2f}", lower=f"{s['auc_lower']:.2f}",
             upper=f"{s['auc_upper']:.2f}")


# --------------------------------------------------------------------------- command line
def view_csv(view: pd.DataFrame) -> str:
    """The per-account view as CSV (12 significant digits, missing values empty)."""
    buffer = io.StringIO()
    view.to_csv(buffer, index=False, float_format="%.12g", lineterminator="\n")
    return buffer.getvalue()


def view_json(view: pd.DataFrame) -> str:
    """The per-account view as a JSON list of objects."""
    records = [{k: (json_number(v) if isinstance(v, float) else (bool(v) if k == "dropped" else v))
                for k, v in row.items()} for row in view.to_dict(orient="records")]
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def backtest_long(result: Backtest) -> pd.DataFrame:
    """The backtest as one tidy table ``part, item, measure, value`` (summary, bands, signals).

    Examples
    --------
    >>> summary = {"rows": 10, "auc": 0.7}
    >>> bands = pd.DataFrame({"band": ["red"], "rows": [2], "rate": [0.5]})
    >>> signals = pd.DataFrame({"signal": ["usage"], "auc": [0.6]})
    >>> backtest_long(Backtest(summary, bands, signals, None)).values.tolist()
    [['summary', 'all', 'rows', 10], ['summary', 'all', 'auc', 0.7], ['band', 'red', 'rows', 2], ['band', 'red', 'rate', 0.5], ['signal', 'usage', 'auc', 0.6]]
    """
    rows = [("summary", "all", k, v) for k, v in result.summary.items()]
    for part, frame, key in (("band", result.bands, "band"), ("signal", result.signals, "signal")):
        for record in frame.to_dict(orient="records"):
            rows += [(part, record[key], k, v) for k, v in record.items() if k != key]
    rows = [(part, item, measure, json_number(v) if isinstance(v, float) else v) for part, item, measure, v in rows]
    return pd.DataFrame(rows, columns=["part", "item", "measure", "value"], dtype=object)


def backtest_json(result: Backtest) -> str:
    """``{"summary": {...}, "bands": [...], "signals": [...]}``."""
    def clean(record: dict) -> dict:
        return {k: json_number(v) if isinstance(v, float) else (int(v) if hasattr(v, "dtype") else v)
                for k, v in record.items()}

    return json.dumps({"summary": clean(result.summary),
                       "bands": [clean(r) for r in result.bands.to_dict(orient="records")],
                       "signals": [clean(r) for r in result.signals.to_dict(orient="records")]},
                      ensure_ascii=False, indent=1) + "\n"


def render_view(view: pd.DataFrame, lang: str, title: str) -> str:
    """The per-account view as a text table (lowest score first)."""
    from ..terminal import render_table

    frame = accounts_table(view, lang).data
    notes = [t("health.dropped_count", lang, count=int(view["dropped"].sum()))]
    return render_table(frame, title=title, notes=notes, right=list(frame.columns[2:]))


def render_backtest(result: Backtest, lang: str, title: str) -> str:
    """The backtest as three text tables and the plain reading."""
    from ..terminal import render_table

    tables = backtest_tables(result, lang)
    text = render_table(tables["summary"].data, title=title)
    text += render_table(tables["bands"].data, right=list(tables["bands"].data.columns[1:]))
    text += render_table(tables["signals"].data, right=list(tables["signals"].data.columns[1:]),
                         notes=[backtest_reading(result, lang), t("health.bt.ci_note", lang)])
    return text
