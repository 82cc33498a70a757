"""What the generator's steps share: the arguments, the random generator, the calendar and
the arrays one step draws for the next.

Each step (:mod:`.accounts`, :mod:`.revenue`, :mod:`.service`, :mod:`.sales`,
:mod:`.costs`) takes the one :class:`World`, reads what earlier steps drew and adds its
own. The steps run in a fixed order (:func:`cskit.sample.generate.build`), because
they draw from one ``numpy.random.Generator``: the order of the draws is what makes the
same arguments give the same bytes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from .calendar import Period, make_period, times_of_day
from .params import DEFAULT_HISTORY_MONTHS, DEFAULT_START, HORIZON

__all__ = ["SampleSpec", "Accounts", "Revenue", "Tickets", "World", "new_world"]


@dataclass(frozen=True)
class SampleSpec:
    """The arguments of one sample: how many accounts and months, the seed, the first month
    of the data window and how many months the company existed before it.

    The generator simulates the company's whole life, ``history_months`` before ``start``
    and ``months`` from it; :mod:`.window` then keeps what an export taken at the end of
    the window would hold.

    Examples
    --------
    >>> spec = SampleSpec(accounts=100, months=6, history_months=12)
    >>> spec.end, spec.life_start, spec.life_months
    ('2024-04', '2022-11', 18)
    """

    accounts: int = 2000
    months: int = 36
    seed: int = 42
    start: str = DEFAULT_START
    history_months: int = DEFAULT_HISTORY_MONTHS

    @property
    def end(self) -> str:
        """Last month of the data window, ``'YYYY-MM'``."""
        return str(np.datetime64(self.start, "M") + (self.months - 1))

    @property
    def life_start(self) -> str:
        """The company's first month (the service launches), ``'YYYY-MM'``."""
        return str(np.datetime64(self.start, "M") - self.history_months)

    @property
    def life_months(self) -> int:
        """Months simulated: the history and the data window."""
        return int(self.history_months) + int(self.months)


@dataclass
class Accounts:
    """Per-account draws (index = account, codes as in :mod:`.params`)."""

    seg: np.ndarray
    region: np.ndarray
    industry: np.ndarray
    fs: np.ndarray  # field-sales team: 0 fs_tokyo, 1 fs_osaka
    touch: np.ndarray
    health: np.ndarray  # latent customer health, N(0, 1)
    arrival: np.ndarray  # month of the first paid month
    billed: np.ndarray
    seats0: np.ndarray
    price0: np.ndarray
    src_new: np.ndarray  # source of the won new-business deal
    fs_owner: np.ndarray
    cs_team: np.ndarray  # 0 cs_enterprise, 1 cs_smb
    cs_owner: np.ndarray


@dataclass
class Revenue:
    """The MRR simulation: account x month matrices, the paid cells and the events behind deals."""

    seats_m: np.ndarray
    mrr_m: np.ndarray
    first_stop: np.ndarray  # first month with no MRR after the first paid month
    acc_idx: np.ndarray  # paid cells, account-major
    mon_idx: np.ndarray
    cell_mrr: np.ndarray
    cell_seats: np.ndarray
    cell_tc: np.ndarray  # months until the account stops paying (1..H, H + 1 if not within H)
    cell_seg: np.ndarray
    cell_h: np.ndarray
    cell_tenure: np.ndarray
    expansions: list = field(default_factory=list)  # (accounts, month, cross-sell?, MRR added)
    renewals: list = field(default_factory=list)  # (accounts, month, renewed?, MRR before, MRR after)
    reactivations: list = field(default_factory=list)  # (accounts, month, MRR)


@dataclass
class Tickets:
    """Ticket rows (in ``opened`` order) that the surveys step samples CSAT from."""

    n: int
    account: np.ndarray
    cell: np.ndarray
    opened: np.ndarray  # seconds since the period's first midnight
    resolved: np.ndarray
    unresolved: np.ndarray


@dataclass
class World:
    """Everything the steps share; later steps fill the optional fields.

    Days and months count from the company's first month (:attr:`SampleSpec.life_start`):
    ``m`` is the number of simulated months, history included.
    """

    spec: SampleSpec
    rng: np.random.Generator
    per: Period
    tod: pa.Array
    n: int
    m: int
    horizon: int = HORIZON
    owner_lists: dict = field(default_factory=dict)
    owner_arr: dict = field(default_factory=dict)
    account_ids: pa.Array | None = None
    acc: Accounts | None = None
    rev: Revenue | None = None
    opp: dict | None = None
    leads_created: np.ndarray | None = None
    tickets: Tickets | None = None
    tables: dict[str, pa.Table] = field(default_factory=dict)

    @property
    def last(self) -> int:
        """Last day of the simulated life (days from its first day)."""
        return self.per.last_day

    @property
    def t_idx(self) -> np.ndarray:
        """0 .. months - 1."""
        return np.arange(self.m)


def new_world(spec: SampleSpec) -> World:
    """Check ``spec`` and set up the random generator and the calendar.

    Raises
    ------
    ValueError
        If ``accounts`` or ``months`` is below 1, ``history_months`` below 0 or ``start``
        is not ``'YYYY-MM'``.

    Examples
    --------
    >>> new_world(SampleSpec(accounts=10, months=2, start="2024-01", history_months=0)).last
    59
    >>> new_world(SampleSpec(accounts=10, months=2, start="2024-01", history_months=1)).m
    3
    """
    if spec.accounts < 1:
        raise ValueError(f"accounts must be >= 1, got {spec.accounts}")
    if spec.months < 1:
        raise ValueError(f"months must be >= 1, got {spec.months}")
    if spec.history_months < 0:
        raise ValueError(f"history_months must be >= 0, got {spec.history_months}")
    try:
        life_start = spec.life_start
    except ValueError as exc:
        raise ValueError(f"start must be 'YYYY-MM', got {spec.start!r}") from exc
    rng = np.random.default_rng(spec.seed)
    per = make_period(life_start, spec.life_months)
    return World(spec=spec, rng=rng, per=per, tod=times_of_day(), n=int(spec.accounts), m=spec.life_months)
