"""Propose a ``dataset.yml`` from the top rows of a folder's files (``cskit map``): pure, no I/O.

Input is one :class:`Sheet` per CSV/Parquet file or Excel sheet: its name and its first
rows as text. :func:`propose` then

1. finds each sheet's header row below a title block (:func:`find_header_row`);
2. matches headers to each contract table's columns (:func:`match_headers`): exact,
   normalised (:func:`normalise`), a synonym from ``cskit/content/columns.yml``, then fuzzy
   (:data:`FUZZY_RATIO`), every match keeping its kind;
3. decides which table each sheet holds: a file named after a table is that table,
   otherwise the table whose columns its headers match best (each table at most once);
4. for choice columns, maps each value that is not a contract value the same four ways
   (:func:`match_value`);
5. lists what it could not place: required tables and columns, headers, values, files.

The result is a :class:`Proposal`; :mod:`cskit.io.proposal_text` writes it as YAML with
comments, :mod:`cskit.io.scan` reads the files and writes ``dataset.yml``.
"""
from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Mapping, Sequence

from .._yaml import read_content
from ..contract import REVENUE_TABLES, TABLES, Table
from ..dataset import Dataset
from .readers import SPACES

__all__ = [
    "DEFAULT_CURRENCY", "FUZZY_RATIO", "KEPT_SETTINGS", "KINDS", "Match", "Proposal", "Sheet", "TableProposal", "column_synonyms", "find_header_row",
    "match_headers", "match_value", "normalise", "propose", "value_synonyms",
]

#: Kinds of match, strongest first.
KINDS = ("exact", "normalised", "synonym", "fuzzy")
#: Lowest :class:`difflib.SequenceMatcher` ratio of normalised texts that counts as a fuzzy match.
FUZZY_RATIO = 0.8
#: Settings of an existing ``dataset.yml`` a new proposal keeps.
KEPT_SETTINGS = ("currency", "as_of")
#: The currency a dataset is in when ``dataset.yml`` names none (the :class:`~cskit.dataset.Dataset` default).
DEFAULT_CURRENCY = Dataset.__dataclass_fields__["currency"].default
#: A header row has at least this share of the usual number of filled cells per row.
HEADER_FILL = 0.8

_SEPARATORS = re.compile(r"[\s_\-]+")
_DATA_CELL = re.compile(r"[\d\s,.\-/:+¥$%円年月日]+")


@dataclass(frozen=True)
class Sheet:
    """The top rows of one CSV or Parquet file, or of one sheet of an Excel file.

    Parameters
    ----------
    file : str
        File name in the folder (``取引先一覧.csv``).
    rows : tuple of tuple of str
        The first rows as text, empty cells as ``""``.
    sheet : str or None
        Excel sheet name; None for CSV and Parquet.
    position : int
        0 for the file's first sheet (and for CSV and Parquet).
    header_row : int or None
        The header row when the file type fixes it (Parquet: 1); None to find it.
    """

    file: str
    rows: tuple[tuple[str, ...], ...]
    sheet: str | None = None
    position: int = 0
    header_row: int | None = None

    @property
    def where(self) -> str:
        """How messages name the sheet: ``file`` or ``file [sheet]``."""
        return f"{self.file} [{self.sheet}]" if self.sheet else self.file


@dataclass(frozen=True)
class Match:
    """One header (or value) placed on a contract column (or value).

    ``found`` is the text as the file has it, ``target`` the contract's name, ``kind`` one of
    :data:`KINDS`, ``near`` the name or synonym it matched (for a fuzzy match, the closest one)
    and ``ratio`` the similarity (1.0 unless fuzzy).
    """

    found: str
    target: str
    kind: str
    near: str
    ratio: float = 1.0


@dataclass
class TableProposal:
    """Where one contract table is and how its file names its columns and values."""

    table: str
    sheet: Sheet
    header_row: int
    by_name: bool
    columns: list[Match]
    values: dict[str, list[Match]] = field(default_factory=dict)
    unplaced_values: dict[str, list[str]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    unplaced_headers: list[str] = field(default_factory=list)

    @property
    def location(self) -> dict:
        """The ``tables.<table>`` entry: ``file`` unless named ``<table>.<ext>``, ``sheet`` unless the first, ``header_row`` unless 1."""
        entry: dict = {}
        if PurePath(self.sheet.file).stem != self.table:
            entry["file"] = self.sheet.file
        if self.sheet.position:
            entry["sheet"] = self.sheet.sheet
        if self.header_row != 1:
            entry["header_row"] = self.header_row
        return entry


@dataclass
class Proposal:
    """A proposed ``dataset.yml``: settings kept from an existing one, tables, and what is left.

    :meth:`to_config` is the ``dataset.yml`` as a dict; :attr:`complete` says whether every
    required table and column found a home.
    """

    settings: dict
    tables: dict[str, TableProposal]
    unplaced_files: list[str]
    missing_tables: list[str]
    kept: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """True when every required table and every required column of a found table was matched."""
        return not self.missing_tables and not any(p.missing for p in self.tables.values())

    def to_config(self) -> dict:
        """The proposal as the ``dataset.yml`` mapping (sections without entries left out)."""
        config = dict(self.settings)
        columns = {t: {m.target: m.found for m in p.columns if m.kind != "exact"} for t, p in self.tables.items()}
        values = {t: {c: {m.found: m.target for m in ms} for c, ms in p.values.items() if ms} for t, p in self.tables.items()}
        tables = {t: p.location for t, p in self.tables.items()}
        for name, section in (("columns", columns), ("values", values), ("tables", tables)):
            section = {t: entry for t, entry in section.items() if entry}
            if section:
                config[name] = section
        return config


def normalise(text: str) -> str:
    """Text as compared when not equal as written: NFKC, trimmed, case-folded, ``_``/space/``-`` alike.

    Examples
    --------
    >>> normalise(" Account ID "), normalise("ＡＣＣＯＵＮＴ－ｉｄ"), normalise("請求周期（月）")
    ('account_id', 'account_id', '請求周期(月)')
    """
    text = unicodedata.normalize("NFKC", str(text)).strip(SPACES + "\ufeff").casefold()
    return _SEPARATORS.sub("_", text).strip("_")


def column_synonyms(table: str, column: str) -> tuple[str, ...]:
    """The labels and synonyms ``cskit/content/columns.yml`` gives a contract column.

    Examples
    --------
    >>> column_synonyms("accounts", "account_id")[:3]
    ('取引先ID', 'Account ID', '取引先 ID')
    """
    entry = read_content("columns.yml")["tables"].get(table, {}).get(column, {})
    labels = tuple(entry.get("label", {}).values())
    return tuple(dict.fromkeys(labels + tuple(entry.get("synonyms", ()))))


def value_synonyms(table: str, column: str) -> dict[str, tuple[str, ...]]:
    """Per contract value of a choice column, the values exports write for it (``columns.yml``).

    Examples
    --------
    >>> value_synonyms("opportunities", "stage")["won"][:2]
    ('受注', '成約')
    """
    entry = read_content("columns.yml")["values"].get(table, {}).get(column, {})
    allowed = TABLES[table].column(column).allowed
    return {value: tuple(entry.get(value, ())) for value in allowed}


def _match_one(found: str, target: str, synonyms: Sequence[str]) -> Match | None:
    """How ``found`` matches ``target`` (known by ``synonyms`` too), or None."""
    if found == target:
        return Match(found, target, "exact", target)
    key = normalise(found)
    if key == normalise(target):
        return Match(found, target, "normalised", target)
    for synonym in synonyms:
        if key == normalise(synonym):
            return Match(found, target, "synonym", synonym)
    ratio, near = max((difflib.SequenceMatcher(None, key, normalise(n)).ratio(), n) for n in (target, *synonyms))
    if ratio >= FUZZY_RATIO:
        return Match(found, target, "fuzzy", near, round(ratio, 2))
    return None


def _strength(match: Match) -> tuple[int, float]:
    return -KINDS.index(match.kind), match.ratio


def match_headers(headers: Sequence[str], table: Table) -> list[Match]:
    """Place each header on at most one column of ``table``, strongest matches first.

    Parameters
    ----------
    headers : sequence of str
        The file's headers as written.
    table : Table
        A contract table.

    Returns
    -------
    list of Match
        In the table's column order; columns and headers left over are not listed.

    Examples
    --------
    >>> [(m.found, m.target, m.kind) for m in match_headers(["Account ID", "対象月", "月額", "mrr"], TABLES["mrr"])]
    [('Account ID', 'account_id', 'normalised'), ('対象月', 'month', 'synonym'), ('mrr', 'mrr', 'exact')]
    """
    pairs = []
    for h, header in enumerate(headers):
        for c, column in enumerate(table.columns):
            match = _match_one(header, column.name, column_synonyms(table.name, column.name))
            if match is not None:
                pairs.append((_strength(match), -h, -c, match))
    pairs.sort(key=lambda pair: pair[:3], reverse=True)
    taken_headers: set[str] = set()
    placed: dict[str, Match] = {}
    for _, _, _, match in pairs:
        if match.found not in taken_headers and match.target not in placed:
            taken_headers.add(match.found)
            placed[match.target] = match
    return [placed[c.name] for c in table.columns if c.name in placed]


def match_value(value: str, synonyms: Mapping[str, Sequence[str]]) -> Match | None:
    """The contract value ``value`` stands for, given ``{contract value: synonyms}``; None if none.

    Examples
    --------
    >>> match_value("Closed Won", value_synonyms("opportunities", "stage"))
    Match(found='Closed Won', target='won', kind='synonym', near='Closed Won', ratio=1.0)
    >>> match_value("保留", value_synonyms("opportunities", "stage")) is None
    True
    """
    found = [m for target, names in synonyms.items() if (m := _match_one(value, target, names)) is not None]
    return max(found, key=_strength, default=None)


def _is_data_cell(cell: str) -> bool:
    return bool(_DATA_CELL.fullmatch(cell))


def find_header_row(rows: Sequence[Sequence[str]]) -> int:
    """The spreadsheet row (1 = first) holding the headers, below any title block.

    The header row is the first row that fills about as many cells as the rows usually do
    (:data:`HEADER_FILL`), with distinct cells none of which looks like a number or a date.

    Examples
    --------
    >>> find_header_row([["取引先一覧"], ["出力日", "2026/11/30"], [], ["取引先ID", "取引先名", "担当チーム"],
    ...                  ["A1", "ノア", "cs1"], ["A2", "", "cs1"]])
    4
    >>> find_header_row([["account_id", "team"], ["A1", "cs1"]])
    1
    """
    filled = [sum(1 for cell in row if cell) for row in rows]
    counts = Counter(n for n in filled if n)
    if not counts:
        return 1
    usual = max(n for n, seen in counts.items() if seen == max(counts.values()))
    need = max(min(2, usual), math.ceil(usual * HEADER_FILL))
    for number, (row, n) in enumerate(zip(rows, filled), start=1):
        cells = [cell for cell in row if cell]
        if n >= need and len(set(cells)) == n and not any(_is_data_cell(cell) for cell in cells):
            return number
    return 1


@dataclass(frozen=True)
class _Framed:
    """A sheet cut at its header row: headers and the distinct values below each."""

    sheet: Sheet
    header_row: int
    headers: tuple[str, ...]
    values: dict[str, tuple[str, ...]]


def _frame(sheet: Sheet) -> _Framed:
    header_row = sheet.header_row or find_header_row(sheet.rows)
    header = sheet.rows[header_row - 1] if len(sheet.rows) >= header_row else ()
    positions = [(i, cell.strip(SPACES + "\ufeff")) for i, cell in enumerate(header)]
    positions = [(i, name) for i, name in positions if name]
    values = {name: tuple(dict.fromkeys(v for row in sheet.rows[header_row:]
                                        if i < len(row) and (v := row[i].strip(SPACES))))
              for i, name in positions}
    return _Framed(sheet, header_row, tuple(name for _, name in positions), values)


def _fits(table: Table, matches: list[Match]) -> bool:
    """Enough of ``table`` matched to say a sheet holds it: two columns, half the required ones."""
    required = [c.name for c in table.columns if c.required]
    hit = sum(1 for m in matches if m.target in required)
    return len(matches) >= min(2, len(table.columns)) and hit >= max(1, math.ceil(len(required) / 2))


def _score(table: Table, matches: list[Match]) -> tuple[float, float]:
    """Matched columns (a fuzzy one counts half), then the share of the table matched."""
    strong = sum(1.0 if m.kind != "fuzzy" else 0.5 for m in matches)
    return strong, strong / len(table.columns)


def _choose(framed: list[_Framed]) -> dict[str, tuple[_Framed, list[Match], bool]]:
    """Which sheet holds which table: files named after a table first, then the best header overlap."""
    candidates = []
    for i, item in enumerate(framed):
        stem = normalise(PurePath(item.sheet.file).stem)
        for order, (name, table) in enumerate(TABLES.items()):
            matches = match_headers(item.headers, table)
            by_name = stem == name
            if by_name or _fits(table, matches):
                candidates.append(((by_name, *_score(table, matches)), -i, -order, name, item, matches))
    candidates.sort(key=lambda c: c[:3], reverse=True)
    chosen: dict[str, tuple[_Framed, list[Match], bool]] = {}
    used: set[int] = set()
    for (by_name, *_), _, _, name, item, matches in candidates:
        if name not in chosen and id(item) not in used:
            chosen[name] = (item, matches, by_name)
            used.add(id(item))
    return {name: chosen[name] for name in TABLES if name in chosen}


def _table_proposal(name: str, item: _Framed, matches: list[Match], by_name: bool) -> TableProposal:
    table = TABLES[name]
    placed = {m.target: m for m in matches}
    proposal = TableProposal(name, item.sheet, item.header_row, by_name, matches)
    proposal.missing = [c.name for c in table.columns if c.required and c.name not in placed]
    used = {m.found for m in matches}
    proposal.unplaced_headers = [h for h in item.headers if h not in used]
    for column in table.columns:
        if column.kind != "enum" or column.name not in placed:
            continue
        synonyms = value_synonyms(name, column.name)
        mapped, unplaced = [], []
        for value in item.values.get(placed[column.name].found, ()):
            if value in column.allowed:
                continue
            match = match_value(value, synonyms)
            (mapped if match else unplaced).append(match or value)
        proposal.values[column.name] = mapped
        if unplaced:
            proposal.unplaced_values[column.name] = unplaced
    return proposal


def propose(sheets: Sequence[Sheet], existing: Mapping | None = None) -> Proposal:
    """Propose a ``dataset.yml`` for a folder from the top rows of its files.

    Parameters
    ----------
    sheets : sequence of Sheet
        Every CSV and Parquet file of the folder, and every sheet of its Excel files.
    existing : mapping, optional
        An existing ``dataset.yml``; its ``currency`` and ``as_of`` are kept.

    Returns
    -------
    Proposal

    Examples
    --------
    >>> title = (("取引先一覧",), ("",))
    >>> accounts = Sheet("取引先.csv", title + (("取引先ID", "担当チーム"), ("A1", "cs1")))
    >>> mrr = Sheet("mrr.csv", (("Account ID", "month", "月額"), ("A1", "2026-01", "1000")))
    >>> proposal = propose([accounts, mrr], {"currency": "USD"})
    >>> proposal.to_config()["tables"], proposal.to_config()["columns"]["mrr"], proposal.complete
    ({'accounts': {'file': '取引先.csv', 'header_row': 3}}, {'account_id': 'Account ID', 'mrr': '月額'}, True)
    """
    framed = [_frame(sheet) for sheet in sheets]
    chosen = _choose(framed)
    tables = {name: _table_proposal(name, *found) for name, found in chosen.items()}
    placed = {id(found[0]) for found in chosen.values()}
    unplaced = [item.sheet.where for item in framed if id(item) not in placed and item.headers]
    missing = [name for name, table in TABLES.items() if table.required and name not in tables]
    if not any(name in tables for name in REVENUE_TABLES):  # revenue comes from one of them
        missing.append(REVENUE_TABLES[0])
    existing = existing or {}
    kept = tuple(key for key in KEPT_SETTINGS if key in existing)
    settings = {"currency": DEFAULT_CURRENCY, **{key: existing[key] for key in kept}}
    return Proposal(settings, tables, unplaced, missing, kept)
