"""Short errors in a notebook: a :class:`~cskit.errors.CskitError` as a box in the learner's language.

A missing data folder or a mistyped team is a mistake in the parameters cell, not a bug:
the learner sees what is wrong and what to do, in the notebook's language, without a
traceback. The cell still fails, so "Run All" and papermill (``cskit report``) stop there.
"""
from __future__ import annotations

import html

from .i18n import LANGS, t

__all__ = ["error_box", "show_errors_briefly"]


def error_box(error: Exception, lang: str | None) -> str:
    """A :class:`~cskit.errors.CskitError` as a short HTML box: a title, the message, what to do.

    ``lang`` ``None`` (the language itself was wrong) writes the box in both languages.

    Examples
    --------
    >>> from cskit.errors import CskitError
    >>> box = error_box(CskitError("cli.unknown_team", team="cs_smbb", teams="cs_smb, support"), "en")
    >>> "Team &#x27;cs_smbb&#x27; is not in the data. Known teams: cs_smb, support" in box, "Traceback" in box
    (True, False)
    """
    langs = [lang] if lang else list(LANGS)
    parts = []
    for one in langs:
        message = error.render(one) if hasattr(error, "render") else str(error)
        parts.append(f'<p style="margin:0 0 0.3em 0"><strong>{html.escape(t("notebook.error.title", one))}</strong></p>'
                     f'<div style="white-space:pre-wrap">{html.escape(message)}</div>'
                     f'<p style="margin:0.4em 0 0 0">{html.escape(t("notebook.error.hint", one))}</p>')
    style = "border-left:4px solid #c62828;background:#fdecea;color:#3b0d0c;padding:0.6em 0.9em;margin:0.3em 0"
    return f'<div class="cskit-error" style="{style}">' + '<hr style="margin:0.6em 0">'.join(parts) + "</div>"


def show_errors_briefly(lang: str | None) -> bool:
    """Make IPython show a :class:`~cskit.errors.CskitError` as :func:`error_box` instead of a traceback.

    The handler displays the box (HTML, with the message as plain text for a terminal)
    and sends the kernel's error message with a one-line traceback ("this cell stopped
    at the error above") instead of the Python one, so the cell still ends in error:
    "Run All" stops there, and papermill raises ``PapermillExecutionError`` (a report
    run fails as before). Other exceptions keep IPython's full traceback.

    Parameters
    ----------
    lang : {"ja", "en"} or None
        Language of the box (``None``: both).

    Returns
    -------
    bool
        True if the handler was registered (False outside IPython).

    Examples
    --------
    >>> show_errors_briefly("en")  # plain Python: nothing to register
    False
    """
    from .errors import CskitError

    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    shell = get_ipython()
    if shell is None:
        return False

    def handler(shell, etype, value, tb, tb_offset=None):
        from IPython.display import display

        langs = [lang] if lang else list(LANGS)
        display({"text/html": error_box(value, lang), "text/plain": "\n".join(value.render(one) for one in langs)}, raw=True)
        stb = [t("notebook.error.stopped", one) for one in langs]
        shell._showtraceback(etype, value, stb)  # the kernel's error message: the cell fails, with this short traceback
        return stb

    shell.set_custom_exc((CskitError,), handler)
    return True
