"""Whether a page is up to date: the key of what it was made from, checked against the last manifest.

A page's key (:func:`page_key`) is a sha256 over everything its HTML depends on:

* the dataset's fingerprint (:func:`cskit.files.fingerprint`: file names and bytes, not
  timestamps). Every page depends on the whole dataset: notebooks load every table and
  show company-wide aggregates beside the team's own numbers, so one changed value in any
  table (one ``mrr`` cell) makes every page stale;
* the notebook's bytes (a changed notebook makes only its own pages stale);
* the parameters papermill injects (with ``--param`` and ``--params-file`` values) and the
  rendering options (language, month shown, ``show_code``, kernels);
* the page's navigation: its previous and next notebook, and whether the other language's
  page exists beside it (a Japanese page rendered before the English one gains its link
  on the next run);
* the versions recorded in the manifest (:func:`cskit.report.site.versions`: cskit, Python,
  pandas, papermill, nbconvert, nbclient, matplotlib) and the bytes of the page templates.

A page is **up to date** (:func:`fresh_pages`) when the last ``manifest.json`` recorded it
rendered with the same key *and* its HTML on disk still has the sha256 that manifest
recorded. The second condition keeps the site consistent after a killed run: a page
written by a run that was stopped before its manifest was written does not match the
manifest on disk, so the next run renders it again.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .plan import Job, PageResult

__all__ = ["FRESH_STATUSES", "file_sha256", "digest", "templates_fingerprint", "page_key", "fresh_pages"]

#: Statuses of a page whose HTML is current (rendered by this run or by an earlier one).
FRESH_STATUSES = ("ok", "up_to_date")


def file_sha256(path: str | Path) -> str | None:
    """``sha256:<hex>`` of a file's bytes, or ``None`` if it cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "page.html"
    ...     _ = path.write_bytes(b"abc")
    ...     file_sha256(path)[:19], file_sha256(Path(folder) / "missing.html")
    ('sha256:ba7816bf8f01', None)
    """
    try:
        return "sha256:" + hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def digest(parts: dict) -> str:
    """``sha256:<hex>`` of a JSON-able dict (keys sorted, so the order of ``parts`` does not matter).

    Examples
    --------
    >>> digest({"a": 1, "b": [2, 3]}) == digest({"b": [2, 3], "a": 1})
    True
    >>> digest({"a": 1}) == digest({"a": 2})
    False
    """
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def templates_fingerprint() -> str:
    """Fingerprint of the page templates and stylesheet (a changed template makes every page stale)."""
    from ..files import fingerprint
    from .render import TEMPLATE_DIR

    return fingerprint(TEMPLATE_DIR)


def page_key(job: Job, data_fingerprint: str, versions: dict[str, str], templates: str) -> str:
    """The key of one page: data, notebook bytes, parameters, rendering options, versions, templates.

    Parameters
    ----------
    job : Job
    data_fingerprint : str
        :func:`cskit.files.fingerprint` of the dataset folder.
    versions : dict
        :func:`cskit.report.site.versions`.
    templates : str
        :func:`templates_fingerprint`.

    Returns
    -------
    str
        ``sha256:<hex>``.
    """
    s = job.settings
    return digest({
        "data": data_fingerprint,
        "notebook": file_sha256(job.notebook),
        "parameters": job.parameters(),
        "header": job.header,
        "navigation": {"links": job.neighbours(), "other_language": job.other_language()},
        "render": {"show_code": s.show_code, "warm_kernels": s.warm_kernels},
        "versions": versions,
        "templates": templates,
    })


def fresh_pages(jobs: list[Job], keys: dict[tuple[str, str], str], previous: dict) -> dict[tuple[str, str], PageResult]:
    """The jobs whose page is up to date, as ``up_to_date`` results, by ``(team, number)``.

    Parameters
    ----------
    jobs : list of Job
    keys : dict
        This run's :func:`page_key` of each job, by ``(team, number)``.
    previous : dict
        The last ``manifest.json`` (empty if there is none or it cannot be read).

    Returns
    -------
    dict
        A :class:`PageResult` with status ``"up_to_date"``, the recorded HTML path, key,
        HTML sha256, seconds (of the run that rendered it) and recorded headline rows for each fresh page.
    """
    recorded = {(p.get("team"), p.get("stem")): p for p in previous.get("pages", []) if isinstance(p, dict)}
    fresh: dict[tuple[str, str], PageResult] = {}
    for job in jobs:
        entry = recorded.get((job.team, job.stem))
        key = keys[(job.team, job.number)]
        if not entry or entry.get("status") not in FRESH_STATUSES or entry.get("key") != key or not entry.get("html"):
            continue
        html = job.team_dir / f"{job.stem}.html"
        if entry["html"] != f"{job.slug}/{job.stem}.html" or file_sha256(html) != entry.get("html_sha256"):
            continue  # missing, edited, or written by a run that did not finish: render it again
        fresh[(job.team, job.number)] = PageResult(
            job.team, job.slug, job.number, job.stem, "up_to_date", float(entry.get("seconds") or 0.0),
            html=entry["html"], key=key, html_sha256=entry["html_sha256"],
            cell_seconds=float(entry.get("cell_seconds") or 0.0), headline=entry.get("headline"),
        )
    return fresh
