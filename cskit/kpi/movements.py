"""The five MRR movements, defined once: new, reactivation, expansion, contraction, churn.

Each movement is a condition on one account's month (its MRR ``cur``, the previous
month's ``prev``, and ``paid_before``: whether it paid in any earlier month) and an
amount of money. :data:`MOVEMENTS` writes them as data; from it come both the numpy
masks and amounts the engine sums (:func:`movement_arrays`) and the SQL ``CASE``
expressions a database runs (:func:`movement_sql`), so the pandas engine, a warehouse
and the DuckDB route cannot disagree.

Identity, for every account and month after the first:
``cur - prev = new + reactivation + expansion - contraction - churned``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Movement", "MOVEMENTS", "movement_arrays", "movement_events", "movement_sql"]

#: Comparisons a condition may use (numpy function and SQL operator).
_OPERATORS = {">": (np.greater, ">"), "<": (np.less, "<"), "=": (np.equal, "=")}


@dataclass(frozen=True)
class Movement:
    """One MRR movement of an account in a month.

    Attributes
    ----------
    name : str
        ``new``, ``reactivation``, ``expansion``, ``contraction`` or ``churned``.
    kpi : str
        Registry id of its monthly sum (money).
    when : tuple of (str, str, str or number or bool)
        Conditions that must all hold: ``(operand, operator, operand)`` with operands
        ``cur``, ``prev``, ``paid_before`` or a constant, operators ``>``, ``<``, ``=``.
    amount : tuple of str
        The money it moves: the first operand minus the others (``("cur", "prev")`` is
        ``cur - prev``), always >= 0 where ``when`` holds.
    count : str or None
        Name of the monthly count of accounts with this movement (an input of the
        revenue family; ``new_customers`` and ``churned_customers`` are registry KPIs).
    event : str
        The word of the per-account movement log (:mod:`cskit.kpi.movement_log`):
        ``new``, ``reactivation``, ``expansion``, ``contraction`` or ``churn``.
    """

    name: str
    kpi: str
    when: tuple[tuple[str, str, object], ...]
    amount: tuple[str, ...]
    count: str | None = None
    event: str = ""


MOVEMENTS: tuple[Movement, ...] = (
    Movement("new", "new_mrr", (("prev", "=", 0), ("cur", ">", 0), ("paid_before", "=", False)), ("cur",),
             count="new_customers", event="new"),
    Movement("reactivation", "reactivation_mrr", (("prev", "=", 0), ("cur", ">", 0), ("paid_before", "=", True)),
             ("cur",), event="reactivation"),
    Movement("expansion", "expansion_mrr", (("prev", ">", 0), ("cur", ">", "prev")), ("cur", "prev"),
             count="expanded_customers", event="expansion"),
    Movement("contraction", "contraction_mrr", (("prev", ">", 0), ("cur", ">", 0), ("cur", "<", "prev")),
             ("prev", "cur"), event="contraction"),
    Movement("churned", "churned_mrr", (("prev", ">", 0), ("cur", "=", 0)), ("prev",), count="churned_customers",
             event="churn"),
)


def movement_arrays(mrr: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per movement, where it happens and how much it moves, for every account and month.

    Parameters
    ----------
    mrr : ndarray, shape (accounts, months)
        MRR with missing months as 0 (money, >= 0).

    Returns
    -------
    dict of str to (ndarray of bool, ndarray of float)
        ``{name: (mask, amount)}``, both of ``mrr``'s shape; ``amount`` is 0 where
        ``mask`` is false. Month 0 has no known previous month: it is computed as if
        the previous month were 0, and callers mark it unknown.

    Examples
    --------
    An account that grows, leaves and comes back (months 1 to 3; month 0 is unknown):

    >>> moves = movement_arrays(np.array([[100.0, 120.0, 0.0, 90.0]]))
    >>> {name: amount[0, 1:].tolist() for name, (_, amount) in moves.items() if amount[0, 1:].any()}
    {'reactivation': [0.0, 0.0, 90.0], 'expansion': [20.0, 0.0, 0.0], 'churned': [0.0, 120.0, 0.0]}
    """
    cur = np.asarray(mrr, dtype=float)
    prev = np.zeros_like(cur)  # month 0: a placeholder, unknown to every caller
    prev[:, 1:] = cur[:, :-1]
    paid_before = np.zeros(cur.shape, dtype=bool)  # paid in any month strictly before this one
    if cur.shape[1] > 1:
        paid_before[:, 1:] = np.maximum.accumulate(cur > 0, axis=1)[:, :-1]
    operands = {"cur": cur, "prev": prev, "paid_before": paid_before}
    value = lambda operand: operands[operand] if isinstance(operand, str) else operand  # noqa: E731
    out = {}
    for movement in MOVEMENTS:
        mask = np.ones(cur.shape, dtype=bool)
        for left, op, right in movement.when:
            mask &= _OPERATORS[op][0](value(left), value(right))
        first, *minus = movement.amount
        money = operands[first] - sum((operands[name] for name in minus), np.zeros_like(cur))
        out[movement.name] = (mask, np.where(mask, money, 0.0))
    return out


def movement_events(mrr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each account moved, and which movement: the cells of :func:`movement_arrays`' masks.

    The movements are exclusive (at most one per account and month), so every moving
    account-month is one event. Month 0 has no known previous month and gives none.

    Parameters
    ----------
    mrr : ndarray, shape (accounts, months)
        MRR with missing months as 0 (money, >= 0).

    Returns
    -------
    (ndarray of int, ndarray of int, ndarray of int)
        Account row, month column and the position in :data:`MOVEMENTS` of each event,
        ordered by account then month.

    Examples
    --------
    >>> rows, months, kinds = movement_events(np.array([[100.0, 120.0, 0.0, 90.0]]))
    >>> months.tolist(), [MOVEMENTS[k].event for k in kinds]
    ([1, 2, 3], ['expansion', 'churn', 'reactivation'])
    """
    kind = np.full(np.shape(mrr), -1, dtype=np.int64)
    for position, (mask, _) in enumerate(movement_arrays(mrr).values()):
        kind[mask] = position
    kind[:, :1] = -1  # month 0: unknown
    rows, months = np.nonzero(kind >= 0)
    return rows, months, kind[rows, months]


def movement_sql(movement: Movement, what: str = "amount", cur: str = "mrr", prev: str = "prev",
                 paid_before: str = "COALESCE(paid_before, 0)") -> str:
    """The SQL expression of one account-month's movement: its amount, or 1 if it happens (``what="count"``).

    The first month of an account (``prev`` NULL) gives NULL, so a monthly ``SUM`` over
    it is unknown, as in the engine.

    Parameters
    ----------
    movement : Movement
    what : {"amount", "count"}
    cur, prev, paid_before : str
        SQL expressions of the operands (``paid_before`` as 0 or 1).

    Examples
    --------
    >>> movement_sql(MOVEMENTS[2], cur="mv.mrr", prev="mv.prev")
    'CASE WHEN mv.prev IS NULL THEN NULL WHEN mv.prev > 0 AND mv.mrr > mv.prev THEN mv.mrr - mv.prev ELSE 0 END'
    """
    operands = {"cur": cur, "prev": prev, "paid_before": paid_before}

    def sql(operand) -> str:
        if isinstance(operand, bool):
            return str(int(operand))
        return operands[operand] if isinstance(operand, str) else repr(operand)

    condition = " AND ".join(f"{sql(left)} {_OPERATORS[op][1]} {sql(right)}" for left, op, right in movement.when)
    first, *minus = movement.amount
    value = "1" if what == "count" else " - ".join(sql(name) for name in (first, *minus))
    return f"CASE WHEN {prev} IS NULL THEN NULL WHEN {condition} THEN {value} ELSE 0 END"
