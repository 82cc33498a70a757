"""Typed errors that carry their context (file, rows, column) until one place renders them.

Library code raises these; only the CLI (and the notebooks' error cell) turns them into
text in the user's language and an exit code. Row numbers are the row numbers a user
sees in a spreadsheet: the header is row 1, the first record row 2.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from .i18n import t

#: Exit code for bad input (data, options, targets file).
EXIT_BAD_INPUT = 2

#: At most this many row numbers are listed for one problem; the rest are counted.
MAX_ROWS_SHOWN = 10


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or normalised) in the input.

    Parameters
    ----------
    file : str
        File name as the user knows it (e.g. ``"mrr.csv"``).
    code : str
        Message id in :mod:`cskit.i18n` (e.g. ``"data.bad_date"``).
    rows : tuple of int
        Spreadsheet row numbers (header = 1); empty for file-level problems.
    column : str or None
        Column concerned, if any.
    params : dict
        Values for the message placeholders.
    severity : {"error", "warning"}
        Warnings are reported but do not make the dataset invalid.
    line : int or None
        For a problem in a settings file (``dataset.yml``): the line (1 = first line).
    key : str or None
        For a problem in a settings file: the key path (``columns.accounts.team``).

    Examples
    --------
    >>> Problem("dataset.yml", "config.not_mapping", line=1).render("en")
    'dataset.yml line 1: dataset.yml must be a mapping of keys to values (key: value).'
    """

    file: str
    code: str
    rows: tuple[int, ...] = ()
    column: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    severity: str = "error"
    line: int | None = None
    key: str | None = None

    @classmethod
    def yaml_syntax(cls, file: str, error: Exception) -> "Problem":
        """A settings file the YAML parser cannot read (``config.syntax``), at the line the parser names.

        Examples
        --------
        >>> import yaml
        >>> try:
        ...     yaml.safe_load("a: [1, 2\\nb: 3\\n")
        ... except yaml.YAMLError as error:
        ...     Problem.yaml_syntax("params.yml", error).line  # where the list should have closed
        2
        """
        mark = getattr(error, "problem_mark", None)
        reason = " ".join(str(getattr(error, "problem", None) or error).split())
        return cls(file, "config.syntax", params={"reason": reason}, line=mark.line + 1 if mark is not None else None)

    def render(self, lang: str | None = None) -> str:
        """Return ``"<file> row <n>, column <c>: <message>"`` (``"<file> line <n>, key <k>: ..."``) in ``lang``."""
        if self.line is not None:
            where = t("where.line", lang, file=self.file, line=self.line)
        elif not self.rows:
            where = t("where.file", lang, file=self.file)
        elif len(self.rows) == 1:
            where = t("where.row", lang, file=self.file, row=self.rows[0])
        else:
            shown = ", ".join(str(r) for r in self.rows[:MAX_ROWS_SHOWN])
            # more_rows: rows found but not listed (a check inside DuckDB lists the first few)
            hidden = len(self.rows) - MAX_ROWS_SHOWN + int(self.params.get("more_rows", 0))
            if hidden > 0:
                shown += " " + t("where.more_rows", lang, count=hidden)
            where = t("where.rows", lang, file=self.file, rows=shown)
        if self.key:
            where += ", " + t("where.key", lang, path=self.key)
        if self.column:
            where += ", " + t("where.column", lang, column=self.column)
        return f"{where}: {t(self.code, lang, **_translated(self.params, lang))}"


def _translated(params: dict[str, Any], lang: str | None) -> dict[str, Any]:
    """Fill ``<name>_key`` params (message ids for a nested phrase) as ``<name>`` in ``lang``."""
    out = {k: v for k, v in params.items() if not k.endswith("_key")}
    out.update({k[: -len("_key")]: t(v, lang) for k, v in params.items() if k.endswith("_key")})
    return out


class CskitError(Exception):
    """Base of every error the CLI reports without a traceback (exit code 2)."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: str | None = None) -> str:
        """Return the message in ``lang``."""
        return t(self.code, lang, **_translated(self.params, lang))


class DataValidationError(CskitError):
    """A dataset broke its contract; carries every problem found, not only the first.

    Parameters
    ----------
    problems : sequence of Problem
        Errors (and warnings) in file order.
    path : str
        Dataset folder.
    """

    def __init__(self, problems: Sequence[Problem], path: str = "") -> None:
        self.problems = tuple(problems)
        self.path = path
        Exception.__init__(self, self.render("en"))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    def render(self, lang: str | None = None) -> str:
        head = t("validate.failed", lang, path=self.path, count=len(self.errors))
        return "\n".join([head] + ["  - " + p.render(lang) for p in self.errors])


class OptionError(CskitError):
    """A command-line option or function argument has a value cskit cannot use."""

    def __init__(self, option: str, value: Any, reason: str) -> None:
        super().__init__("cli.bad_option", option=option, value=value, reason=reason)
