"""Notebook parameters chosen by the user: ``--param NB.name=value`` and ``--params-file``.

A notebook declares its parameters in its cell tagged ``parameters`` (papermill's
convention); :func:`declared_parameters` reads their names and default values from the
cell's assignments (the same reading as papermill's, tested against it, without importing
papermill). What a user sets is checked against them *before anything
runs*: an unknown notebook, team or name, a parameter the run sets itself
(:data:`RUN_PARAMETERS`), or a value whose type differs from the default's is a
:class:`~cskit.errors.Problem`; all of them are collected and raised together as
:class:`ParameterError` (exit code 2). Only declared parameters ever reach a notebook
(:func:`only_declared`).

The type rule (:func:`type_of_default`): a value must have the type of the default
(``0.8`` -> a number, ``"x"`` -> a text, ``True`` -> true/false); a whole number is
accepted where a decimal is declared; a parameter whose default is ``None`` takes a
text or ``None`` (a file path, a month). Values are YAML scalars, on the command line
as in the file, so ``--param 02.gross_margin=0.7`` and ``gross_margin: 0.7`` mean the same.

The parameters file maps notebook numbers to values for every team, and under
``teams`` a team id to values for that team only::

    "02":
      gross_margin: 0.7
    teams:
      cs_smb:
        "02":
          gross_margin: 0.75

A team's own values override the file's values for every team; ``--param`` overrides both.
"""
from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml

from .._yaml import safe_load
from ..errors import CskitError, Problem
from ..i18n import t

__all__ = ["RUN_PARAMETERS", "ParameterError", "NotebookParameters", "declared_parameters", "type_of_default",
           "parse_param", "check_parameters", "only_declared"]

#: Parameters every report run sets itself (from --data, --teams, --lang, --as-of, --audience; a report
#: is never interactive): a user cannot override them.
RUN_PARAMETERS = ("data_dir", "team", "lang", "as_of", "audience", "interactive")

#: Section of the parameters file that holds per-team values.
TEAMS_KEY = "teams"

#: Where a problem of a ``--param`` option is said to be.
PARAM_OPTION = "--param"

#: Message key of each kind of value, written out in full.
_TYPE_KEYS = {bool: "report.param.type.bool", int: "report.param.type.int", float: "report.param.type.float",
              str: "report.param.type.str", type(None): "report.param.type.str_or_none",
              list: "report.param.type.list", dict: "report.param.type.dict"}


class ParameterError(CskitError):
    """Notebook parameters that cannot be used; carries every problem (exit code 2)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        Exception.__init__(self, self.render("en"))

    def render(self, lang: str | None = None) -> str:
        head = t("report.params_invalid", lang, count=len(self.problems))
        return "\n".join([head] + ["  - " + p.render(lang) for p in self.problems])


@lru_cache(maxsize=64)
def _declared(path: str, mtime: float) -> tuple[tuple[str, Any], ...]:
    # Plain JSON and ast, not nbformat and papermill: importing those costs seconds, which an
    # unchanged re-run (where no notebook runs, but every page key needs the parameters) would
    # pay for nothing. Papermill's own reading of the cell agrees (tests/test_report_run_control.py).
    with open(path, encoding="utf-8") as handle:
        cells = json.load(handle).get("cells", [])
    for cell in cells:
        if "parameters" not in cell.get("metadata", {}).get("tags", []):
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        declared = []
        for statement in ast.parse(source).body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target, value = statement.targets[0], statement.value
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                target, value = statement.target, statement.value
            else:
                continue
            if not isinstance(target, ast.Name):
                continue
            try:
                default = ast.literal_eval(value)
            except (ValueError, SyntaxError, TypeError):
                default = ...  # an expression: its type is not known
            declared.append((target.id, default))
        return tuple(declared)
    return ()


def declared_parameters(path: str | Path) -> dict[str, Any]:
    """Names and default values of a notebook's ``parameters`` cell (``...`` for a default that is not a literal).

    Examples
    --------
    >>> declared_parameters("notebooks/02_kpi_calculation.ipynb")["gross_margin"]
    0.8
    >>> "targets_file" in declared_parameters("notebooks/02_kpi_calculation.ipynb")
    False
    """
    path = Path(path)
    return dict(_declared(str(path), path.stat().st_mtime))


def type_of_default(default: Any) -> type | None:
    """The type a value must have for a parameter whose default is ``default`` (``None``: any).

    Examples
    --------
    >>> type_of_default(0.8), type_of_default(True), type_of_default(None), type_of_default(...)
    (<class 'float'>, <class 'bool'>, <class 'NoneType'>, None)
    """
    if default is ...:
        return None
    return type(default) if type(default) in _TYPE_KEYS else None


def _fits(value: Any, default: Any) -> tuple[bool, Any]:
    """Whether ``value`` has the type of ``default``, and the value to inject."""
    kind = type_of_default(default)
    if kind is None:
        return True, value
    if kind is type(None):
        return value is None or isinstance(value, str), value
    if kind is float and type(value) is int:
        return True, float(value)
    return type(value) is kind, value


def parse_param(text: str) -> tuple[str, str, Any] | None:
    """``"02.gross_margin=0.7"`` -> ``("02", "gross_margin", 0.7)``; ``None`` if not of that form.

    The value is a YAML scalar (``0.7``, ``true``, ``targets.yml``, ``null``).

    Examples
    --------
    >>> parse_param("2.gross_margin=0.7"), parse_param("03.targets_file=targets.yml")
    (('02', 'gross_margin', 0.7), ('03', 'targets_file', 'targets.yml'))
    >>> parse_param("gross_margin=0.7") is None
    True
    """
    target, sep, raw = text.partition("=")
    number, dot, name = target.strip().partition(".")
    if not (sep and dot and number.isdigit() and name.isidentifier()):
        return None
    try:
        value = safe_load(raw) if raw.strip() else ""
    except Exception:
        value = raw
    return number.zfill(2), name, value


@dataclass(frozen=True)
class NotebookParameters:
    """Checked user values: for every team by notebook number, and per team.

    ``for_job(team, number)`` gives the values of one page (team values over the
    shared ones, ``--param`` over both).
    """

    shared: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    per_team: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    given: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def for_job(self, team: str, number: str) -> dict[str, Any]:
        """Values to inject into notebook ``number`` for ``team``.

        Examples
        --------
        >>> chosen = NotebookParameters({"02": {"gross_margin": 0.7}}, {"t1": {"02": {"gross_margin": 0.75}}})
        >>> chosen.for_job("t1", "02"), chosen.for_job("t2", "02"), chosen.for_job("t2", "03")
        ({'gross_margin': 0.75}, {'gross_margin': 0.7}, {})
        """
        values = dict(self.shared.get(number, {}))
        values.update(self.per_team.get(team, {}).get(number, {}))
        values.update(self.given.get(number, {}))
        return values

    def as_record(self) -> dict:
        """What the manifest records (plain JSON)."""
        return {"notebooks": {k: dict(v) for k, v in self.shared.items()},
                "teams": {team: {k: dict(v) for k, v in by_nb.items()} for team, by_nb in self.per_team.items()},
                "param": {k: dict(v) for k, v in self.given.items()}}


def _number(key: Any) -> str:
    """A notebook number as written in YAML (``02`` is read as the integer 2)."""
    return str(key).zfill(2) if isinstance(key, int) or str(key).isdigit() else str(key)


def _read_params_file(path: Path) -> tuple[dict, list[Problem]]:
    if not path.is_file():
        raise CskitError("config.file_missing", path=str(path))
    try:
        content = safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:  # unreadable, not UTF-8, not YAML
        return {}, [Problem.yaml_syntax(path.name, exc)]
    if content is None:
        return {}, []
    if not isinstance(content, dict):
        return {}, [Problem(path.name, "report.param.not_mapping", line=1)]
    return content, []


def check_parameters(params: Sequence[str] = (), params_file: str | Path | None = None, *,
                     notebooks: Mapping[str, Path], teams: Sequence[str]) -> NotebookParameters:
    """Parse and check ``--param`` values and a parameters file against the notebooks' declared parameters.

    Parameters
    ----------
    params : sequence of str
        ``NB.name=value`` strings (``02.gross_margin=0.7``).
    params_file : str or Path or None
        A YAML file (see the module docstring).
    notebooks : mapping of str to Path
        The notebooks of this run, by number.
    teams : sequence of str
        Team ids the file may name.

    Returns
    -------
    NotebookParameters

    Raises
    ------
    ParameterError
        Every problem found (unknown notebook, team or name, a parameter the run sets,
        a value of the wrong type, a malformed ``--param``).

    Examples
    --------
    >>> nbs = {"02": Path("notebooks/02_kpi_calculation.ipynb")}
    >>> check_parameters(["02.gross_margin=1"], notebooks=nbs, teams=["cs_smb"]).for_job("cs_smb", "02")
    {'gross_margin': 1.0}
    >>> check_parameters(["02.gross_margin=high", "02.margin=0.7"], notebooks=nbs, teams=[])
    Traceback (most recent call last):
    ...
    cskit.report.params.ParameterError: 2 notebook parameter(s) cannot be used:
      - --param, key 02.gross_margin: Parameter gross_margin of notebook 02 takes a number; got 'high'.
      - --param, key 02.margin: Notebook 02 declares no parameter margin; it declares: gross_margin.
    """
    problems: list[Problem] = []

    def checked(values: Any, number: str, file: str, key: str) -> dict[str, Any]:
        if number not in notebooks:
            problems.append(Problem(file, "report.param.unknown_notebook", key=key,
                                    params={"notebook": number, "known": ", ".join(sorted(notebooks)) or "-"}))
            return {}
        if not isinstance(values, dict):
            problems.append(Problem(file, "report.param.not_mapping", key=key))
            return {}
        declared = declared_parameters(notebooks[number])
        settable = [name for name in declared if name not in RUN_PARAMETERS]
        out = {}
        for name, value in values.items():
            where = f"{key}.{name}"
            if name in RUN_PARAMETERS:
                problems.append(Problem(file, "report.param.run_sets", key=where,
                                        params={"name": name}))
            elif name not in declared:
                problems.append(Problem(file, "report.param.unknown_name", key=where,
                                        params={"notebook": number, "name": name,
                                                "declared": ", ".join(settable) or "-"}))
            else:
                ok, value = _fits(value, declared[name])
                if ok:
                    out[str(name)] = value
                else:
                    problems.append(Problem(file, "report.param.wrong_type", key=where, params={
                        "notebook": number, "name": name, "value": repr(value),
                        "expected_key": _TYPE_KEYS[type_of_default(declared[name])]}))
        return out

    shared: dict[str, dict] = {}
    per_team: dict[str, dict[str, dict]] = {}
    if params_file is not None:
        path = Path(params_file)
        content, problems_file = _read_params_file(path)
        problems += problems_file
        for key, values in content.items():
            if key == TEAMS_KEY:
                if not isinstance(values, dict):
                    problems.append(Problem(path.name, "report.param.not_mapping", key=TEAMS_KEY))
                    continue
                for team, by_nb in values.items():
                    if str(team) not in teams:
                        problems.append(Problem(path.name, "report.param.unknown_team", key=f"{TEAMS_KEY}.{team}",
                                                params={"team": team}))
                    elif not isinstance(by_nb, dict):
                        problems.append(Problem(path.name, "report.param.not_mapping", key=f"{TEAMS_KEY}.{team}"))
                    else:
                        for nb_key, nb_values in by_nb.items():
                            number = _number(nb_key)
                            per_team.setdefault(str(team), {})[number] = checked(
                                nb_values, number, path.name, f"{TEAMS_KEY}.{team}.{number}")
            else:
                number = _number(key)
                shared[number] = checked(values, number, path.name, number)
    given: dict[str, dict] = {}
    for text in params:
        parsed = parse_param(text)
        if parsed is None:
            problems.append(Problem(PARAM_OPTION, "report.param.syntax", params={"text": text}))
            continue
        number, name, value = parsed
        given.setdefault(number, {}).update(checked({name: value}, number, PARAM_OPTION, number))
    if problems:
        raise ParameterError(problems)
    return NotebookParameters(shared, per_team, given)


def only_declared(values: Mapping[str, Any], declared: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``values`` that the notebook declares (nothing undeclared is injected).

    Examples
    --------
    >>> only_declared({"team": "t1", "interactive": False}, {"team": "", "lang": "ja"})
    {'team': 't1'}
    """
    return {name: value for name, value in values.items() if name in declared}
