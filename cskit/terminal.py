"""The one way the command line prints a table: a DataFrame drawn by rich as plain text.

``cskit kpi --format table`` and ``cskit targets`` both print through
:func:`render_table`, so their tables look alike (no colour, no terminal codes: the
text is the same in a terminal, a pipe or a file).
"""
from __future__ import annotations

import io
from typing import Iterable

import pandas as pd


def render_table(frame: pd.DataFrame, *, title: str = "", notes: Iterable[str] = (), right: Iterable[str] = (),
                 width: int = 140) -> str:
    """Draw ``frame`` as a text table, then one line per note.

    Parameters
    ----------
    frame : DataFrame
        Cells are shown as ``str(value)``; the index is not shown.
    title : str
        Centred above the table.
    notes : iterable of str
        Lines printed under the table as they are (no rich markup).
    right : iterable of str
        Columns aligned right (numbers).
    width : int
        Characters per line; long cells wrap inside their column.

    Returns
    -------
    str
        The text, ending with a newline.

    Examples
    --------
    >>> print(render_table(pd.DataFrame({"kpi": ["MRR"], "value": ["¥1,000"]}), right=["value"], width=40), end="")
    ┏━━━━━┳━━━━━━━━┓
    ┃ kpi ┃  value ┃
    ┡━━━━━╇━━━━━━━━┩
    │ MRR │ ¥1,000 │
    └─────┴────────┘
    """
    from rich.console import Console
    from rich.table import Table

    console = Console(file=io.StringIO(), record=True, width=width, force_terminal=False, color_system=None)
    right = set(right)
    table = Table(title=title or None)
    for column in frame.columns:
        table.add_column(str(column), justify="right" if column in right else "left", overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*[str(value) for value in row])
    console.print(table)
    for note in notes:
        console.print(note, markup=False)
    return console.export_text()
