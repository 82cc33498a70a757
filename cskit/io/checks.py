"""Rules within one table, derived from its declaration in :mod:`cskit.contract`.

* allowed values and numeric bounds (``Column.allowed``, ``low``, ``high``): a quick
  vectorised pass, then a pandera schema built from the contract names every cell;
* unique keys (``Table.unique``), date order (``Table.ordered``, ``not_above``);
* survey scores, whose range depends on the survey (``SURVEY_SCORE_RANGE``).

:func:`value_rules` and :func:`unique_problem` say which message each rule gives; the
DuckDB route (:mod:`cskit.kpi.pushdown`) words its problems through them too.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import SURVEY_SCORE_RANGE, Column, Table
from .context import TableContext, dictionary_codes, show_value, spreadsheet_rows

__all__ = ["ValueRule", "value_rules", "unique_problem", "check_table"]


@dataclass(frozen=True)
class ValueRule:
    """One rule on single values of a column, and the problem it gives.

    Attributes
    ----------
    kind : {"enum", "low", "high"}
        Allowed values, inclusive lower bound, inclusive upper bound.
    code : str
        Message id of a value that breaks it.
    params : dict
        Message fields besides ``value``.
    """

    kind: str
    code: str
    params: dict = field(default_factory=dict)


def value_rules(col: Column) -> list[ValueRule]:
    """The single-value rules of ``col``, in the order they are checked.

    Examples
    --------
    >>> from cskit.contract import TABLES
    >>> [(r.kind, r.code) for r in value_rules(TABLES["mrr"].column("mrr"))]
    [('low', 'data.negative')]
    >>> [(r.code, r.params) for r in value_rules(TABLES["subscriptions"].column("billing_period_months"))]
    [('data.below', {'low': '1'})]
    """
    rules = []
    if col.kind == "enum":
        rules.append(ValueRule("enum", "data.bad_enum", {"allowed": ", ".join(col.allowed)}))
    bounds = {"low": show_value(col.low), "high": show_value(col.high)}
    if col.low is not None:
        if col.low == 0:
            rules.append(ValueRule("low", "data.negative"))
        elif col.high is None:
            rules.append(ValueRule("low", "data.below", {"low": bounds["low"]}))
        else:
            rules.append(ValueRule("low", "data.out_of_range", bounds))
    if col.high is not None:
        rules.append(ValueRule("high", "data.out_of_range", bounds))
    return rules


def unique_problem(table: Table) -> tuple[str, str]:
    """Message id and column label of a repeated key of ``table``.

    Examples
    --------
    >>> from cskit.contract import TABLES
    >>> unique_problem(TABLES["mrr"]), unique_problem(TABLES["accounts"])
    (('data.duplicate_key', 'account_id+month'), ('data.duplicate_id', 'account_id'))
    """
    if len(table.unique) == 1:
        return "data.duplicate_id", table.unique[0]
    return "data.duplicate_key", "+".join(table.unique)


def check_table(frame: pd.DataFrame, table: Table, ctx: TableContext) -> None:
    """Run every one-table rule of ``table`` on a parsed frame; problems go to ``ctx``.

    Examples
    --------
    >>> from cskit.contract import TABLES
    >>> frame = pd.DataFrame({"team": ["cs1", "cs1"], "role": ["cs", "sales"], "name_ja": None, "name_en": None})
    >>> ctx = TableContext("teams.csv")
    >>> check_table(frame, TABLES["teams"], ctx)
    >>> sorted((p.code, p.rows) for p in ctx.problems)
    [('data.bad_enum', (3,)), ('data.duplicate_id', (3,))]
    """
    _check_values(frame, table, ctx)
    _check_unique(frame, table, ctx)
    _check_order(frame, table, ctx)
    if table.name == "surveys":
        _check_survey_scores(frame, ctx)


def _pandera_schema(table: Table):
    """A pandera schema of the single-value rules; per column, the :class:`ValueRule` of each check in order."""
    import pandera.pandas as pa_

    build = {"enum": lambda col: pa_.Check.isin(list(col.allowed)),
             "low": lambda col: pa_.Check.ge(col.low),
             "high": lambda col: pa_.Check.le(col.high)}
    columns, rules = {}, {}
    for col in table.columns:
        found = value_rules(col)
        if found:
            columns[col.name] = pa_.Column(nullable=True, checks=[build[r.kind](col) for r in found], required=False)
            rules[col.name] = found
    return pa_.DataFrameSchema(columns), rules


def _value_rules_fail(frame: pd.DataFrame, table: Table, ctx: TableContext) -> bool:
    """True when any cell breaks an allowed-values or bounds rule (a quick vectorised pass).

    Only then is the pandera schema run, to name every failing cell; a clean table
    (the usual case) skips it.
    """
    for col in table.columns:
        if col.name not in frame:
            continue
        if col.kind == "enum":
            encoded = ctx.encoded.get(col.name)
            if encoded is None:
                values = frame[col.name]
                if (values.notna() & ~values.isin(list(col.allowed))).any():
                    return True
            elif len(encoded.dictionary):  # the distinct values present
                allowed = pc.is_in(encoded.dictionary, value_set=pa.array(list(col.allowed), pa.string()))
                if not pc.all(allowed).as_py():
                    return True
        if col.low is not None or col.high is not None:
            numbers = frame[col.name].to_numpy(dtype=float, na_value=np.nan)
            with np.errstate(invalid="ignore"):
                if col.low is not None and (numbers < col.low).any():
                    return True
                if col.high is not None and (numbers > col.high).any():
                    return True
    return False


def _check_values(frame: pd.DataFrame, table: Table, ctx: TableContext) -> None:
    if not _value_rules_fail(frame, table, ctx):
        return
    import pandera.pandas as pa_

    schema, rules = _pandera_schema(table)
    try:
        schema.validate(frame, lazy=True)
    except pa_.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna() & cases["check_number"].notna()]
        for (column, number), group in cases.groupby(["column", "check_number"], sort=False):
            rule = rules[column][int(number)]
            for value, rows in group.groupby(group["failure_case"].map(show_value), sort=False)["index"]:
                ctx.add(rule.code, spreadsheet_rows(rows), column, value=value, **rule.params)


def _key_codes(column: pd.Series, encoded: pa.DictionaryArray | None = None) -> np.ndarray:
    """Integer codes of a key column (-1 for missing), cheap to compare and hash."""
    if encoded is not None:
        return dictionary_codes(encoded)
    if isinstance(column.dtype, pd.PeriodDtype):
        ordinals = column.array.asi8.copy()
        ordinals[column.isna().to_numpy()] = -1
        return ordinals
    return pd.factorize(column, use_na_sentinel=True)[0]


def _check_unique(frame: pd.DataFrame, table: Table, ctx: TableContext) -> None:
    if not table.unique or not set(table.unique) <= set(frame.columns):
        return
    codes = pd.DataFrame({name: _key_codes(frame[name], ctx.encoded.get(name)) for name in table.unique})
    complete = (codes >= 0).all(axis=1)
    later = codes.duplicated(keep="first") & complete
    if not later.any():
        return
    first_row = codes[complete].drop_duplicates(keep="first").reset_index().set_index(list(table.unique))["index"]
    code, column = unique_problem(table)
    for position in later[later].index:
        key = tuple(codes.loc[position])
        shown = " / ".join(show_value(frame.at[position, name]) for name in table.unique)
        ctx.add(code, spreadsheet_rows([position]), column, value=shown,
                first_row=int(first_row.loc[key if len(key) > 1 else key[0]]) + 2)


def _check_order(frame: pd.DataFrame, table: Table, ctx: TableContext) -> None:
    # (message, column compared, column it must not be before / above)
    pairs = [("data.order", later, earlier) for earlier, later in table.ordered]
    pairs += [("data.more_than", small, large) for small, large in table.not_above]
    for code, column, other in pairs:
        if other not in frame or column not in frame:
            continue
        values, others = frame[column], frame[other]
        broken = values.notna() & others.notna() & ((values < others) if code == "data.order" else (values > others))
        for position in broken[broken].index:
            ctx.add(code, spreadsheet_rows([position]), column, field=column, value=show_value(values[position]),
                    other=other, other_value=show_value(others[position]))


def _check_survey_scores(frame: pd.DataFrame, ctx: TableContext) -> None:
    for survey, (low, high) in SURVEY_SCORE_RANGE.items():
        scores = frame["score"].where(frame["survey"] == survey)
        bad = scores.notna() & ((scores < low) | (scores > high))
        if bad.any():
            ctx.add_per_value("data.out_of_range", bad, scores[bad].map(show_value).reindex(scores.index), "score",
                              low=low, high=high)

