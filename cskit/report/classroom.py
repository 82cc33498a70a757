"""Notebooks for a classroom: one language, the parameters set, ready to open in JupyterLab.

The repository's notebooks carry both languages (markdown cells tagged ``lang-ja`` and
``lang-en``), which is right for reports (each page keeps one) but wrong for a learner in
JupyterLab, who would read every text twice. :func:`write_class_notebooks` writes copies
that keep only one language's cells and set the parameters (data folder, team, language,
audience) the notebook declares, without running anything.
"""
from __future__ import annotations

from pathlib import Path

from ..files import atomic_write
from ..options import AUDIENCES, check_choice, check_lang
from .plan import declared_parameters, locate_notebooks, select_notebooks
from .render import other_lang_tags

__all__ = ["write_class_notebooks"]


def _one_language(nb, lang: str):
    """``nb`` without the cells of the other languages (in place; returns it)."""
    other = other_lang_tags(lang)
    nb.cells = [cell for cell in nb.cells if not other & set(cell.get("metadata", {}).get("tags", []))]
    nb.metadata["language_info"] = {**nb.metadata.get("language_info", {}), "name": "python"}
    nb.metadata["cskit"] = {"lang": lang}
    return nb


def write_class_notebooks(out_dir: str | Path, *, data_dir: str | Path = "data/sample", lang: str | None = None,
                          audience: str = "new_hire", team: str | None = None, notebooks: str = "all",
                          notebooks_dir: str | Path | None = None) -> list[Path]:
    """Write the notebooks in one language with their parameters set, for JupyterLab.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write into (created if missing; files of the same names are replaced).
    data_dir : str or Path
        Dataset folder the notebooks read (written as an absolute path, so the copies
        work wherever they are opened from).
    lang : {"ja", "en"} or None
        The one language kept. ``None``: ``$CSKIT_LANG``, else Japanese.
    audience : {"new_hire", "trainer"}
        ``new_hire`` hides the answers until the learner asks; ``trainer`` shows them.
        Set only in notebooks that declare it.
    team : str, optional
        Team id to set in notebooks that declare ``team`` (default: each notebook's own).
    notebooks : str
        ``"all"`` or numbers such as ``"01,02"``.
    notebooks_dir : str or Path, optional
        Where the notebooks are (default: the installed package's, else the repository's).

    Returns
    -------
    list of pathlib.Path
        The notebooks written, in number order.

    Examples
    --------
    >>> import json, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> written = write_class_notebooks(folder, lang="en", notebooks="03")
    >>> [p.name for p in written]
    ['03_smart_targets.ipynb']
    >>> cells = json.loads(written[0].read_text(encoding="utf-8"))["cells"]
    >>> any("lang-ja" in c["metadata"].get("tags", []) for c in cells)
    False
    """
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    lang = check_lang(lang)
    audience = check_choice("audience", audience, AUDIENCES)
    numbers = select_notebooks(notebooks)
    _, found = locate_notebooks(numbers, notebooks_dir)
    values = {"data_dir": str(Path(data_dir).resolve()), "lang": lang, "audience": audience, "team": team}
    written = []
    for number in numbers:
        if number not in found:
            continue
        path = found[number]
        declared = declared_parameters(str(path))
        parameters = {name: value for name, value in values.items() if name in declared and value is not None}
        # papermill's loader gives every cell a tags list, which its parameter injection expects
        nb = parameterize_notebook(load_notebook_node(str(path)), parameters, report_mode=False)
        target = Path(out_dir) / path.name
        atomic_write(target, nbformat.writes(_one_language(nb, lang)))
        written.append(target)
    return written
