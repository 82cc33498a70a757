"""Deterministic synthetic sample data for Customer Success and Sales KPIs.

The sample describes one fictitious Japanese B2B SaaS company in mid-life: it
launched its service ``history_months`` months (48 by default, about four
years) before the data period (2023-11 to 2026-10 by default), so the period's
first month already has several hundred paying accounts that signed before it,
as in a real CRM export. The generator simulates that history too but writes
only what an export of the period holds (:mod:`.window`); ``history_months=0``
launches the company in the period's first month instead. It sells seat-based
subscriptions in JPY to three segments:

===========  ============  =======================  ==========================
segment      touch model   list price per seat      typical MRR per account
===========  ============  =======================  ==========================
enterprise   high          2,400-3,300 JPY/month    300,000-1,000,000 JPY
mid          low           2,000-2,800 JPY/month    80,000-200,000 JPY
smb          tech          1,800-2,200 JPY/month    10,000-50,000 JPY
===========  ============  =======================  ==========================

The funnel follows "The Model": marketing creates leads, inside sales
(``is_tokyo``) works them by call and e-mail and sets meetings, field sales
(``fs_tokyo`` / ``fs_osaka``) run the deals, customer success
(``cs_enterprise`` / ``cs_smb``) keeps and expands the customers, and customer
support (``support``) answers tickets.

Everything is generated with ``numpy.random.default_rng(seed)`` in a fixed
order, vectorised over accounts (the only Python loop runs over months), so
the same arguments always give the same tables and byte-identical files.
Money is integer JPY, counts are integers, ids and dates are strings:
dates ``YYYY-MM-DD``, months ``YYYY-MM``, timestamps ``YYYY-MM-DDTHH:MM:SS``.
An empty value (``None`` in the DataFrames, an empty field in the CSV files)
means "not applicable" or "not happened yet" (e.g. ``close_date`` of an open
opportunity).

The generator is carved into steps that share one :class:`~cskit.sample.world.World`
(arguments, random generator, calendar, the arrays drawn so far), one module per
family of tables:

=============  ==================================================================
module         what it draws
=============  ==================================================================
``params``     the model parameters (segments, prices, hazards, seasonality ...)
``calendar``   the simulated months' days, dates, timestamps and business days
``accounts``   teams, reps and accounts (``names``: the company names)
``revenue``    the MRR simulation and the ``mrr`` table
``service``    usage, onboarding, tickets and surveys
``sales``      opportunities, leads and activities
``costs``      sales and marketing costs
``window``     what an export of the data period holds: :func:`~.window.cut_to_window`
``generate``   the steps in their fixed order: :func:`generate_sample`
``write``      the CSV files and ``dataset.yml``: :func:`write_sample`
=============  ==================================================================

Examples
--------
>>> from cskit.sample import generate_sample
>>> tables = generate_sample(accounts=300, months=12, seed=1)
>>> sorted(tables)[:3]
['accounts', 'activities', 'costs']
>>> tables["mrr"].columns.tolist()
['account_id', 'month', 'mrr']
"""

from __future__ import annotations

from .accounts import SAMPLE_TEAMS
from .arrays import SAMPLE_COLUMNS
from .generate import generate_sample
from .params import DEFAULT_START
from .write import write_sample

__all__ = [
    "DEFAULT_START",
    "SAMPLE_COLUMNS",
    "SAMPLE_TEAMS",
    "generate_sample",
    "write_sample",
]
