"""Trainer slides: notebook 01 run for one team, turned into a reveal.js deck that works offline.

:func:`build_slides` executes the notebook with papermill (``interactive=False``, so
widgets become static tables), keeps only the chosen language's prose cells and
converts the result with nbconvert's ``SlidesExporter``. Which cell starts a slide
or a vertical sub-slide, and which is left out, is set in the notebook's cell
metadata (``slideshow.slide_type``: ``slide``, ``subslide``, ``fragment``, ``-``,
``skip``); code is never shown.

reveal.js is not fetched from a CDN: its files come from the ``sphinx-revealjs``
package (which ships reveal.js's ``dist`` folder) and are inlined into the one HTML
file together with every style sheet, so the deck opens from a USB stick or an
e-mail attachment with no network, and its Content-Security-Policy forbids any
request.
"""
from __future__ import annotations

import importlib.util
import json
import re
import tempfile
from pathlib import Path

from .errors import CskitError
from .i18n import resolve_lang, t
from .files import atomic_write
from .reports import LANG_TAGS, NOTEBOOKS_DIR

#: The package that ships reveal.js, and where its files are inside it.
REVEAL_PACKAGE = "sphinx_revealjs"
REVEAL_SUBDIR = ("_static", "revealjs")

#: The notebook the slides are made from.
NOTEBOOK = NOTEBOOKS_DIR / "01_roles_cs_vs_sales.ipynb"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "cskit_slides"

#: Scripts and styles are inline; nothing may be fetched (images are data: URIs).
CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
       "img-src data:; font-src data:; base-uri 'none'; form-action 'none'")

#: reveal.js options (https://revealjs.com/config/); the slide is 1280 x 800 and scaled.
REVEAL_CONFIG = {
    "controls": True,
    "progress": True,
    "history": True,
    "hash": True,
    "center": False,
    "slideNumber": "c/t",
    "transition": "slide",
    "width": 1280,
    "height": 800,
    "margin": 0.04,
}

_IMPORT = re.compile(r"@import\s+url\([^)]*\)\s*;?")


def reveal_dir() -> Path:
    """Folder of reveal.js's files (``dist/``, ``plugin/``) inside the installed ``sphinx-revealjs``.

    Found without importing the package (which would import Sphinx).

    Raises
    ------
    CskitError
        If ``sphinx-revealjs`` is not installed or does not ship reveal.js.
    """
    spec = importlib.util.find_spec(REVEAL_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        folder = Path(location).joinpath(*REVEAL_SUBDIR)
        if (folder / "dist" / "reveal.js").is_file():
            return folder
    raise CskitError("roles.slides.no_reveal", package=REVEAL_PACKAGE.replace("_", "-"))


def reveal_assets(theme: str = "white") -> dict[str, str]:
    """reveal.js's script, core CSS and theme CSS as text, ready to inline.

    The theme's ``@import`` of a web font is removed (the deck uses system fonts, see
    ``slides.css``), and ``</script`` in the script is escaped so it can sit inside a
    ``<script>`` element.
    """
    folder = reveal_dir()
    theme_file = folder / "dist" / "theme" / f"{theme}.css"
    if not theme_file.is_file():
        known = sorted(p.stem for p in (folder / "dist" / "theme").glob("*.css"))
        raise CskitError("cli.bad_option", option="theme", value=theme, reason=", ".join(known))
    script = (folder / "dist" / "reveal.js").read_text(encoding="utf-8")
    return {
        "reveal_js": re.sub(r"</(script)", r"<\\/\1", script, flags=re.IGNORECASE),
        "reveal_css": (folder / "dist" / "reveal.css").read_text(encoding="utf-8"),
        "theme_css": _IMPORT.sub("", theme_file.read_text(encoding="utf-8")),
    }


def prepare_for_slides(nb, lang: str):
    """Keep only ``lang``'s prose cells and hide the parameter cells (in place; returns ``nb``).

    The other language's cells (tags of :data:`cskit.reports.LANG_TAGS`) are removed
    *before* nbconvert works out where slides start and end, so a slide never loses
    its opening cell.
    """
    other = {tag for code, tag in LANG_TAGS.items() if code != lang}
    nb.cells = [c for c in nb.cells if not other & set(c.get("metadata", {}).get("tags", []))]
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"parameters", "injected-parameters"}:
            cell.metadata["slideshow"] = {"slide_type": "skip"}
    return nb


def render_slides(nb, lang: str, title: str, theme: str = "white") -> str:
    """Convert an executed notebook to one self-contained reveal.js HTML page (no code shown)."""
    from nbconvert import SlidesExporter

    exporter = SlidesExporter(
        extra_template_paths=[str(TEMPLATE_DIR)],
        template_file="slides.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    resources = {
        "metadata": {"name": title},
        "language_code": lang,
        "cskit": {
            **reveal_assets(theme),
            "slides_css": (TEMPLATE_DIR / "slides.css").read_text(encoding="utf-8"),
            "reveal_config": json.dumps(REVEAL_CONFIG),
            "csp": CSP,
            "title": title,
        },
    }
    body, _ = exporter.from_notebook_node(prepare_for_slides(nb, lang), resources=resources)
    return body


def build_slides(
    notebook_path: str | Path | None,
    out_html: str | Path,
    lang: str | None,
    team: str,
    data_dir: str | Path,
    as_of: str | None = None,
    audience: str = "trainer",
    theme: str = "white",
    kernel_name: str | None = None,
    timeout: int = 600,
) -> Path:
    """Execute notebook 01 for ``team`` and write it as an offline reveal.js deck.

    Parameters
    ----------
    notebook_path : str, Path or None
        The notebook (default: :data:`NOTEBOOK`, ``notebooks/01_roles_cs_vs_sales.ipynb``).
    out_html : str or Path
        HTML file to write (its folder is created). Written atomically: a failed run
        leaves an older deck as it was.
    lang : {"ja", "en"} or None
        Language of the deck (``None``: ``$CSKIT_LANG`` or ``ja``).
    team : str
        Team id whose funnel is shown beside the company's, or ``"all"``.
    data_dir : str or Path
        Dataset folder.
    as_of : str or None
        Last month (``YYYY-MM``) of the funnel; ``None`` for the data's last month.
    audience : {"trainer", "new_hire"}
        ``trainer`` shows the answer key and teaching notes.
    theme : str
        reveal.js theme (``white``, ``simple``, ``black`` ...).
    kernel_name : str or None
        Jupyter kernel (default: the notebook's, ``python3``).
    timeout : int
        Seconds one cell may run.

    Returns
    -------
    Path
        ``out_html``.

    Raises
    ------
    CskitError
        Unknown team, bad ``as_of`` or audience, invalid dataset, reveal.js missing,
        or the notebook failed (its executed copy is kept as ``<out>.failed.ipynb``).
    """
    import nbformat
    import papermill

    from .io import load_dataset
    from .kpi.engine import resolve_months
    from .roles.view import check_audience

    lang = resolve_lang(lang)
    notebook = Path(notebook_path) if notebook_path else NOTEBOOK
    out = Path(out_html)
    data_dir = Path(data_dir).resolve()
    # check the inputs here, so a mistake is a clear message, not a failed notebook
    dataset = load_dataset(data_dir)
    if team != "all":
        dataset.role_of(team)
    resolve_months(dataset, None, as_of)
    check_audience(audience)
    reveal_dir()

    parameters = {"data_dir": str(data_dir), "team": team, "lang": lang, "as_of": as_of,
                  "audience": audience, "interactive": False}
    with tempfile.TemporaryDirectory(prefix="cskit-slides-") as scratch:
        executed = Path(scratch) / notebook.name
        try:
            nb = papermill.execute_notebook(
                str(notebook), str(executed), parameters=parameters, cwd=str(notebook.parent),
                kernel_name=kernel_name, progress_bar=False, log_output=False, execution_timeout=timeout,
            )
        except Exception as exc:
            failed = out.with_name(out.name + ".failed.ipynb")
            if executed.exists():
                failed.parent.mkdir(parents=True, exist_ok=True)
                failed.write_bytes(executed.read_bytes())
            error = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', exc)}"
            raise CskitError("roles.slides.failed", notebook=notebook.name, error=error[:2000], path=failed) from exc
        nb = nbformat.from_dict(nb)
    title = t("roles.slides.title", lang, team=dataset.team_name(team, lang))
    atomic_write(out, render_slides(nb, lang, title, theme))
    return out
