"""One checker per kind of option: months, choices, teams, language, jobs, numbers.

Every entry point (Python API, CLI, notebooks) checks its arguments here, so the same
value is accepted or refused the same way everywhere, under the option name the caller
knows (``"--as-of"`` on the command line, ``"as_of"`` in Python), with one typed
:class:`~cskit.errors.OptionError` whose message the CLI renders in the user's language.
"""
from __future__ import annotations

import os
import re
from typing import Iterable, Sequence

import pandas as pd

from .errors import CskitError, OptionError
from .i18n import LANGS, UnknownLanguage, resolve_lang

#: The one accepted form of a month: ``YYYY-MM`` with a month from 01 to 12.
MONTH_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

#: Who a notebook or a report is for: the trainer sees answers, the new hire reveals them.
AUDIENCES = ("trainer", "new_hire")

#: Who a class deck (``cskit slides``) is for: the participants' deck has neither speaker
#: notes nor answers; the trainer's has both.
DECK_AUDIENCES = ("participant", "trainer")

__all__ = [
    "LANGS", "MONTH_PATTERN", "AUDIENCES", "DECK_AUDIENCES", "check_lang", "check_choice", "check_month", "check_month_range",
    "check_teams", "check_jobs", "check_count", "check_fraction", "parse_list",
]


def check_lang(lang: str | None = None) -> str:
    """The language to speak: ``lang``, else ``$CSKIT_LANG``, else ``"ja"``.

    Parameters
    ----------
    lang : {"ja", "en"} or None
        ``None`` falls back to the environment.

    Returns
    -------
    str
        ``"ja"`` or ``"en"``.

    Raises
    ------
    CskitError
        ``cli.unknown_lang`` for any other value (exit code 2 on the command line).

    Examples
    --------
    >>> check_lang("EN")
    'en'
    """
    try:
        return resolve_lang(lang)
    except UnknownLanguage as exc:
        raise CskitError("cli.unknown_lang", value=exc.value) from None


def check_choice(option: str, value: str, allowed: Iterable[str]) -> str:
    """``value`` if it is one of ``allowed``; otherwise an :class:`OptionError` listing them.

    Examples
    --------
    >>> check_choice("--format", "csv", ("csv", "json"))
    'csv'
    """
    allowed = tuple(allowed)
    if value not in allowed:
        raise OptionError(option, value, " | ".join(allowed))
    return value


def check_month(option: str, value, within: pd.PeriodIndex | None = None) -> pd.Period | None:
    """Read a ``YYYY-MM`` month; ``None`` stays ``None``.

    Parameters
    ----------
    option : str
        The name the caller knows (``"--as-of"``, ``"as_of"``), used in the message.
    value : str, pandas.Period or None
        The month. Strings must be exactly ``YYYY-MM`` (``"2024-1"`` is refused).
    within : PeriodIndex, optional
        When given, the month must lie between its first and last month.

    Returns
    -------
    pandas.Period or None
        A monthly period.

    Examples
    --------
    >>> check_month("as_of", "2024-03")
    Period('2024-03', 'M')
    """
    if value is None:
        return None
    if isinstance(value, pd.Period):
        month = value.asfreq("M")
    else:
        text = str(value).strip()
        if not MONTH_PATTERN.match(text):
            raise OptionError(option, value, "YYYY-MM")
        month = pd.Period(text, freq="M")
    if within is not None and len(within) and not within[0] <= month <= within[-1]:
        raise OptionError(option, value, f"{within[0]} .. {within[-1]}")
    return month


def check_month_range(option: str, start, end, months: pd.PeriodIndex) -> tuple[pd.Period, pd.Period]:
    """Read a ``start``/``end`` pair of months; each defaults to the data's first or last month.

    Examples
    --------
    >>> months = pd.period_range("2024-01", "2024-12", freq="M")
    >>> check_month_range("--from/--to", "2024-03", None, months)
    (Period('2024-03', 'M'), Period('2024-12', 'M'))
    """
    first = check_month(option, start) if start is not None else months[0]
    last = check_month(option, end) if end is not None else months[-1]
    if first > last:
        raise OptionError(option, f"{start}/{end}", f"{first} <= {last}")
    return first, last


def parse_list(value: str | Sequence[str] | None) -> list[str] | None:
    """``None``/``"all"`` -> ``None`` (everything); ``"a,b"`` or a list -> the items.

    Examples
    --------
    >>> parse_list("cs_smb, fs_tokyo")
    ['cs_smb', 'fs_tokyo']
    >>> parse_list("all") is None
    True
    """
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)
    items = [part.strip() for item in items for part in str(item).split(",") if part.strip()]
    return None if not items or items == ["all"] else items


def check_teams(option: str, value: str | Sequence[str] | None, known: Sequence[str]) -> list[str] | None:
    """The team ids named by ``value`` (``None``/``"all"`` -> ``None``), each checked against ``known``.

    Examples
    --------
    >>> check_teams("--teams", "cs_smb", ["cs_smb", "fs_tokyo"])
    ['cs_smb']
    """
    chosen = parse_list(value)
    if chosen is None:
        return None
    unknown = [team for team in chosen if team not in known]
    if unknown:
        raise OptionError(option, ",".join(unknown), "all | " + ", ".join(known))
    return list(dict.fromkeys(chosen))


def check_jobs(option: str, jobs: int | None) -> int:
    """Worker processes: ``None`` -> the number of cores; otherwise a whole number >= 1.

    Examples
    --------
    >>> check_jobs("--jobs", 2)
    2
    """
    if jobs is None:
        return os.cpu_count() or 1
    return check_count(option, jobs)


def check_count(option: str, value) -> int:
    """A whole number >= 1 (worker processes, months ahead, ...).

    Examples
    --------
    >>> check_count("--horizon", 3)
    3
    >>> check_count("--horizon", 0)
    Traceback (most recent call last):
    ...
    cskit.errors.OptionError: Invalid value 0 for --horizon: >= 1
    """
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise OptionError(option, value, ">= 1") from None
    if count < 1 or count != value:
        raise OptionError(option, value, ">= 1")
    return count


def check_fraction(option: str, value: float, low: float = 0.0, high: float = 1.0,
                   low_inclusive: bool = False) -> float:
    """A number in ``(low, high]`` (or ``[low, high]`` with ``low_inclusive``).

    Examples
    --------
    >>> check_fraction("--gross-margin", 0.7)
    0.7
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    above = number >= low if low_inclusive else number > low
    if not (above and number <= high):
        bound = "<=" if low_inclusive else "<"
        raise OptionError(option, value, f"{low:g} {bound} x <= {high:g}")
    return number

