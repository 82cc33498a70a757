"""The KPI registry: the one place a KPI's names, definition and formula are written.

The entries live in ``registry.yml`` beside this module (bilingual text is easier to
review as data). Notebooks, the CLI, targets and reports all read from here; the
computations in :mod:`cskit.kpi.engine` produce exactly these ids.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import numpy as np
import pandas as pd

from .._yaml import safe_load
from ..errors import CskitError
from ..i18n import pick, t


UNITS = ("count", "rate", "money", "score", "days", "hours", "months", "ratio")
#: Symbol written before money amounts, by ISO currency code (others: the code and a space).
CURRENCY_SYMBOLS = {"JPY": "¥", "USD": "$", "EUR": "€"}

#: Values a KPI of each unit can take, unless its registry entry gives a ``range``.
UNIT_RANGE = {"rate": (0.0, 1.0), "score": (0.0, 100.0)}
_NON_NEGATIVE = (0.0, math.inf)
DIRECTIONS = ("higher", "lower")


@dataclass(frozen=True)
class Alternative:
    """Another definition in use for the same KPI word (the registry's ``alternatives``).

    Attributes
    ----------
    id : str
        Stable id; :mod:`cskit.kpi.conventions` computes the alternative by it.
    name, formula, note : dict
        ``{"ja": ..., "en": ...}``: what it is called, how it is computed, and in one
        sentence why its value differs from cskit's.
    source : str or None
        The tool that publishes this definition, or ``None`` when no vendor is named.
    kpi : str or None
        The registry id when the alternative is itself a KPI the engine computes.

    Examples
    --------
    >>> alternative = get_kpi("logo_churn_rate").alternatives[0]
    >>> alternative.id, alternative.source
    ('logo_churn_with_new_customers', 'Stripe')
    """

    id: str
    name: dict
    formula: dict
    note: dict
    source: str | None = None
    kpi: str | None = None

    def label(self, lang: str | None = None) -> str:
        """The alternative's name in ``lang``."""
        return pick(self.name, lang)


@dataclass(frozen=True)
class Kpi:
    """One KPI as the registry defines it.

    Attributes
    ----------
    id : str
        Stable snake_case id used everywhere (CLI, tidy tables, targets).
    family : str
        Group the engine computes it in (``revenue``, ``retention``, ...).
    name, short, definition, formula : dict
        ``{"ja": ..., "en": ...}`` text.
    latex : str
        The formula for notebooks (MathJax/KaTeX).
    unit : str
        One of :data:`UNITS`; rates are fractions 0-1.
    direction : {"higher", "lower"}
        Which way is better.
    roles : tuple of str
        Owning roles; several for KPIs CS and Sales share.
    tables : tuple of str
        Dataset tables needed to compute it.
    attribution : {"accounts", "team"}
        Counted over a team's accounts, or over rows whose ``team`` column is the team.
    additive : bool
        Team values add up to the company value.
    parent : str or None
        Parent in the KPI tree (``None`` for the KGI).
    kgi : bool
        A key goal indicator (a root of the tree).
    value_range : tuple of float
        ``(low, high)`` values the KPI can take, in its unit (``inf`` = unbounded): the
        entry's ``range``, else rates 0-1, scores 0-100, other units 0 or more.
    complete_after : int
        Months that must end after a month before its value is final: 0 for most KPIs,
        1 for those that count items by the month they were opened and their outcome
        later (a ticket's resolution); :mod:`cskit.kpi.latest` applies it.
    convention : dict or None
        ``{"ja": ..., "en": ...}``: which of the definitions in use the KPI follows
        (every retention and efficiency KPI has one).
    alternatives : tuple of Alternative
        The best-known other definitions of the same word and why they differ.

    Examples
    --------
    >>> kpi = get_kpi("nrr_12m")
    >>> kpi.short_label("en"), kpi.unit, kpi.is_rate, kpi.higher_is_better
    ('NRR 12m', 'rate', True, True)
    """

    id: str
    family: str
    name: dict
    short: dict
    definition: dict
    formula: dict
    latex: str
    unit: str
    direction: str
    roles: tuple[str, ...]
    tables: tuple[str, ...]
    attribution: str
    additive: bool
    parent: str | None
    kgi: bool
    value_range: tuple[float, float] = _NON_NEGATIVE
    complete_after: int = 0
    convention: dict | None = None
    alternatives: tuple[Alternative, ...] = ()

    def label(self, lang: str | None = None) -> str:
        """Full name in ``lang``."""
        return pick(self.name, lang)

    def short_label(self, lang: str | None = None) -> str:
        """Short name for chart axes in ``lang``."""
        return pick(self.short, lang)

    @property
    def is_rate(self) -> bool:
        """True for a rate (a fraction 0-1, shown as %)."""
        return self.unit == "rate"

    @property
    def higher_is_better(self) -> bool:
        """True when a higher value is better (``direction == "higher"``)."""
        return self.direction == "higher"


def _value_range(entry: dict) -> tuple[float, float]:
    if "range" not in entry:
        return UNIT_RANGE.get(entry["unit"], _NON_NEGATIVE)
    low, high = entry["range"]
    return (-math.inf if low is None else float(low), math.inf if high is None else float(high))


def _alternative(kpi_id: str, raw: dict) -> Alternative:
    for field in ("name", "formula", "note"):
        if not isinstance(raw.get(field), dict) or set(raw[field]) != {"ja", "en"}:
            raise ValueError(f"registry.yml, {kpi_id}, alternative {raw.get('id')}: {field} needs ja and en")
    return Alternative(id=raw["id"], name=raw["name"], formula=raw["formula"], note=raw["note"],
                       source=raw.get("source"), kpi=raw.get("kpi"))


@lru_cache(maxsize=1)
def _load() -> dict[str, Kpi]:
    raw = safe_load(files("cskit.kpi").joinpath("registry.yml").read_text(encoding="utf-8"))
    registry: dict[str, Kpi] = {}
    for entry in raw:
        if entry["unit"] not in UNITS or entry["direction"] not in DIRECTIONS:
            raise ValueError(f"registry.yml, {entry['id']}: unit must be one of {UNITS}, direction one of {DIRECTIONS}")
        registry[entry["id"]] = Kpi(
            id=entry["id"],
            family=entry["family"],
            name=entry["name"],
            short=entry["short"],
            definition=entry["definition"],
            formula=entry["formula"],
            latex=entry["latex"],
            unit=entry["unit"],
            direction=entry["direction"],
            roles=tuple(entry["roles"]),
            tables=tuple(entry["tables"]),
            attribution=entry["attribution"],
            additive=bool(entry["additive"]),
            parent=entry.get("parent"),
            kgi=bool(entry.get("kgi", False)),
            value_range=_value_range(entry),
            complete_after=int(entry.get("complete_after", 0)),
            convention=entry.get("convention"),
            alternatives=tuple(_alternative(entry["id"], alt) for alt in entry.get("alternatives") or ()),
        )
    return registry


def registry() -> dict[str, Kpi]:
    """Return every KPI keyed by id, in registry order.

    Examples
    --------
    >>> list(registry())[:3]
    ['mrr', 'customers', 'new_mrr']
    """
    return _load()


def get_kpi(kpi_id: str) -> Kpi:
    """Return KPI ``kpi_id``.

    Raises
    ------
    CskitError
        If the id is not in the registry (the message lists the known ids).

    Examples
    --------
    >>> get_kpi("nrr_12m").label("en")
    'Net revenue retention (NRR, 12 months)'
    """
    try:
        return _load()[kpi_id]
    except KeyError:
        raise CskitError("kpi.unknown", kpi=kpi_id, known=", ".join(_load())) from None


def path_to_kgi(kpi_id: str) -> list[str]:
    """Ids from ``kpi_id`` up through its parents to a KGI.

    Examples
    --------
    >>> path_to_kgi("logo_churn_rate")
    ['logo_churn_rate', 'grr_12m', 'nrr_12m', 'mrr']
    """
    path, seen = [kpi_id], {kpi_id}
    kpi = get_kpi(kpi_id)
    while kpi.parent is not None:
        if kpi.parent in seen:  # a cycle would be a registry bug; stop rather than loop
            break
        path.append(kpi.parent)
        seen.add(kpi.parent)
        kpi = get_kpi(kpi.parent)
    return path


def kpi_frame(lang: str | None = None) -> pd.DataFrame:
    """The registry as a table (one row per KPI) with text in ``lang``.

    Examples
    --------
    >>> kpi_frame("en").loc[0, ["id", "name", "unit"]].tolist()
    ['mrr', 'Monthly recurring revenue (MRR)', 'money']
    """
    rows = [
        {
            "id": k.id,
            "family": k.family,
            "name": k.label(lang),
            "definition": pick(k.definition, lang),
            "formula": pick(k.formula, lang),
            "unit": k.unit,
            "direction": k.direction,
            "roles": ", ".join(k.roles),
            "parent": k.parent,
            "convention": pick(k.convention, lang) if k.convention else "",
        }
        for k in _load().values()
    ]
    return pd.DataFrame(rows)


def convention_lines(kpi_id: str, lang: str | None = None) -> list[str]:
    """Sentences saying which convention a KPI follows and the alternatives in use, in ``lang``.

    Shown under a KPI's definition wherever definitions are shown (the glossary,
    :func:`cskit.notebook.explain_kpi`); empty for a KPI without a ``convention``.

    Examples
    --------
    >>> lines = convention_lines("logo_churn_rate", "en")
    >>> lines[0].startswith("Convention: The denominator is last month's"), "(Stripe)" in lines[1]
    (True, True)
    >>> convention_lines("mrr", "en")
    []
    """
    kpi = get_kpi(kpi_id)
    if not kpi.convention:
        return []
    lines = [t("conventions.convention", lang, convention=pick(kpi.convention, lang))]
    for alternative in kpi.alternatives:
        lines.append(t("conventions.alternative", lang, name=alternative_name(alternative, lang),
                       formula=pick(alternative.formula, lang).rstrip("。."), note=pick(alternative.note, lang)))
    return lines


def alternative_name(alternative: Alternative, lang: str | None = None) -> str:
    """An alternative's name in ``lang``, with the tool that publishes it when the registry names one.

    Examples
    --------
    >>> alternative_name(get_kpi("ltv").alternatives[0], "en")
    'LTV without gross margin (ChartMogul, Baremetrics)'
    """
    if alternative.source:
        return t("conventions.with_source", lang, name=alternative.label(lang), source=alternative.source)
    return alternative.label(lang)


def kpis_for_role(role: str) -> list[Kpi]:
    """KPIs a role owns (shared ones included), in registry order.

    Examples
    --------
    >>> [k.id for k in kpis_for_role("support")][:2]
    ['csat', 'tickets_opened']
    """
    return [k for k in _load().values() if role in k.roles]


#: Message key of what follows the number of a duration, by unit (``12.0日`` / ``12.0 d``;
#: :func:`format_value`, :func:`format_change`).
UNIT_SUFFIX_KEYS = {"days": "kpi.suffix.days", "hours": "kpi.suffix.hours", "months": "kpi.suffix.months"}


def format_value(kpi_id: str, value: float, lang: str | None = None, currency: str = "JPY") -> str:
    """Format a KPI value for people: rates as %, money with the currency, NaN as an em dash.

    Parameters
    ----------
    kpi_id : str
    value : float
        In the KPI's unit (rates as fractions 0-1).
    lang : {"ja", "en"} or None
        ``None``: ``$CSKIT_LANG``, else Japanese.
    currency : str
        ISO code of money values.

    Returns
    -------
    str

    Examples
    --------
    >>> format_value("nrr_12m", 1.052), format_value("mrr", 1234567), format_value("sales_cycle_days", 12.25, "en")
    ('105.2%', '¥1,234,567', '12.2 d')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "—"
    unit = get_kpi(kpi_id).unit
    if unit == "rate":
        return f"{value * 100:.1f}%"
    if unit == "money":
        symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
        return f"{symbol}{value:,.0f}"
    if unit == "count":
        return f"{value:,.0f}"
    if unit in UNIT_SUFFIX_KEYS:
        return f"{value:,.1f}{t(UNIT_SUFFIX_KEYS[unit], lang)}"
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:,.1f}"


#: The smallest size below one unit written out; a smaller one is written ``<0.001``.
_SMALLEST = 0.001


def _two_digits(size: float) -> str:
    """A size below one unit with two significant digits, never in scientific notation nor below 0.001.

    Examples
    --------
    >>> _two_digits(0.25), _two_digits(0.0123), _two_digits(0.00099)
    ('0.25', '0.012', '<0.001')
    """
    if 0 < size < _SMALLEST:
        return f"<{_SMALLEST}"
    return np.format_float_positional(size, precision=2, fractional=False, trim="-")


def format_points(change: float, signed: bool = False) -> str:
    """A change of a rate in percentage points: ``0.0123`` -> ``"1.2pt"``.

    The one way cskit writes a rate's change: one decimal, as the rates themselves
    (:func:`format_value`), and two significant digits below one point (a churn rate
    moves by hundredths of a point a month).

    Parameters
    ----------
    change : float
        Difference of two rates, as a fraction (0.01 is one point).
    signed : bool
        Write ``+`` before a rise (a fall always has its ``-``).

    Examples
    --------
    >>> format_points(0.0123), format_points(-0.0008), format_points(0.05, signed=True)
    ('1.2pt', '-0.08pt', '+5.0pt')
    """
    points = float(change) * 100
    size = abs(points)
    sign = "-" if points < 0 else "+" if signed else ""
    return sign + (f"{size:.1f}" if size >= 1 or size == 0 else _two_digits(size)) + "pt"


def format_change(kpi_id: str, change: float, lang: str | None = None, currency: str = "JPY",
                  signed: bool = True) -> str:
    """Format a change of a KPI for people, in the KPI's unit (NaN as an em dash).

    Rates change in points (:func:`format_points`). Any other change of at least one
    unit is written as :func:`format_value` writes a value of that size, money always;
    a smaller one with two significant digits and the unit's suffix (a per-month change
    can be a fraction of a day or of a customer), ``<0.001`` below a thousandth. A fall
    always has its ``-``.

    Parameters
    ----------
    kpi_id : str
    change : float
        Difference of two values, in the KPI's unit (rates as fractions 0-1).
    lang : {"ja", "en"} or None
    currency : str
        ISO code of money values.
    signed : bool
        Write ``+`` before a rise (a year-on-year change); ``False`` for an amount of
        change such as "needed per month".

    Examples
    --------
    >>> format_change("logo_churn_rate", -0.004)
    '-0.4pt'
    >>> format_change("mrr", 150000.0, "en")
    '+¥150,000'
    >>> format_change("median_first_response_hours", 0.25, "en", signed=False)
    '0.25 h'
    >>> format_change("median_first_response_hours", 0.00099, "en", signed=False)  # 4 seconds a month
    '<0.001 h'
    """
    if change is None or pd.isna(change):
        return "—"
    unit = get_kpi(kpi_id).unit
    if unit == "rate":
        return format_points(change, signed)
    sign = "-" if change < 0 else "+" if signed else ""
    size = abs(float(change))
    if size >= 1 or size == 0 or unit == "money":
        return sign + format_value(kpi_id, size, lang, currency)
    suffix = t(UNIT_SUFFIX_KEYS[unit], lang) if unit in UNIT_SUFFIX_KEYS else ""
    return sign + _two_digits(size) + suffix
