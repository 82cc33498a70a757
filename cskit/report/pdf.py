"""``cskit report --pdf``: each rendered page printed to a PDF beside it, by headless Chromium.

Why Chromium: it is the browser the report pages are tested in (``make browser``
installs it with a Japanese font), so the PDF is what a reader sees; it embeds the
fonts' glyphs as text (Japanese stays searchable and copyable) and keeps the charts'
PNGs at their full resolution. WeasyPrint would be a second layout engine to keep
in step with the pages' CSS. The page's print stylesheet
(``templates/cskit_report/report.css``, ``@media print`` and ``@page``) leaves the
navigation out, keeps charts and tables whole, and puts the team, notebook and month
at the top of each sheet and ``page / pages`` at the bottom.

Each PDF is written under a temporary name in its final folder and renamed, so a
killed run never leaves half a PDF; Chromium runs with no network (the pages make no
request anyway: their Content-Security-Policy forbids it).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..errors import CskitError
from ..files import new_run_id

__all__ = ["CHROMIUM_NAMES", "PRINT_FLAGS", "find_chromium", "print_pdf", "print_pdfs"]

#: Executables tried, in order, on ``PATH`` (``$CSKIT_CHROMIUM`` names one explicitly).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: Chromium's command-line flags for printing one local, inert page.
PRINT_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND",
               "--no-pdf-header-footer", "--hide-scrollbars")


def find_chromium() -> str:
    """The Chromium executable (``$CSKIT_CHROMIUM``, else the first of :data:`CHROMIUM_NAMES` on ``PATH``).

    Raises
    ------
    CskitError
        ``report.no_chromium`` (exit code 2), said before any notebook runs.
    """
    named = os.environ.get("CSKIT_CHROMIUM")
    for candidate in ([named] if named else CHROMIUM_NAMES):
        found = shutil.which(candidate)
        if found:
            return found
    raise CskitError("report.no_chromium", names=", ".join([named] if named else CHROMIUM_NAMES))


def print_pdf(html: str | Path, chromium: str, *, timeout: float = 120) -> Path:
    """Print one HTML page to ``<page>.pdf`` beside it; return the PDF's path.

    Parameters
    ----------
    html : str or Path
        A rendered report page.
    chromium : str
        Executable from :func:`find_chromium`.
    timeout : float
        Seconds Chromium may take for the page.
    """
    html = Path(html).resolve()
    target = html.with_suffix(".pdf")
    temp = target.with_name(f".{target.name}.{new_run_id()}.tmp")
    with tempfile.TemporaryDirectory(prefix="cskit-pdf-") as profile:
        try:
            subprocess.run([chromium, *PRINT_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={temp}",
                            html.as_uri()], check=True, timeout=timeout, capture_output=True)
            if not temp.is_file() or temp.stat().st_size == 0:
                raise CskitError("report.pdf_failed", page=str(html))
            os.replace(temp, target)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise CskitError("report.pdf_failed", page=str(html)) from error
        finally:
            temp.unlink(missing_ok=True)
    return target


def print_pdfs(pages: list[Path], chromium: str, workers: int = 1) -> dict[Path, CskitError]:
    """:func:`print_pdf` for every page, ``workers`` Chromium processes at a time.

    A page Chromium cannot print does not stop the others.

    Returns
    -------
    dict
        The error of each page that got no PDF, by page (empty when every page was printed).
    """
    def one(page: Path) -> CskitError | None:
        try:
            print_pdf(page, chromium)
        except CskitError as error:
            return error
        return None

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        errors = dict(zip(pages, pool.map(one, pages)))
    return {page: error for page, error in errors.items() if error is not None}
