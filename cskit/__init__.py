"""cskit: a Customer Success and Sales analysis and training kit (Japanese and English).

The package computes; the notebooks in ``notebooks/`` explain and show. Start with
:func:`cskit.io.load_dataset`, then the KPI, cohort and target modules.
"""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cskit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+local"

from .errors import CskitError, DataValidationError, Problem  # noqa: E402
from .dataset import Dataset  # noqa: E402
from .io import inspect_dataset, load_dataset  # noqa: E402

__all__ = ["CskitError", "DataValidationError", "Dataset", "Problem", "inspect_dataset", "load_dataset", "__version__"]
