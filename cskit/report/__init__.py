"""Per-team HTML reports (notebooks run with papermill, converted with nbconvert) and class decks.

One module per step of a run:

* :mod:`~cskit.report.plan` -- which pages: the notebooks of each role, where the
  notebooks are, one :class:`~cskit.report.plan.Job` per team and notebook;
* :mod:`~cskit.report.freshness` -- whether a page is up to date (its key: data fingerprint,
  notebook bytes, parameters, versions, templates; checked against the last manifest);
* :mod:`~cskit.report.run` -- the process pool, signals and progress; one job in a worker;
* :mod:`~cskit.report.kernels` -- the warm-kernel papermill engine (``cskit-warm``);
* :mod:`~cskit.report.render` -- one page's HTML (offline template, CSP, external reference check);
* :mod:`~cskit.report.lint` -- a rendered page read as its reader sees it: text of the other
  language, raw data frames (:func:`~cskit.report.lint.scan_page`);
* :mod:`~cskit.report.history` -- ``runs/<run-id>.json`` (bounded) and this run's headline KPIs
  against the last run's, definition changes told apart from data changes;
* :mod:`~cskit.report.headline` -- the index pages' headline KPIs, recorded by notebook 02 in its
  output and read back after the run (one computation for page and index);
* :mod:`~cskit.report.site` -- the index pages, ``manifest.json`` and the summary;
* :mod:`~cskit.report.build` -- :func:`build_reports`, the steps in order;
* :mod:`~cskit.report.slides` -- :func:`build_slides`, notebook 01's class as an offline reveal.js
  deck for the trainer or the participants, cut from an outline (no notebook is run);
* :mod:`~cskit.report.slide_blocks` -- the tables, charts and cards on those slides.

``cskit report`` and ``cskit slides`` are thin layers over :func:`build_reports` and
:func:`build_slides`.
"""
from .build import build_reports
from .site import ReportResult
from .slides import build_slides

__all__ = ["build_reports", "build_slides", "ReportResult"]
