"""Months and times shown to people, in the form each language writes them.

Code and files keep ISO forms (``2025-12``, ``2026-11-30T13:47:05+09:00``); a page a
person reads shows ``2025年12月`` / ``Dec 2025`` and ``2026年11月30日 13:47`` /
``30 Nov 2026, 13:47``. The patterns are messages (``dates.*``); the English month
month names (:data:`MONTH_NAMES`) are notation, like a thousands separator. Times stay in the offset
they were recorded in (the machine's local time when the run started).

Examples
--------
>>> format_month("2025-12", "ja"), format_month("2025-12", "en")
('2025年12月', 'Dec 2025')
"""
from __future__ import annotations

from datetime import datetime

from .i18n import t
from .options import check_lang

__all__ = ["MONTH_NAMES", "format_month", "format_datetime"]

#: How each language names a month in a date (notation), January first.
MONTH_NAMES = {
    "ja": tuple(str(number) for number in range(1, 13)),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def format_month(month: str, lang: str | None = None) -> str:
    """A ``YYYY-MM`` month as people read it; any other text is returned unchanged.

    Parameters
    ----------
    month : str
        ``YYYY-MM`` (a report's as-of month).
    lang : {"ja", "en"} or None

    Examples
    --------
    >>> format_month("2026-01", "ja"), format_month("2026-01", "en"), format_month("-", "en")
    ('2026年1月', 'Jan 2026', '-')
    """
    lang = check_lang(lang)
    try:
        when = datetime.strptime(str(month), "%Y-%m")
    except ValueError:
        return str(month)
    return t("dates.month", lang, year=when.year, month=MONTH_NAMES[lang][when.month - 1])


def format_datetime(stamp: str, lang: str | None = None) -> str:
    """An ISO 8601 timestamp as people read it, to the minute; any other text is returned unchanged.

    Parameters
    ----------
    stamp : str
        ``YYYY-MM-DDTHH:MM[:SS][+HH:MM]`` (a run's start time, in the machine's local time).
    lang : {"ja", "en"} or None

    Examples
    --------
    >>> format_datetime("2026-11-30T09:05:41+09:00", "ja")
    '2026年11月30日 09:05'
    >>> format_datetime("2026-11-30T09:05:41+09:00", "en")
    '30 Nov 2026, 09:05'
    """
    lang = check_lang(lang)
    try:
        when = datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp)
    return t("dates.datetime", lang, year=when.year, month=MONTH_NAMES[lang][when.month - 1],
             day=when.day, time=f"{when:%H:%M}")
