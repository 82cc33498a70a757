"""A :class:`~cskit.io.propose.Proposal` as people read it: YAML with comments, and what is left.

:func:`render_proposal` writes the proposed ``dataset.yml`` with a comment on every line
that was not an exact match (``# fuzzy: 契約開始 ~ 契約開始日``), in Japanese or English;
the YAML parses to :meth:`Proposal.to_config`. :func:`render_unmatched` lists, as comment
lines that keep the whole output valid YAML, the required tables and columns with no match
and the headers, values and files that could not be placed.
"""
from __future__ import annotations

import datetime as dt
from pathlib import PurePath

import yaml

from ..contract import REVENUE_TABLES, TABLES
from ..i18n import t
from .propose import Match, Proposal, TableProposal

__all__ = ["render_proposal", "render_unmatched"]

#: Message of the comment beside a line, per kind of match (an exact match needs no line).
MATCH_KEYS = {"normalised": "map.comment.normalised", "synonym": "map.comment.synonym", "fuzzy": "map.comment.fuzzy"}


def _scalar(value) -> str:
    """One YAML scalar, quoted only where YAML needs it (``Yes``, ``'001'``); dates as ``YYYY-MM-DD``."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1 << 30)
    return text.strip().removesuffix("...").strip()


def _line(indent: int, key, value=None, comment: str = "") -> str:
    text = "  " * indent + _scalar(key) + ":" + ("" if value is None else " " + _scalar(value))
    return text + (f"  # {comment}" if comment else "")


def _match_comment(match: Match, lang: str) -> str:
    return t(MATCH_KEYS[match.kind], lang, found=match.found, near=match.near, ratio=match.ratio)


def _settings(proposal: Proposal, lang: str) -> list[str]:
    lines = []
    for key, value in proposal.settings.items():
        if key in proposal.kept:
            comment = t("map.comment.kept", lang)
        else:
            comment = t("map.comment.default_currency", lang)
        lines.append(_line(0, key, value, comment))
    if "subscriptions" in proposal.tables and "as_of" not in proposal.settings:
        # the window of a subscriptions table ends at as_of; the export's date is not in its headers
        lines.append("# as_of: YYYY-MM-DD  # " + t("map.comment.as_of", lang))
    return lines


def _columns(proposal: Proposal, lang: str) -> list[str]:
    lines = []
    for name, table in proposal.tables.items():
        mapped = [m for m in table.columns if m.kind != "exact"]
        if mapped:
            lines.append(_line(1, name))
            lines += [_line(2, m.target, m.found, _match_comment(m, lang)) for m in mapped]
    return ["columns:", *lines] if lines else []


def _values(proposal: Proposal, lang: str) -> list[str]:
    lines = []
    for name, table in proposal.tables.items():
        columns = {column: matches for column, matches in table.values.items() if matches}
        if columns:
            lines.append(_line(1, name))
        for column, matches in columns.items():
            lines.append(_line(2, column))
            lines += [_line(3, m.found, m.target, _match_comment(m, lang)) for m in matches]
    return ["values:", *lines] if lines else []


def _found_by(table: TableProposal, lang: str) -> str:
    if table.by_name:
        return t("map.comment.by_name", lang, file=table.sheet.where)
    return t("map.comment.by_headers", lang, file=table.sheet.where, matched=len(table.columns),
             total=len(TABLES[table.table].columns))


def _tables(proposal: Proposal, lang: str) -> list[str]:
    lines, plain = [], []
    for name, table in proposal.tables.items():
        location = table.location
        if not location:  # <table>.<ext>, first sheet, header in row 1: nothing to say in dataset.yml
            plain.append(f"# {name}: {_found_by(table, lang)}")
            continue
        lines.append(_line(1, name, comment=_found_by(table, lang)))
        lines += [_line(2, key, value) for key, value in location.items()]
    return (["tables:", *lines] if lines else []) + plain


def render_proposal(proposal: Proposal, lang: str, folder: str | PurePath) -> str:
    """The proposed ``dataset.yml`` as YAML text with a comment per matched line, in ``lang``.

    Parameters
    ----------
    proposal : Proposal
    lang : {"ja", "en"}
        Language of the comments (already checked).
    folder : str or path
        The dataset folder, named in the first comment.

    Returns
    -------
    str
        YAML that parses to ``proposal.to_config()``, ending with a newline.

    Examples
    --------
    >>> from cskit.io.propose import Sheet, propose
    >>> sheets = [Sheet("accounts.csv", (("顧客ID", "team"), ("A1", "cs1"))),
    ...           Sheet("月次.csv", (("account_id", "month", "MRR"), ("A1", "2026-01", "100")))]
    >>> print(render_proposal(propose(sheets), "en", "crm"))
    # dataset.yml proposed by cskit map for crm. Check it, then save it with --write.
    currency: JPY  # the default; change it if your amounts are in another currency
    columns:
      accounts:
        account_id: 顧客ID  # synonym: 顧客ID
      mrr:
        mrr: MRR  # normalised: MRR = mrr
    tables:
      mrr:  # by its headers: 月次.csv (3 of 3 columns matched)
        file: 月次.csv
    # accounts: by its file name: accounts.csv
    <BLANKLINE>
    """
    lines = ["# " + t("map.header", lang, path=str(folder)), *_settings(proposal, lang)]
    for section in (_columns, _values, _tables):
        lines += section(proposal, lang)
    return "\n".join(lines) + "\n"


def render_unmatched(proposal: Proposal, lang: str) -> str:
    """What the proposal could not place, as YAML comment lines in ``lang`` (ends with a newline).

    Examples
    --------
    >>> from cskit.io.propose import Sheet, propose
    >>> print(render_unmatched(propose([Sheet("accounts.csv", (("account_id", "備考"), ("A1", "")))]), "en"), end="")
    # --- Not matched ---
    # required table mrr (or subscriptions): no file found
    # accounts (accounts.csv): no header for the required column team
    # accounts (accounts.csv): headers not placed: 備考
    """
    lines = []
    for name in proposal.missing_tables:
        if name in REVENUE_TABLES:
            lines.append(t("map.unmatched.table_or", lang, table=REVENUE_TABLES[0], alternative=REVENUE_TABLES[1]))
        else:
            lines.append(t("map.unmatched.table", lang, table=name))
    for name, table in proposal.tables.items():
        where = table.sheet.where
        lines += [t("map.unmatched.column", lang, table=name, file=where, column=c) for c in table.missing]
        if table.unplaced_headers:
            lines.append(t("map.unmatched.headers", lang, table=name, file=where, headers=", ".join(table.unplaced_headers)))
        for column, values in table.unplaced_values.items():
            allowed = " / ".join(TABLES[name].column(column).allowed)
            lines.append(t("map.unmatched.values", lang, table=name, column=column, allowed=allowed, values=", ".join(values)))
    if proposal.unplaced_files:
        lines.append(t("map.unmatched.files", lang, files=", ".join(proposal.unplaced_files)))
    if not lines:
        return "# " + t("map.unmatched.none", lang) + "\n"
    return "\n".join("# " + line for line in [t("map.unmatched.title", lang), *lines]) + "\n"
