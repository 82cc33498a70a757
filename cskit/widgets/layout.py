"""Layout shared by the trainers' widgets: every control's label shown in full, in both languages.

ipywidgets gives a control's description a fixed width (about 80 px in JupyterLab 4) and
cuts a longer label with an ellipsis ("Monthly c…"), so "Monthly churn" and "Monthly
expansion" look alike. :func:`labelled` sizes the descriptions of a group of controls to
their longest label, so every label shows whole and the controls line up.
"""
from __future__ import annotations

import unicodedata

#: Width of one character in ``em``: full-width (Japanese) characters, then the others.
WIDE_EM, NARROW_EM = 1.0, 0.6


def label_width(labels) -> str:
    """CSS width (``em``) that holds the longest of ``labels`` on one line.

    A full-width character (Japanese) counts 1 em, any other 0.6 em (wider than the
    average Latin letter, so a label is never cut), plus 1 em of margin.

    Examples
    --------
    >>> label_width(["Monthly churn", "Monthly expansion"])
    '11.2em'
    >>> label_width(["月次解約率", "顧客単価（月額）"])
    '9.0em'
    """
    def width(text: str) -> float:
        return sum(WIDE_EM if unicodedata.east_asian_width(c) in "WF" else NARROW_EM for c in str(text))

    return f"{max(width(label) for label in labels) + 1:.1f}em"


def labelled(labels, control_em: float = 22) -> dict:
    """Keyword arguments (``style``, ``layout``) for one control of a group labelled ``labels``.

    Parameters
    ----------
    labels : iterable of str
        Every description of the group (so all controls get the same label column).
    control_em : float
        Width of the control itself (slider, box or list), in ``em``.

    Returns
    -------
    dict
        ``{"style": {"description_width": ...}, "layout": ipywidgets.Layout(width=...)}``;
        call once per control (each gets its own ``Layout``).

    Examples
    --------
    >>> kwargs = labelled(["Monthly churn", "Monthly expansion"])
    >>> kwargs["style"], kwargs["layout"].width
    ({'description_width': '11.2em'}, 'calc(11.2em + 22em)')
    """
    import ipywidgets as widgets

    width = label_width(labels)
    return {"style": {"description_width": width}, "layout": widgets.Layout(width=f"calc({width} + {control_em:g}em)")}
