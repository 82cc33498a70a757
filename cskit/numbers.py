"""Large numbers in prose, written the way each language reads them.

Japanese groups digits by four and names the groups (万, 億, 兆), so 500,000,000 US
dollars is ``5億ドル``, 1,800,000 yen ``180万円`` and 12,000 yen ``1万2,000円``. English
names millions and billions and puts the ISO currency code first: ``USD 500 million``,
``JPY 1.8 million``. :func:`format_large` is the one place this is done; case figures,
answer keys and exercise feedback call it.

Nothing is rounded. A Japanese form keeps every digit (``123万4,567``); an English value
that has no exact short form (1,234,567) is written out in full. Say "about" in the
sentence around the number when the source says it, not here.

:func:`parse_number` reads a number as a learner types it in either style (``180万``,
``1.8M``, ``63%``).

The names of the powers of ten (:data:`SCALES`) are notation, like the thousands
separator; the currency words are messages (``numbers.money.*``).

Examples
--------
>>> format_large(500_000_000, "ja", "USD"), format_large(500_000_000, "en", "USD")
('5億ドル', 'USD 500 million')
"""
from __future__ import annotations

import math
import re
import unicodedata

from .i18n import t
from .options import check_lang

__all__ = ["SCALES", "MONEY_KEYS", "format_large", "format_percent", "parse_number", "ParsedNumber"]

#: The named powers of ten of each language, largest first: (power, pattern for the
#: count of that power). Japanese writes every group ("1億2,000万"); English writes one
#: scaled number ("1.2 billion") when it is exact to three decimals.
SCALES = {
    "ja": ((12, "{n}兆"), (8, "{n}億"), (4, "{n}万")),
    "en": ((12, "{n} trillion"), (9, "{n} billion"), (6, "{n} million")),
}

#: Message of each currency with a name of its own; any other ISO code uses ``numbers.money.other``.
MONEY_KEYS = {"JPY": "numbers.money.jpy", "USD": "numbers.money.usd"}


def _japanese(number: int) -> str:
    parts, rest = [], number
    for power, pattern in SCALES["ja"]:
        count, rest = divmod(rest, 10 ** power)
        if count:
            parts.append(pattern.format(n=f"{count:,}"))
    if rest or not parts:
        parts.append(f"{rest:,}")
    return "".join(parts)


def _english(number: int) -> str:
    for power, pattern in SCALES["en"]:
        if number >= 10 ** power and number % 10 ** (power - 3) == 0:
            return pattern.format(n=f"{number / 10 ** power:,.3f}".rstrip("0").rstrip("."))
    return f"{number:,}"


def format_large(value: float, lang: str | None = None, currency: str | None = None) -> str:
    """A number (an amount of money when ``currency`` is given) written for a sentence in ``lang``.

    Parameters
    ----------
    value : int or float
        The number, in units (yen, dollars, people), not in thousands or millions.
        A whole number is written with the language's scale words; a fractional one
        with separators only (``1,234.5``).
    lang : {"ja", "en"} or None
        ``None``: ``$CSKIT_LANG``, else Japanese.
    currency : str, optional
        ISO 4217 code (``"JPY"``, ``"USD"``, ...); ``None`` for a plain number.

    Returns
    -------
    str
        Japanese: ``5億ドル``, ``180万円``, ``1万2,000円``, ``810万``. English:
        ``USD 500 million``, ``JPY 1.8 million``, ``JPY 12,000``, ``8.1 million``.

    Raises
    ------
    cskit.errors.CskitError
        ``cli.unknown_lang`` for a language other than ``ja`` or ``en``.

    Examples
    --------
    >>> format_large(1_800_000, "ja", "JPY"), format_large(12_000, "ja", "JPY"), format_large(70_000_000, "ja")
    ('180万円', '1万2,000円', '7,000万')
    >>> format_large(1_800_000, "en", "JPY"), format_large(12_000, "en", "JPY"), format_large(8_100_000, "en")
    ('JPY 1.8 million', 'JPY 12,000', '8.1 million')
    >>> format_large(1_234_567, "ja"), format_large(1_234_567, "en"), format_large(-150_000_000, "ja")
    ('123万4,567', '1,234,567', '-1億5,000万')
    >>> format_large(2_000, "en", "EUR"), format_large(1234.5, "ja")
    ('EUR 2,000', '1,234.5')
    """
    lang = check_lang(lang)
    if value is None or math.isnan(float(value)):
        return "—"
    if float(value).is_integer():
        number = int(value)
        text = (_japanese if lang == "ja" else _english)(abs(number))
        text = "-" + text if number < 0 else text
    else:
        text = f"{value:,}"
    if currency is None:
        return text
    code = currency.upper()
    if code in MONEY_KEYS:
        return t(MONEY_KEYS[code], lang, amount=text)
    return t("numbers.money.other", lang, amount=text, code=code)


#: Multipliers a learner may type after a number (either language; case-insensitive for Latin).
TYPED_SCALES = {"億": 10**8, "万": 10**4, "千": 10**3, "b": 10**9, "bn": 10**9, "billion": 10**9,
                "m": 10**6, "mn": 10**6, "million": 10**6, "k": 10**3, "thousand": 10**3}
_TYPED = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*(億|万|千|[a-z]+)?\s*(%)?$")


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
