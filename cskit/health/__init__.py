"""Account health: profiles from ``health.yml``, scores and bands per account, and a backtest against churn.

- :mod:`~cskit.health.profiles`: ``health.yml`` read and checked (signals, weights, bands, rules).
- :mod:`~cskit.health.scores`: scores, bands and contributions per account and month; the per-account view.
- :mod:`~cskit.health.backtest`: each past month's score against what happened in the next H months.
- :mod:`~cskit.health.present`: the same for people (formatted tables, a plain reading).

The signals themselves are computed by :mod:`cskit.kpi.health`, which the KPI engine's
``health_score`` also uses.
"""
from .backtest import Backtest, backtest, auc_with_ci
from .profiles import HealthFileError, HealthProfile, HealthProfiles, parse_health, read_health, resolve_health
from .scores import HealthScores, dropped_band, health_view, score_accounts

__all__ = ["Backtest", "backtest", "auc_with_ci", "HealthFileError", "HealthProfile", "HealthProfiles",
           "parse_health", "read_health", "resolve_health", "HealthScores", "dropped_band", "health_view",
           "score_accounts"]
