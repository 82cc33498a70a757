"""Numbers in prose, as each language writes them, and numbers as learners type them.

Tables keep full figures with separators (``¥1,800,000``, :func:`cskit.kpi.registry.format_value`);
a sentence reads better with Japanese units of 万 and 億 (``180万円``, ``5億ドル``) or English
millions and billions (``¥1.8 million``, ``USD 500 million``). :func:`parse_number` reads
what a learner types into an answer field in either style.
"""
from __future__ import annotations

import math
import re
import unicodedata

from .options import check_lang

__all__ = ["format_large", "format_percent", "parse_number", "ParsedNumber"]

#: Japanese units of large numbers, largest first.
JA_UNITS = ((10**8, "億"), (10**4, "万"))
#: English scales of large numbers, largest first.
EN_UNITS = ((10**9, "billion"), (10**6, "million"))
#: How a currency is written around a number: (Japanese suffix, English prefix).
CURRENCY_WORDS = {"JPY": ("円", "¥"), "USD": ("ドル", "USD "), "EUR": ("ユーロ", "EUR ")}
#: Multipliers a learner may type after a number (either language; case-insensitive for Latin).
TYPED_SCALES = {"億": 10**8, "万": 10**4, "千": 10**3, "b": 10**9, "bn": 10**9, "billion": 10**9,
                "m": 10**6, "mn": 10**6, "million": 10**6, "k": 10**3, "thousand": 10**3}
_TYPED = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*(億|万|千|[a-z]+)?\s*(%)?$")


def _short(value: float) -> str:
    """Up to three significant digits, no trailing zeros: 1.8, 12.5, 180, 1,250."""
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{float(f'{value:.3g}'):g}"


def format_large(value: float, lang: str | None = None, currency: str | None = None) -> str:
    """A number for a sentence: ``180万円`` / ``¥1.8 million``; ``—`` when there is none.

    Parameters
    ----------
    value : float
        The amount (in ``currency`` when given).
    lang : {"ja", "en"} or None
    currency : str, optional
        ISO code (``JPY``, ``USD``, ``EUR``); ``None`` for a plain count.

    Returns
    -------
    str
        Japanese: in 万 or 億 from ten thousand up (``1万2,000円`` is written ``1.2万円``);
        English: in millions or billions from a million up; smaller numbers with separators.

    Examples
    --------
    >>> format_large(1_800_000, "ja", "JPY"), format_large(1_800_000, "en", "JPY")
    ('180万円', '¥1.8 million')
    >>> format_large(500_000_000, "ja", "USD"), format_large(500_000_000, "en", "USD")
    ('5億ドル', 'USD 500 million')
    >>> format_large(20_000, "en", "JPY"), format_large(12_000, "ja"), format_large(float("nan"), "en")
    ('¥20,000', '1.2万', '—')
    """
    lang = check_lang(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    sign, size = ("-" if value < 0 else ""), abs(float(value))
    units = JA_UNITS if lang == "ja" else EN_UNITS
    scaled = [f"{_short(size / scale)}{'' if lang == 'ja' else ' '}{name}" for scale, name in units if size >= scale]
    number = scaled[0] if scaled else f"{size:,.0f}" if size >= 1 or size == 0 else f"{size:g}"
    if currency is None:
        return sign + number
    suffix, prefix = CURRENCY_WORDS.get(currency, (currency, currency + " "))
    return f"{sign}{number}{suffix}" if lang == "ja" else f"{sign}{prefix}{number}"


def format_percent(fraction: float, decimals: int = 1) -> str:
    """A fraction as a percentage with at most ``decimals`` decimals, no trailing zeros.

    Examples
    --------
    >>> format_percent(0.6323), format_percent(0.7), format_percent(float("nan"))
    ('63.2%', '70%', '—')
    """
    if fraction is None or math.isnan(fraction):
        return "—"
    return f"{round(fraction * 100, decimals):g}%"


class ParsedNumber(float):
    """A typed number; ``percent`` is true when the learner wrote ``%`` (the value is then a fraction)."""

    percent: bool = False


def parse_number(text) -> ParsedNumber | None:
    """Read a number as a learner types it: ``0.63``, ``63%``, ``1,800,000``, ``180万``, ``1.8M``, ``１８０万円``.

    Full-width characters are read as their ASCII forms; separators, currency signs and
    words (円, ドル, yen, ¥, $) are ignored.

    Returns
    -------
    ParsedNumber or None
        ``None`` when ``text`` is not a number (an empty answer is not one either).

    Examples
    --------
    >>> parse_number("180万円"), parse_number("1.8 M"), parse_number("63%"), parse_number("abc")
    (1800000.0, 1800000.0, 0.63, None)
    >>> parse_number("63%").percent, parse_number(0.5)
    (True, 0.5)
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return None if math.isnan(text) else ParsedNumber(text)
    if not isinstance(text, str):
        return None
    cleaned = unicodedata.normalize("NFKC", text).strip().lower()
    for word in ("円", "ドル", "yen", "jpy", "usd", "¥", "$", ",", " ", "約", "about"):
        cleaned = cleaned.replace(word, "")
    match = _TYPED.match(cleaned)
    if not match or (match.group(2) and match.group(2) not in TYPED_SCALES):
        return None
    number = float(match.group(1)) * TYPED_SCALES.get(match.group(2) or "", 1)
    parsed = ParsedNumber(number / 100 if match.group(3) else number)
    parsed.percent = bool(match.group(3))
    return parsed
