"""Run history and "what changed": each run's manifest kept under ``runs/``, this run against the last.

* :func:`keep_run` copies a run's manifest to ``runs/<run-id>.json`` (the run id starts
  with the UTC time, so names sort in run order) and removes the oldest beyond ``keep``.
* :func:`definitions_key` is a digest of what defines the numbers rather than the data:
  the cskit version, the KPI registry (``cskit/kpi/registry.yml``) and the data contract
  (``cskit/contract.py``). When it differs from the previous run's, a change of a headline
  KPI may come from a definition, not from the data, and the team index says so.
* :func:`compare_headline` puts each team's headline KPIs beside the previous run's
  (value, change, arrow); :func:`moved_most` ranks the teams by their largest relative change.
"""
from __future__ import annotations

import math
from datetime import datetime, timezone
from pathlib import Path

from .._version import __version__
from ..files import atomic_write
from .freshness import digest, file_sha256
from .plan import RUNS_DIR

__all__ = ["KEEP_RUNS", "history_id", "keep_run", "definitions_key", "compare_headline", "moved_most",
           "previous_definitions"]

#: Runs kept by default (the last year of weekly runs).
KEEP_RUNS = 52


def history_id(run_id: str, now: datetime | None = None) -> str:
    """The run's name in ``runs/``: UTC time then the run id, so names sort in run order.

    Examples
    --------
    >>> history_id("ab12cd34", datetime(2026, 11, 30, 4, 5, 6, tzinfo=timezone.utc))
    '20261130T040506Z-ab12cd34'
    """
    now = now or datetime.now(timezone.utc)
    return f"{now.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}-{run_id}"


def keep_run(out_dir: Path, manifest_text: str, run_id: str, keep: int = KEEP_RUNS) -> Path:
    """Write ``runs/<history id>.json`` and remove the oldest run files beyond ``keep``.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for i in range(4):
    ...     _ = keep_run(folder, "{}", f"run{i}", keep=2)
    >>> sorted(p.name.split("-")[1] for p in (folder / RUNS_DIR).glob("*.json"))
    ['run2.json', 'run3.json']
    """
    folder = Path(out_dir) / RUNS_DIR
    path = atomic_write(folder / f"{history_id(run_id)}.json", manifest_text, run_id)
    runs = sorted(folder.glob("*.json"))
    for old in runs[:max(len(runs) - keep, 0)]:
        old.unlink(missing_ok=True)
    return path


def definitions_key() -> str:
    """Digest of the cskit version, the KPI registry and the data contract (what defines a number)."""
    package = Path(__file__).resolve().parents[1]
    return digest({
        "cskit": __version__,
        "registry": file_sha256(package / "kpi" / "registry.yml"),
        "contract": file_sha256(package / "contract.py"),
    })


def _arrow(change: float) -> str:
    return "↑" if change > 0 else "↓" if change < 0 else "→"


def compare_headline(headline: dict[str, list[dict]], previous: dict, lang: str, currency: str) -> dict[str, list[dict]]:
    """Each team's headline KPIs with the previous run's value, the change and an arrow.

    Parameters
    ----------
    headline : dict
        This run's ``{team: [{"kpi", "name", "value", "raw"}]}``.
    previous : dict
        The previous run's manifest (empty: no comparison).
    lang, currency : str

    Returns
    -------
    dict
        ``{team: [row + {"previous", "previous_raw", "change", "change_raw", "arrow"}]}``; the added
        fields are ``None`` when the previous run has no value for that team and KPI.

    Examples
    --------
    >>> now = {"t": [{"kpi": "grr_12m", "name": "GRR", "value": "92.0%", "raw": 0.92}]}
    >>> before = {"teams": [{"team": "t", "headline": [{"kpi": "grr_12m", "raw": 0.95}]}]}
    >>> row = compare_headline(now, before, "en", "JPY")["t"][0]
    >>> round(row["change_raw"], 4), row["arrow"], row["change"], row["previous"]
    (-0.03, '↓', '-3.0pt', '95.0%')
    """
    from ..kpi.registry import format_change, format_value

    earlier = {(entry.get("team"), kpi.get("kpi")): kpi.get("raw")
               for entry in previous.get("teams", []) if isinstance(entry, dict)
               for kpi in entry.get("headline") or [] if isinstance(kpi, dict)}
    out: dict[str, list[dict]] = {}
    for team, rows in headline.items():
        out[team] = []
        for row in rows:
            before, now = earlier.get((team, row["kpi"])), row.get("raw")
            added = {"previous": None, "previous_raw": before, "change": None, "change_raw": None, "arrow": None}
            if before is not None:
                added["previous"] = format_value(row["kpi"], before, lang, currency)
            if before is not None and now is not None:
                change = now - before
                # a rate moves in points, not in per cent of itself (kpi.registry.format_change)
                added.update(change_raw=change, arrow=_arrow(change),
                             change=format_change(row["kpi"], change, lang, currency))
            out[team].append(dict(row, **added))
    return out


def moved_most(compared: dict[str, list[dict]], top: int = 3) -> list[tuple[str, str, float]]:
    """Teams by their largest relative change of a headline KPI: ``[(team, kpi, relative change)]``.

    Examples
    --------
    >>> compared = {"a": [{"kpi": "grr", "raw": 0.9, "previous_raw": 1.0}],
    ...             "b": [{"kpi": "mrr", "raw": 150.0, "previous_raw": 100.0}],
    ...             "c": [{"kpi": "mrr", "raw": 100.0, "previous_raw": 100.0}]}
    >>> [(team, kpi, round(rel, 2)) for team, kpi, rel in moved_most(compared)]
    [('b', 'mrr', 0.5), ('a', 'grr', -0.1)]
    """
    best: list[tuple[str, str, float]] = []
    for team, rows in compared.items():
        moves = [(row["kpi"], (row["raw"] - row["previous_raw"]) / abs(row["previous_raw"]))
                 for row in rows if row.get("raw") is not None and row.get("previous_raw")
                 and math.isfinite(row["raw"]) and math.isfinite(row["previous_raw"])]
        moves = [move for move in moves if move[1] != 0]
        if moves:
            kpi, rel = max(moves, key=lambda move: abs(move[1]))
            best.append((team, kpi, rel))
    return sorted(best, key=lambda item: -abs(item[2]))[:top]


def previous_definitions(previous: dict) -> str | None:
    """The definitions key the previous run recorded (``None`` if none)."""
    value = previous.get("definitions_key")
    return value if isinstance(value, str) else None

