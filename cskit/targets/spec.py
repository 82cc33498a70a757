"""What a target says: targets files (YAML or CSV), the :class:`Target` and its :class:`Amount`.

Amounts, in a targets file::

    0.045    a level (absolute value of the KPI)
    -10%     a signed change relative to the baseline
    -0.5pt   a signed change in points (percentage points for rates, units otherwise)
    10%      unsigned: ambiguous on a rate (level 10 %? change of 10 %? 10 points?)

Only :func:`read_targets` does I/O. Every entry that cannot be read is reported with
its file, line (YAML) or spreadsheet row (CSV) and field, all at once.
"""
from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import CskitError, DataValidationError, Problem
from ..dataset import Dataset
from ..io import detect_encoding
from ..kpi.registry import get_kpi
from ..options import MONTH_PATTERN

#: Fields every target needs.
REQUIRED_FIELDS = ("id", "team", "kpi", "target")
#: Every field a target may have.
FIELDS = ("id", "team", "kpi", "baseline", "target", "start", "deadline", "parent", "owner", "note")
#: File names :func:`default_targets_path` looks for in a dataset folder, in order.
DEFAULT_NAMES = ("targets.yml", "targets.yaml", "targets.csv")
_AMOUNT = re.compile(r"^(?P<sign>[+-])?(?P<number>\d+(?:\.\d+)?|\.\d+)(?P<suffix>%|pt)?$")


@dataclass(frozen=True)
class Amount:
    """A parsed target amount.

    Attributes
    ----------
    kind : {"absolute", "relative", "points", "ambiguous"}
    value : float
        Level, relative change (fraction), or change in points, signed.
    text : str
        As written.
    """

    kind: str
    value: float
    text: str


@dataclass(frozen=True)
class Target:
    """One target as written in a targets file.

    Attributes
    ----------
    id : str
    team : str
        A team id of the dataset, or ``"all"`` for the company.
    kpi : str
        A KPI registry id.
    target : Amount
        The amount as parsed by :func:`parse_amount`.
    baseline : float or None
        In the KPI's unit; None: the KPI's value in the start month.
    start : str or None
        ``YYYY-MM`` the target was set (its baseline month); None: the evaluation month.
    deadline : str or None
        ``YYYY-MM``.
    parent : str or None
        The KGI or parent KPI the target feeds (SMART R, *Related*).
    owner, note : str or None
    line : int
        Line (YAML) or spreadsheet row (CSV) where the entry starts, for messages.
    """

    id: str
    team: str
    kpi: str
    target: Amount
    baseline: float | None = None
    start: str | None = None
    deadline: str | None = None
    parent: str | None = None
    owner: str | None = None
    note: str | None = None
    line: int = 0


def parse_amount(text) -> Amount:
    """Parse ``0.045``, ``-10%``, ``+2pt`` or an unsigned ``10%``.

    Raises
    ------
    ValueError
        If the text is none of these forms.

    Examples
    --------
    >>> parse_amount("-10%")
    Amount(kind='relative', value=-0.1, text='-10%')
    >>> parse_amount("10%").kind
    'ambiguous'
    """
    raw = str(text).strip().replace(",", "").replace("％", "%")
    match = _AMOUNT.match(raw)
    if not match:
        raise ValueError(raw)
    number = float(match["number"])
    sign = -1.0 if match["sign"] == "-" else 1.0
    if match["suffix"] == "pt":
        if not match["sign"]:
            return Amount("ambiguous", number, raw)
        return Amount("points", sign * number, raw)
    if match["suffix"] == "%":
        if not match["sign"]:
            return Amount("ambiguous", number / 100, raw)
        return Amount("relative", sign * number / 100, raw)
    return Amount("absolute", sign * number, raw)


def _point_size(unit: str) -> float:
    """One point in the KPI's unit: a percentage point (0.01) for rates, one unit otherwise."""
    return 0.01 if unit == "rate" else 1.0


def readings(amount: Amount, baseline: float, kpi_id: str) -> dict[str, float]:
    """Every target value an amount can mean, keyed by reading (one entry unless ambiguous).

    An unsigned ``10%`` on a rate has three readings: the level 10 %, a relative change
    of 10 % and a change of 10 points, both in the improving direction (a decrease for a
    lower-is-better KPI). Readings outside the KPI's range are kept: the check shows them
    as impossible.

    Examples
    --------
    >>> {k: round(v, 6) for k, v in readings(parse_amount("10%"), 0.04, "logo_churn_rate").items()}
    {'level': 0.1, 'relative': 0.036, 'points': -0.06}
    """
    kpi = get_kpi(kpi_id)
    improve = 1.0 if kpi.higher_is_better else -1.0
    if amount.kind == "absolute":
        return {"level": amount.value}
    if amount.kind == "relative":
        return {"relative": baseline * (1 + amount.value)}
    if amount.kind == "points":
        return {"points": baseline + amount.value * _point_size(kpi.unit)}
    # unsigned: read every way, changes in the improving direction
    if amount.text.endswith("pt"):
        return {"points": baseline + improve * amount.value * _point_size(kpi.unit)}
    options = {"relative": baseline * (1 + improve * amount.value)}
    if kpi.unit == "rate":
        options = {"level": amount.value, **options, "points": baseline + improve * amount.value * 100 * 0.01}
    return options


def value_range(kpi_id: str) -> tuple[float, float]:
    """Values a KPI can take, from the registry (rates 0-1, NRR without a ceiling, NPS -100..100, ...).

    Examples
    --------
    >>> value_range("logo_churn_rate")
    (0.0, 1.0)
    """
    return get_kpi(kpi_id).value_range


def target_value(amount: Amount, baseline: float, kpi_id: str) -> float:
    """The target level the amount sets from ``baseline``.

    An ambiguous amount is read as a relative change in the improving direction (what
    "cut the churn rate by 10 %" usually means), or, if that is impossible, as the first
    possible reading (points, then level); Specific still warns.

    Examples
    --------
    >>> round(target_value(parse_amount("-10%"), 0.04, "logo_churn_rate"), 6)
    0.036
    """
    options = readings(amount, baseline, kpi_id)
    low, high = value_range(kpi_id)
    for name in ("relative", "points", "level"):
        if name in options and low <= options[name] <= high:
            return options[name]
    return options.get("relative", next(iter(options.values())))


# --------------------------------------------------------------------------- #
# Entries: one target's fields as written
# --------------------------------------------------------------------------- #
def entry_problems(values: dict, file: str = "", line: int = 0, lines: dict | None = None,
                   seen_ids: set[str] = frozenset()) -> list[Problem]:
    """Everything that stops one entry from being a :class:`Target`, in the order a reader fixes it.

    Missing required fields, an amount :func:`parse_amount` cannot read, a start or
    deadline that is not ``YYYY-MM``, a baseline that is not a number, an id used
    before, and a field name close to a known one (a typo of ``deadline`` would
    silently drop it).

    Parameters
    ----------
    values : dict
        The entry's fields; empty values count as missing.
    file : str
        File name for the problems.
    line : int
        Where the entry starts (YAML line or CSV row).
    lines : dict, optional
        The line of each field (YAML); default: every field on ``line``.
    seen_ids : set of str
        Ids of the entries before this one in the same file.

    Returns
    -------
    list of Problem
        Empty when the entry can be read.

    Examples
    --------
    >>> [p.code for p in entry_problems({"id": "T1", "team": "cs", "kpi": "mrr", "target": "soon"})]
    ['targets.bad_amount']
    """
    lines = lines or {}

    def problem(code: str, name: str, **params) -> Problem:
        return Problem(file, code, (lines.get(name, line),), name, params)

    found = [Problem(file, "targets.field_missing", (line,), name, {"field": name})
             for name in REQUIRED_FIELDS if values.get(name) in (None, "")]
    if values.get("target") not in (None, ""):
        try:
            parse_amount(values["target"])
        except ValueError:
            found.append(problem("targets.bad_amount", "target", value=str(values["target"])))
    for name in ("start", "deadline"):
        if values.get(name) not in (None, "") and not MONTH_PATTERN.match(str(values[name])):
            found.append(problem("targets.bad_month", name, value=str(values[name])))
    if values.get("baseline") not in (None, "") and _number(values["baseline"]) is None:
        found.append(problem("targets.bad_number", "baseline", value=str(values["baseline"])))
    if str(values.get("id")) in seen_ids:
        found.append(problem("targets.duplicate_id", "id", value=str(values.get("id"))))
    for name in values:
        close = difflib.get_close_matches(str(name), FIELDS, n=1, cutoff=0.75)
        if name not in FIELDS and close:
            found.append(problem("targets.unknown_field", str(name), field=str(name), known=close[0]))
    return found


def target_from_entry(values: dict, line: int = 0) -> Target:
    """The :class:`Target` of an entry :func:`entry_problems` found nothing wrong with.

    Examples
    --------
    >>> target_from_entry({"id": "T1", "team": "cs_smb", "kpi": "mrr", "target": "+10%", "deadline": "2025-06"})
    ... # doctest: +ELLIPSIS
    Target(id='T1', team='cs_smb', kpi='mrr', target=Amount(kind='relative', value=0.1, ...), ..., deadline='2025-06', ...)
    """
    baseline = values.get("baseline")
    return Target(
        id=str(values["id"]), team=str(values["team"]), kpi=str(values["kpi"]), target=parse_amount(values["target"]),
        baseline=None if baseline in (None, "") else _number(baseline), start=_text(values.get("start")),
        deadline=_text(values.get("deadline")), parent=_text(values.get("parent")), owner=_text(values.get("owner")),
        note=_text(values.get("note")), line=line,
    )


def _number(value) -> float | None:
    """``value`` as a number (thousands separators allowed), None if it is not one."""
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return None


def _text(value) -> str | None:
    return None if value in (None, "") else str(value)


# --------------------------------------------------------------------------- #
# Targets files
# --------------------------------------------------------------------------- #
class _ReadError(Exception):
    """A file-level problem found while reading the YAML structure."""

    def __init__(self, line: int, code: str):
        super().__init__(code)
        self.line, self.code = line, code


def _yaml_entries(text: str) -> list[tuple[int, dict, dict]]:
    """YAML entries with the line of each entry and of each field."""
    root = yaml.compose(text)
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise _ReadError(root.start_mark.line + 1, "targets.not_a_list")
    out = []
    for node in root.value:
        if not isinstance(node, yaml.MappingNode):
            raise _ReadError(node.start_mark.line + 1, "targets.entry_not_mapping")
        values = yaml.safe_load(yaml.serialize(node)) or {}
        lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
        out.append((node.start_mark.line + 1, values, lines))
    return out


def _csv_entries(path: Path) -> list[tuple[int, dict, dict]]:
    """CSV rows as entries (row 2 is the first under the header); empty cells left out.

    A CSV saved from Excel in Japan is often Shift_JIS: the encoding is detected as the
    data loader does.
    """
    text = path.read_text(encoding=detect_encoding(path))
    rows = csv.DictReader(text.splitlines())
    return [(i + 2, {k: v for k, v in row.items() if v not in ("", None)}, {}) for i, row in enumerate(rows)]


def _entries(path: Path) -> list[tuple[int, dict, dict]]:
    """The file's entries, or a :class:`DataValidationError` naming what cannot be parsed."""
    try:
        if path.suffix.lower() == ".csv":
            return _csv_entries(path)
        return _yaml_entries(path.read_text(encoding="utf-8-sig"))
    except _ReadError as exc:
        raise DataValidationError([Problem(path.name, exc.code, (exc.line,))], str(path)) from None
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, csv.Error) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        rows = (line + 1,) if line is not None else ()
        reason = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise DataValidationError([Problem(path.name, "targets.file_unreadable", rows, None, {"reason": reason})],
                                  str(path)) from None


def read_targets(path: str | Path) -> list[Target]:
    """Read a targets file (a YAML list, or a CSV with the same columns).

    Parameters
    ----------
    path : str or Path
        ``.csv`` is read as CSV, anything else as YAML.

    Returns
    -------
    list of Target
        In file order.

    Raises
    ------
    CskitError
        ``targets.file_missing`` if there is no such file.
    DataValidationError
        Naming the file, line and field of every entry that cannot be read.
    """
    path = Path(path)
    if not path.is_file():
        raise CskitError("targets.file_missing", path=str(path))
    problems: list[Problem] = []
    targets, seen = [], set()
    for line, values, lines in _entries(path):
        found = entry_problems(values, path.name, line, lines, seen)
        seen.add(str(values.get("id")))
        problems.extend(found)
        if not found:
            targets.append(target_from_entry(values, line))
    if problems:
        raise DataValidationError(problems, str(path))
    return targets


def default_targets_path(dataset: Dataset) -> Path | None:
    """``targets.yml`` (or ``targets.yaml``, ``targets.csv``) in the dataset folder, if there is one."""
    for name in DEFAULT_NAMES:
        candidate = Path(dataset.path) / name
        if candidate.is_file():
            return candidate
    return None
