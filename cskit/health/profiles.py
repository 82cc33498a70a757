"""``health.yml``: the health score's profiles (signals, weights, bands) and which account gets which.

The file is optional (next to the data, or given with ``--health FILE`` / ``health=``)::

    profiles:
      high_touch:                       # first matching profile wins
        when: {touch_model: [high]}     # account columns -> the values that match (all must match)
        weights: {usage: 0.3, survey: 0.3, tickets: 0.2, mrr_trend: 0.2}
        bands: {red: [0, 50], yellow: [50, 75], green: [75, 100]}
      default:                          # every other account (optional: today's weights and bands)
        weights: {usage: 0.4, survey: 0.2, tickets: 0.15, mrr_trend: 0.25}

A band is ``[from, to)`` on the 0-100 score (green includes 100); the three bands must
follow each other from 0 to 100 without gap or overlap. A signal left out of
``weights`` is not used. :func:`parse_health` checks everything and names ``health.yml``,
the line and the key of each problem (as :mod:`cskit.io.config` does for ``dataset.yml``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .._yaml import SafeLoader
from ..contract import TABLES
from ..errors import CskitError, Problem
from ..i18n import t
from ..io.config import _Validator
from ..kpi.health import DEFAULT_WEIGHTS, SIGNALS, HealthConfig

__all__ = ["HEALTH_FILE", "BANDS", "DEFAULT_BANDS", "HealthProfile", "HealthProfiles", "HealthFileError",
           "parse_health", "read_health", "resolve_health"]

#: The health settings file of a dataset folder.
HEALTH_FILE = "health.yml"
#: Bands from worst to best.
BANDS = ("red", "yellow", "green")
#: Today's bands: red under the at-risk threshold of :class:`~cskit.kpi.health.HealthConfig`, green from 70.
DEFAULT_BANDS = {"red": (0.0, HealthConfig().at_risk_below), "yellow": (HealthConfig().at_risk_below, 70.0),
                 "green": (70.0, 100.0)}
#: Keys of the file and of one profile.
TOP_KEYS = ("profiles", "description")
PROFILE_KEYS = ("when", "weights", "bands", "description")
#: Columns of ``accounts`` a rule may test.
RULE_COLUMNS = tuple(c.name for c in TABLES["accounts"].columns)


@dataclass(frozen=True)
class HealthProfile:
    """One profile: weights per signal, band edges, and the rule that picks its accounts.

    Examples
    --------
    >>> HealthProfile().red_below, HealthProfile().green_from
    (40.0, 70.0)
    """

    name: str = "default"
    weights: dict = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    bands: dict = field(default_factory=lambda: dict(DEFAULT_BANDS))
    when: dict = field(default_factory=dict)

    @property
    def red_below(self) -> float:
        """Scores under this are red."""
        return float(self.bands["red"][1])

    @property
    def green_from(self) -> float:
        """Scores from this are green."""
        return float(self.bands["green"][0])


@dataclass(frozen=True)
class HealthProfiles:
    """The profiles of a ``health.yml`` in the order they are tried, ``default`` last.

    Examples
    --------
    >>> accounts = pd.DataFrame({"touch_model": ["high", "low"]})
    >>> profiles = HealthProfiles((HealthProfile("hi", when={"touch_model": ("high",)}), HealthProfile()))
    >>> profiles.choose(accounts).tolist()
    [0, 1]
    """

    profiles: tuple = (HealthProfile(),)
    file: str = HEALTH_FILE

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.profiles]

    def choose(self, accounts: pd.DataFrame) -> np.ndarray:
        """Per account row, the position of the first profile whose rule it matches."""
        chosen = np.full(len(accounts), len(self.profiles) - 1)
        undecided = np.ones(len(accounts), dtype=bool)
        for position, profile in enumerate(self.profiles):
            match = undecided.copy()
            for column, values in profile.when.items():
                if column not in accounts.columns:
                    raise CskitError("health.column_absent", file=self.file, profile=profile.name, column=column)
                match &= accounts[column].astype("string").isin(values).fillna(False).to_numpy(dtype=bool)
            chosen[match] = position
            undecided &= ~match
        return chosen

    def weight_matrix(self, chosen: np.ndarray) -> np.ndarray:
        """Weights per account (rows) and signal (columns, in :data:`SIGNALS` order)."""
        table = np.array([[float(p.weights.get(s, 0.0)) for s in SIGNALS] for p in self.profiles])
        return table[chosen]

    def edges(self, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(red_below, green_from)`` per account."""
        return (np.array([p.red_below for p in self.profiles])[chosen],
                np.array([p.green_from for p in self.profiles])[chosen])


class HealthFileError(CskitError):
    """A ``health.yml`` with problems; carries every one (exit code 2)."""

    def __init__(self, problems, file: str = HEALTH_FILE) -> None:
        self.problems, self.file = tuple(problems), file
        Exception.__init__(self, self.render("en"))

    def render(self, lang: str | None = None) -> str:
        head = t("health.file_invalid", lang, file=self.file, count=len(self.problems))
        return "\n".join([head] + ["  - " + p.render(lang) for p in self.problems])


def read_health(path: str | Path) -> HealthProfiles:
    """Read and check a ``health.yml``.

    Raises
    ------
    CskitError
        ``config.file_missing`` when there is no such file; :class:`HealthFileError` listing its problems.

    Examples
    --------
    >>> read_health("data/examples/health.yml").names
    ['high_touch', 'tech_touch', 'default']
    """
    path = Path(path)
    if not path.is_file():
        raise CskitError("config.file_missing", path=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HealthFileError([Problem(path.name, "config.syntax", params={"reason": str(exc)})], path.name) from None
    profiles, problems = parse_health(text, path.name)
    if problems:
        raise HealthFileError(problems, path.name)
    return profiles


def resolve_health(health, data=None) -> HealthProfiles:
    """The profiles to use: ``health`` (profiles or a file) when given, else ``health.yml`` beside the data, else today's.

    Examples
    --------
    >>> resolve_health(None, "no/such/folder").names
    ['default']
    """
    if isinstance(health, HealthProfiles):
        return health
    if health is not None:
        return read_health(health)
    beside = Path(str(data)) / HEALTH_FILE if data is not None and "://" not in str(data) else None
    if beside is not None and beside.is_file():
        return read_health(beside)
    return HealthProfiles()


def parse_health(text: str, file: str = HEALTH_FILE) -> tuple[HealthProfiles, list[Problem]]:
    """Parse and check the text of a ``health.yml``.

    Returns
    -------
    profiles : HealthProfiles
        Today's profile where the file has problems.
    problems : list of Problem
        Every problem, naming the file, the line and the key.

    Examples
    --------
    >>> _, problems = parse_health("profiles:\\n  default:\\n    weights: {usage: 1, nps: 2}\\n")
    >>> [p.render("en") for p in problems]  # doctest: +NORMALIZE_WHITESPACE
    ["health.yml line 3, key profiles.default.weights.nps: Unknown signal 'nps'; signals: usage, survey,
    tickets, mrr_trend."]
    """
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        return HealthProfiles(file=file), [Problem.yaml_syntax(file, exc)]
    finally:
        loader.dispose()
    if node is None:
        return HealthProfiles(file=file), []
    checker = _HealthChecker(file, node, {})
    profiles = checker.profiles_of(node)
    if checker.problems:
        return HealthProfiles(file=file), checker.problems
    return HealthProfiles(profiles, file), []


class _HealthChecker(_Validator):
    """The walk of :mod:`cskit.io.config` (lines, key paths, suggestions) applied to ``health.yml``."""

    def profiles_of(self, node) -> tuple:
        parts = {name: value for name, key, value in self.entries(node, "")
                 if self.known(name, key, TOP_KEYS, "config.unknown_key", "config.unknown_key_hint")}
        if "profiles" not in parts:
            self.add("health.no_profiles", "")
            return ()
        found = [self.profile(name, key, value) for name, key, value in self.entries(parts["profiles"], "profiles")]
        found = [p for p in found if p is not None]
        default = [p for p in found if p.name == "default"] or [HealthProfile()]
        return tuple([p for p in found if p.name != "default"] + default)

    def profile(self, name: str, key: str, node) -> HealthProfile | None:
        parts = {part: (path, value) for part, path, value in self.entries(node, key)
                 if self.known(part, path, PROFILE_KEYS, "config.unknown_key", "config.unknown_key_hint")}
        when = self.rule(*parts["when"]) if "when" in parts else {}
        weights = self.weights(*parts["weights"]) if "weights" in parts else dict(DEFAULT_WEIGHTS)
        bands = self.bands(*parts["bands"]) if "bands" in parts else dict(DEFAULT_BANDS)
        if name == "default" and "when" in parts:
            self.add("health.default_when", parts["when"][0])
        return HealthProfile(name, weights, bands, when)

    def number(self, node, key: str) -> float | None:
        try:
            value = float(node.value) if isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:bool" else None
        except ValueError:
            value = None
        if value is None or not math.isfinite(value):
            self.add("health.not_number", key, value=str(getattr(node, "value", "")))
            return None
        return value

    def weights(self, key: str, node) -> dict:
        weights = {}
        for signal, path, value in self.entries(node, key):
            if not self.known(signal, path, SIGNALS, "health.unknown_signal", "health.unknown_signal_hint"):
                continue
            weight = self.number(value, path)
            if weight is not None and weight < 0:
                self.add("health.negative_weight", path, signal=signal, weight=f"{weight:g}")
            elif weight is not None:
                weights[signal] = weight
        if not sum(weights.values()) > 0 and not self.problems_at(key):
            self.add("health.weights_sum", key, total=f"{sum(weights.values()):g}")
        return weights

    def problems_at(self, key: str) -> bool:
        return any(p.key is not None and p.key.startswith(key + ".") for p in self.problems)

    def bands(self, key: str, node) -> dict:
        bands = {}
        for band, path, value in self.entries(node, key):
            if not self.known(band, path, BANDS, "health.unknown_band", "health.unknown_band_hint"):
                continue
            pair = value.value if isinstance(value, yaml.SequenceNode) else []
            edges = [self.number(v, path) for v in pair] if len(pair) == 2 else None
            if edges is None:
                self.add("health.band_pair", path, band=band)
            elif None not in edges:
                if not 0 <= edges[0] < edges[1] <= 100:
                    self.add("health.band_unordered", path, band=band, low=f"{edges[0]:g}", high=f"{edges[1]:g}")
                else:
                    bands[band] = (edges[0], edges[1])
        missing = [b for b in BANDS if b not in bands]
        if missing:
            if not self.problems_at(key):
                self.add("health.band_missing", key, bands=", ".join(missing))
            return dict(DEFAULT_BANDS)
        self.band_chain(key, bands)
        return bands

    def band_chain(self, key: str, bands: dict) -> None:
        """Red from 0, green to 100, each band starting where the one below ends."""
        if bands["red"][0] != 0 or bands["green"][1] != 100:
            self.add("health.band_ends", key)
        for lower, upper in zip(BANDS, BANDS[1:]):
            end, start = bands[lower][1], bands[upper][0]
            if end > start:
                self.add("health.band_overlap", f"{key}.{upper}", lower=lower, upper=upper, end=f"{end:g}", start=f"{start:g}")
            elif end < start:
                self.add("health.band_gap", f"{key}.{upper}", lower=lower, upper=upper, end=f"{end:g}", start=f"{start:g}")

    def rule(self, key: str, node) -> dict:
        rule = {}
        for column, path, value in self.entries(node, key):
            if not self.known(column, path, RULE_COLUMNS, "health.unknown_column", "health.unknown_column_hint"):
                continue
            items = value.value if isinstance(value, yaml.SequenceNode) else [value]
            texts = [self.text(item, path) for item in items]
            if texts and None not in texts:
                rule[column] = tuple(texts)
            elif not texts:
                self.add("config.bad_type", path, expected_key="config.expect_text")
        return rule
