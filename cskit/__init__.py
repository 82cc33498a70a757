"""cskit: a Customer Success and Sales analysis and training kit (Japanese and English).

The package computes; the notebooks in ``notebooks/`` explain and show. The public API:

* :func:`load_dataset` reads and validates a folder, a database or tables in memory;
  :mod:`cskit.datasets` ships small data (:func:`cskit.datasets.load_sample`).
* :func:`compute_kpis` computes every KPI of the registry per team and month.
* :func:`cohort_retention` and :func:`survival_curve` follow cohorts of accounts.
* :func:`evaluate_targets` checks targets against SMART and measures progress.
* :func:`build_reports` renders every team's notebooks as HTML pages.

Examples
--------
>>> import cskit
>>> data = cskit.datasets.load_sample()
>>> kpis = cskit.compute_kpis(data, teams="cs_smb")
>>> sorted(kpis.columns)
['kpi', 'month', 'team', 'value']
"""
from ._version import __version__
from . import datasets  # noqa: E402
from .cohorts import cohort_retention, survival_curve  # noqa: E402
from .dataset import Dataset  # noqa: E402
from .errors import CskitError, DataValidationError, OptionError, Problem  # noqa: E402
from .io import inspect_dataset, load_dataset  # noqa: E402
from .kpi.engine import compute_kpis  # noqa: E402
from .targets import evaluate_targets, read_targets  # noqa: E402

__all__ = [
    "CskitError", "DataValidationError", "Dataset", "OptionError", "Problem", "__version__", "build_reports",
    "cohort_retention", "compute_kpis", "datasets", "evaluate_targets", "inspect_dataset", "load_dataset",
    "read_targets", "survival_curve",
]


def __getattr__(name: str):
    # The report builder pulls in papermill and nbconvert: loaded on first use, not on `import cskit`.
    if name == "build_reports":
        from .report import build_reports

        return build_reports
    raise AttributeError(f"module 'cskit' has no attribute {name!r}")
