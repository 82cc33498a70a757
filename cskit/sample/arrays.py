"""Array helpers of the generator: coded labels to Arrow strings, ids, ordering and tables.

The generator works on integer codes (numpy) and turns them into strings (Arrow) only
when it builds a table, in the column order of the data contract.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import DERIVED_FROM, TABLES

__all__ = ["SAMPLE_COLUMNS", "take", "ids", "group_position", "stable_order", "edge_templates", "table"]

#: The data contract's tables and columns, in file order (read from :data:`cskit.contract.TABLES`);
#: the sample writes ``mrr`` itself, not the ``subscriptions`` it could be derived from.
SAMPLE_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(column.name for column in spec.columns) for name, spec in TABLES.items() if name not in DERIVED_FROM.values()
}


def take(labels: pa.Array | tuple | list, codes: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """Strings ``labels[codes]`` as an Arrow array; ``null`` marks empty values.

    Examples
    --------
    >>> take(("a", "b"), np.array([1, 0]), np.array([False, True])).to_pylist()
    ['b', None]
    """
    if not isinstance(labels, pa.Array):
        labels = pa.array(list(labels), pa.string())
    codes = np.asarray(codes, dtype=np.int64)
    if null is not None:
        codes = np.where(null, 0, codes)
        idx = pa.array(codes, mask=np.asarray(null, dtype=bool))
    else:
        idx = pa.array(codes)
    return labels.take(idx)


def ids(prefix: str, n: int, width: int) -> pa.Array:
    """``prefix`` + 1..n, zero-padded to ``width`` digits (wider when ``n`` needs it).

    Examples
    --------
    >>> ids("A", 2, 3).to_pylist()
    ['A001', 'A002']
    """
    width = max(width, len(str(n)))
    nums = pa.array(np.arange(1, n + 1, dtype=np.int64)).cast(pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(nums, width=width, padding="0"), "")


def group_position(counts: np.ndarray) -> np.ndarray:
    """0, 1, ... inside each group of a ``np.repeat(.., counts)`` expansion.

    Examples
    --------
    >>> group_position(np.array([2, 0, 3])).tolist()
    [0, 1, 0, 1, 2]
    """
    total = int(counts.sum())
    starts = np.cumsum(counts) - counts
    return np.arange(total) - np.repeat(starts, counts)


def stable_order(*keys: np.ndarray) -> np.ndarray:
    """Stable order by the keys (first key most significant).

    Examples
    --------
    >>> stable_order(np.array([2, 1, 1]), np.array([0, 5, 4])).tolist()
    [2, 1, 0]
    """
    return np.lexsort(tuple(reversed(keys)))


def edge_templates(rng: np.random.Generator, created: np.ndarray, last: int, weeks: int) -> tuple[np.ndarray, int]:
    """Rows to copy, shifted forward, so the last ``weeks`` weeks have as many rows as the weeks before.

    Rows simulated back from a later event (a deal from its close, a lead from its
    deal) thin out at the end of the period, because the later events fall outside it.
    For each of the last ``weeks`` weeks, the shortfall against the same week
    ``weeks`` weeks earlier is drawn from that earlier week's rows.

    Returns
    -------
    indices : ndarray of int
        Rows of ``created`` to copy.
    shift : int
        Days to add to the copies' dates (``7 * weeks``).
    """
    shift = 7 * weeks
    edge_start = last - shift + 1
    if edge_start - shift < 0:
        return np.zeros(0, np.int64), shift
    week_of = (created - edge_start) // 7  # 0..weeks-1 in the edge, -weeks..-1 the weeks before
    picks = [np.zeros(0, np.int64)]
    for week in range(weeks):
        templates = np.flatnonzero(week_of == week - weeks)
        missing = templates.size - int(np.count_nonzero(week_of == week))
        if missing > 0:
            picks.append(np.sort(rng.choice(templates, size=missing, replace=False)))
    return np.concatenate(picks), shift


def table(name: str, columns: dict) -> pa.Table:
    """The contract table ``name`` from ``{column: Arrow array or integer array}``, in contract order."""
    order = SAMPLE_COLUMNS[name]
    arrays = []
    for col in order:
        v = columns[col]
        arrays.append(v if isinstance(v, (pa.Array, pa.ChunkedArray)) else pa.array(np.asarray(v, dtype=np.int64)))
    return pa.Table.from_arrays(arrays, names=list(order))
