"""What ``cskit cohort`` writes: the known cells of the retention grid as CSV or JSON.

Values are written with 12 significant digits (:func:`cskit.kpi.export.json_number`),
so the same data always gives the same bytes.
"""
from __future__ import annotations

import io
import json

import pandas as pd

from ..dataset import Dataset
from ..kpi.export import json_number
from ..options import check_choice
from .retention import cohort_retention

#: Columns the ``cskit cohort`` command writes.
RECORD_COLUMNS = ["cohort", "age", "cohort_size", "value"]
#: Record formats of :func:`format_records`.
FORMATS = ("csv", "json")


def cohort_records(
    dataset: Dataset,
    team: str = "all",
    metric: str = "logo",
    period: str = "month",
    as_of=None,
) -> pd.DataFrame:
    """The known cells of :func:`~cskit.cohorts.cohort_retention` with the columns the CLI writes.

    Parameters
    ----------
    dataset, team, metric, period, as_of
        As in :func:`~cskit.cohorts.cohort_retention`.

    Returns
    -------
    DataFrame
        ``cohort, age, cohort_size, value`` (value a fraction), censored cells left out;
        ``attrs`` as in :func:`~cskit.cohorts.cohort_retention` (``already_paying``: the
        accounts started before the data, in no cohort).

    Examples
    --------
    >>> from cskit.datasets import load_cohort_example
    >>> data = load_cohort_example()  # notebook 04's five accounts, counted by hand there
    >>> cohort_records(data)
         cohort  age  cohort_size  value
    0   2024-01    0            2    1.0
    1   2024-01    1            2    1.0
    2   2024-01    2            2    0.5
    3   2024-01    3            2    0.5
    4   2024-01    4            2    0.5
    5   2024-01    5            2    0.5
    6   2024-02    0            2    1.0
    7   2024-02    1            2    0.5
    8   2024-02    2            2    1.0
    9   2024-02    3            2    1.0
    10  2024-02    4            2    1.0
    11  2024-03    0            1    1.0
    12  2024-03    1            1    1.0
    13  2024-03    2            1    1.0
    14  2024-03    3            1    1.0
    """
    tidy = cohort_retention(dataset, team=team, metric=metric, period=period, as_of=as_of)
    return tidy.dropna(subset=["value"])[RECORD_COLUMNS].reset_index(drop=True)


def format_records(records: pd.DataFrame, fmt: str = "csv") -> str:
    """CSV text (header ``cohort,age,cohort_size,value``) or a JSON list of objects.

    Parameters
    ----------
    records : DataFrame
        :func:`cohort_records` output.
    fmt : {"csv", "json"}

    Returns
    -------
    str
        The text to write, ending with a newline.

    Raises
    ------
    OptionError
        Under ``--format``, if ``fmt`` is not ``csv`` or ``json``.

    Examples
    --------
    >>> records = pd.DataFrame({"cohort": ["2024-01"], "age": [1], "cohort_size": [3], "value": [2 / 3]})
    >>> print(format_records(records), end="")
    cohort,age,cohort_size,value
    2024-01,1,3,0.666666666667
    """
    check_choice("--format", fmt, FORMATS)
    rows = [
        {"cohort": str(cohort), "age": int(age), "cohort_size": int(size), "value": json_number(value)}
        for cohort, age, size, value in records[RECORD_COLUMNS].itertuples(index=False)
    ]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    buffer = io.StringIO()
    buffer.write(",".join(RECORD_COLUMNS) + "\n")
    for row in rows:
        value = "" if row["value"] is None else repr(row["value"])
        buffer.write(f"{row['cohort']},{row['age']},{row['cohort_size']},{value}\n")
    return buffer.getvalue()


#: Columns ``cskit survival --format csv`` writes (``split`` first when split).
SURVIVAL_COLUMNS = ["age", "at_risk", "events", "censored", "entered", "survival", "lower", "upper"]


def _value(value):
    """A cell as written: text as it is, numbers through :func:`json_number`."""
    if isinstance(value, str) or value is None:
        return value
    return json_number(value)


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    return [{c: _value(v.item() if hasattr(v, "item") else v) for c, v in zip(columns, row)}
            for row in frame[columns].itertuples(index=False)]


def format_survival(curve: pd.DataFrame, comparison=None, fmt: str = "csv") -> str:
    """What ``cskit survival`` writes: the curve as tidy CSV, or one JSON object.

    Parameters
    ----------
    curve : DataFrame
        :func:`~cskit.cohorts.survival_curve` output.
    comparison : Comparison, optional
        :func:`~cskit.cohorts.survival_comparison` output (JSON only): adds ``test``
        and ``pairwise`` when it has a test, ``rmst`` when it has RMST rows.
    fmt : {"csv", "json"}

    Returns
    -------
    str
        CSV (``split`` when split, then :data:`SURVIVAL_COLUMNS`), or
        ``{"curve": [...], "test": {statistic, df, p_value}, "pairwise": [{a, b,
        statistic, p_value, p_holm}], "rmst": [{split, months, rmst, lower, upper}]}``.

    Examples
    --------
    >>> curve = pd.DataFrame({"age": [0, 1], "at_risk": [4, 4], "events": [0, 1], "censored": [0, 3],
    ...                       "entered": [4, 0], "survival": [1.0, 0.75], "lower": [1.0, 0.2], "upper": [1.0, 0.96]})
    >>> print(format_survival(curve), end="")
    age,at_risk,events,censored,entered,survival,lower,upper
    0,4,0,0,4,1,1,1
    1,4,1,3,0,0.75,0.2,0.96
    """
    check_choice("--format", fmt, FORMATS)
    columns = (["split"] if "split" in curve else []) + SURVIVAL_COLUMNS
    rows = _rows(curve, columns)
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write(",".join(columns) + "\n")
        for row in rows:
            buffer.write(",".join("" if row[c] is None else str(row[c]) for c in columns) + "\n")
        return buffer.getvalue()
    out: dict = {"curve": rows}
    if comparison is not None and comparison.test is not None:
        out["test"] = {"statistic": json_number(comparison.test["statistic"]), "df": int(comparison.test["df"]),
                       "p_value": json_number(comparison.test["p_value"])}
        out["pairwise"] = _rows(comparison.pairwise, ["a", "b", "statistic", "p_value", "p_holm"])
    if comparison is not None and comparison.rmst is not None:
        out["rmst"] = _rows(comparison.rmst, ["split", "months", "rmst", "lower", "upper"])
    return json.dumps(out, ensure_ascii=False, indent=1) + "\n"
