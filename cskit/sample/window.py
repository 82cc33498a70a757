"""The export: what a CRM export taken at the end of the data window holds of the company's life.

The generator simulates the company from its launch (:attr:`SampleSpec.life_start`), so
that the window opens on a grown base of customers who signed years before. This step
keeps, of every table, what an export of the window would list:

==================  =================================================================
table               rows kept
==================  =================================================================
``mrr``, ``usage``  months inside the window
``costs``           months inside the window
``tickets``         opened inside the window (their answers may come later)
``surveys``         answered inside the window
``activities``      done inside the window
``opportunities``   closed inside the window, or still open at its end (a deal closed
                    in the window may have been created before it)
``leads``           created inside the window, or worked by a kept activity
``accounts``        current customers: every account that pays in the window, signs in
                    it, or appears in a kept row above. An account that churned for good
                    before the window is not in the export, as a CRM would not list it
                    among its customers; one that comes back in the window is, with its
                    first ``contract_start``.
``onboarding``      the kept accounts' projects (those of customers who signed before
                    the window started, and mostly finished, before it)
``teams``           all
==================  =================================================================

Ids keep their numbers from the whole life, so an export's first ticket is not
``TK0000001``, as in a real system. With ``history_months=0`` the window is the whole
life and nothing is cut (the tables are the same objects).
"""
from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from .world import SampleSpec

__all__ = ["cut_to_window"]

#: Per table, the column a row's date or month is read from, for the tables kept by date.
_BY_DATE = {"mrr": "month", "usage": "month", "costs": "month", "tickets": "opened_at",
            "surveys": "date", "activities": "date"}


def _ids(table: pa.Table, column: str) -> pa.Array:
    return pc.drop_null(pc.unique(table[column]))


def cut_to_window(tables: dict[str, pa.Table], spec: SampleSpec) -> dict[str, pa.Table]:
    """The rows of the simulated life an export of the window ``spec.start .. spec.end`` holds.

    Parameters
    ----------
    tables : dict of str to pyarrow.Table
        Every table of the whole simulated life (:func:`~cskit.sample.generate.build`).
    spec : SampleSpec
        The sample's arguments; ``start`` opens the window.

    Returns
    -------
    dict of str to pyarrow.Table
        The same tables, in the same order, cut as in this module's table.

    Examples
    --------
    >>> mrr = pa.table({"account_id": ["A", "A", "B"], "month": ["2023-12", "2024-01", "2023-12"],
    ...                 "mrr": [1, 1, 1]})
    >>> accounts = pa.table({"account_id": ["A", "B"], "contract_start": ["2023-12-01", "2023-12-01"]})
    >>> cut = cut_to_window({"accounts": accounts, "mrr": mrr},
    ...                     SampleSpec(months=1, start="2024-01", history_months=1))
    >>> cut["accounts"]["account_id"].to_pylist(), cut["mrr"]["month"].to_pylist()
    (['A'], ['2024-01'])
    """
    if spec.history_months == 0:
        return tables
    first_day = f"{spec.start}-01"
    out = dict(tables)
    for name, column in _BY_DATE.items():
        if name in out:
            values = out[name][column]
            bound = spec.start if column == "month" else first_day
            out[name] = out[name].filter(pc.greater_equal(values, bound))
    if "opportunities" in out:
        opp = out["opportunities"]
        close = opp["close_date"]
        out["opportunities"] = opp.filter(pc.or_kleene(pc.is_null(close), pc.greater_equal(close, first_day)))
    if "leads" in out:
        leads = out["leads"]
        worked = pc.is_in(leads["lead_id"], value_set=_ids(out["activities"], "lead_id"))
        out["leads"] = leads.filter(pc.or_(pc.greater_equal(leads["created_date"], first_day), worked))
    accounts = out["accounts"]
    listed = [_ids(out[name], "account_id") for name in ("mrr", "opportunities", "activities", "tickets", "surveys")
              if name in out]
    current = pc.is_in(accounts["account_id"], value_set=pa.concat_arrays(listed)) if listed else None
    signed = pc.greater_equal(accounts["contract_start"], first_day)
    keep = signed if current is None else pc.or_(current, signed)
    out["accounts"] = accounts.filter(keep)
    if "onboarding" in out:
        onboarding = out["onboarding"]
        out["onboarding"] = onboarding.filter(pc.is_in(onboarding["account_id"], value_set=out["accounts"]["account_id"]))
    return out
