"""One message catalogue for the CLI, errors and notebooks (Japanese and English).

Every user-facing sentence that is not KPI or role content is keyed by an id: the
core messages below, plus one YAML file per feature in ``cskit/content/messages/``
(``{key: {ja: ..., en: ...}}``), merged into :data:`MESSAGES` on import. A test
checks that every key has both languages and the same placeholders in each.
"""
from __future__ import annotations

import os

LANGS = ("ja", "en")
DEFAULT_LANG = "ja"

MESSAGES: dict[str, dict[str, str]] = {
    # --- loading and validation -------------------------------------------
    "data.dir_missing": {
        "ja": "データフォルダ {path} が見つかりません。",
        "en": "Data folder {path} does not exist.",
    },
    "data.file_missing": {
        "ja": "必須ファイル {table}.csv（または .xlsx / .parquet）がありません。",
        "en": "Required file {table}.csv (or .xlsx / .parquet) is missing.",
    },
    "data.file_unreadable": {
        "ja": "ファイルを読めません: {reason}",
        "en": "The file cannot be read: {reason}",
    },
    "data.file_empty": {
        "ja": "ファイルが空です（ヘッダー行もありません）。",
        "en": "The file is empty (not even a header row).",
    },
    "data.column_missing": {
        "ja": "必須列 {field} がありません（ある列: {present}）。",
        "en": "Required column {field} is missing (columns present: {present}).",
    },
    "data.value_missing": {
        "ja": "値が空です。{expected} が必要です。",
        "en": "The value is empty; expected {expected}.",
    },
    "data.bad_date": {
        "ja": "日付 {value!r} を読めません。YYYY-MM-DD 形式で入力してください。",
        "en": "Cannot read date {value!r}; expected YYYY-MM-DD.",
    },
    "data.bad_month": {
        "ja": "月 {value!r} を読めません。YYYY-MM 形式で入力してください。",
        "en": "Cannot read month {value!r}; expected YYYY-MM.",
    },
    "data.bad_timestamp": {
        "ja": "日時 {value!r} を読めません。YYYY-MM-DD HH:MM[:SS] 形式で入力してください。",
        "en": "Cannot read timestamp {value!r}; expected YYYY-MM-DD HH:MM[:SS].",
    },
    "data.bad_number": {
        "ja": "数値 {value!r} を読めません。",
        "en": "Cannot read number {value!r}.",
    },
    "data.negative": {
        "ja": "値 {value} は負です。0 以上が必要です。",
        "en": "Value {value} is negative; expected 0 or more.",
    },
    "data.out_of_range": {
        "ja": "値 {value} が範囲外です（{low}〜{high}）。",
        "en": "Value {value} is out of range ({low} to {high}).",
    },
    "data.bad_enum": {
        "ja": "値 {value!r} は使えません。使える値: {allowed}。",
        "en": "Value {value!r} is not allowed; expected one of: {allowed}.",
    },
    "data.duplicate_id": {
        "ja": "ID {value!r} が重複しています（{first_row} 行目と同じ）。",
        "en": "Duplicate id {value!r} (same as row {first_row}).",
    },
    "data.duplicate_key": {
        "ja": "{value} の組み合わせが重複しています（{first_row} 行目と同じ）。",
        "en": "Duplicate {value} (same as row {first_row}).",
    },
    "data.unknown_reference": {
        "ja": "{value!r} は {parent} にありません。",
        "en": "{value!r} does not exist in {parent}.",
    },
    "data.order": {
        "ja": "{field}（{value}）が {other}（{other_value}）より前です。",
        "en": "{field} ({value}) is before {other} ({other_value}).",
    },
    "data.more_than": {
        "ja": "{field}（{value}）が {other}（{other_value}）を超えています。",
        "en": "{field} ({value}) exceeds {other} ({other_value}).",
    },
    "data.team_without_accounts": {
        "ja": "チーム {value!r}（役割 {role}）に担当アカウントがありません。",
        "en": "Team {value!r} (role {role}) has no accounts.",
    },
    "data.no_rows": {
        "ja": "ヘッダー行だけでデータ行がありません。",
        "en": "The file has a header but no data rows.",
    },
    "data.not_integer": {
        "ja": "値 {value} は整数ではありません。",
        "en": "Value {value} is not a whole number.",
    },
    "data.excel_serial": {
        "ja": "{value!r} は Excel のシリアル値のようです（{date} ?）。列の書式を YYYY-MM-DD の日付にして保存し直してください。",
        "en": "{value!r} looks like an Excel serial date ({date}?); format the column as a YYYY-MM-DD date and save again.",
    },
    "data.dataset_yml": {
        "ja": "dataset.yml を読めません: {reason}",
        "en": "Cannot read dataset.yml: {reason}",
    },
    "data.sql_unreachable": {
        "ja": "データベース {url} に接続できません: {reason}",
        "en": "Cannot connect to the database {url}: {reason}",
    },
    "data.normalised": {
        "ja": "{count} 件の値を正規化しました（{what}）。例: {example!r}",
        "en": "Normalised {count} value(s) ({what}); e.g. {example!r}",
    },
    "data.encoding": {
        "ja": "文字コード {encoding} として読み込みました。",
        "en": "Read with encoding {encoding}.",
    },
    "norm.fullwidth": {"ja": "全角数字を半角に", "en": "full-width digits to ASCII"},
    "norm.thousands": {"ja": "桁区切りのカンマを除去", "en": "thousands separators removed"},
    "norm.spaces": {"ja": "前後の空白を除去", "en": "surrounding spaces trimmed"},
    "norm.excel_serial": {"ja": "Excel のシリアル日付を変換", "en": "Excel serial dates converted"},
    "expect.date": {"ja": "日付（YYYY-MM-DD）", "en": "a date (YYYY-MM-DD)"},
    "expect.month": {"ja": "月（YYYY-MM）", "en": "a month (YYYY-MM)"},
    "expect.timestamp": {"ja": "日時", "en": "a timestamp"},
    "expect.number": {"ja": "数値", "en": "a number"},
    "expect.integer": {"ja": "整数", "en": "a whole number"},
    "expect.string": {"ja": "文字列", "en": "text"},
    # --- locations ----------------------------------------------------------
    "where.file": {"ja": "{file}", "en": "{file}"},
    "where.row": {"ja": "{file} {row} 行目", "en": "{file} row {row}"},
    "where.rows": {"ja": "{file} {rows} 行目", "en": "{file} rows {rows}"},
    "where.column": {"ja": "列 {column}", "en": "column {column}"},
    "where.more_rows": {"ja": "ほか {count} 行", "en": "and {count} more rows"},
    # --- validate command ---------------------------------------------------
    "validate.ok": {
        "ja": "✔ {path}: 有効なデータセットです（{tables} 個の表、{rows} 行）。",
        "en": "✔ {path}: valid dataset ({tables} tables, {rows} rows).",
    },
    "validate.failed": {
        "ja": "✘ {path}: {count} 件の問題があります。",
        "en": "✘ {path}: {count} problem(s) found.",
    },
    "validate.warnings": {
        "ja": "注意 {count} 件:",
        "en": "{count} warning(s):",
    },
    "validate.table_line": {
        "ja": "  {table:<14} {rows:>9} 行  {source}",
        "en": "  {table:<14} {rows:>9} rows  {source}",
    },
    "validate.table_absent": {
        "ja": "  {table:<14}        なし（任意の表）",
        "en": "  {table:<14}        absent (optional table)",
    },
    # --- sample command -----------------------------------------------------
    "sample.done": {
        "ja": "サンプルデータを {path} に書き出しました（{accounts} アカウント × {months} か月、{files} ファイル）。",
        "en": "Wrote the sample dataset to {path} ({accounts} accounts x {months} months, {files} files).",
    },
    # --- KPIs ------------------------------------------------------------------
    "kpi.unknown": {
        "ja": "KPI {kpi!r} はレジストリにありません。使える KPI: {known}",
        "en": "KPI {kpi!r} is not in the registry. Known KPIs: {known}",
    },
    "kpi.table_title": {
        "ja": "{team}: {month} と前年同月 {year_ago} の比較",
        "en": "{team}: {month} against the same month a year earlier ({year_ago})",
    },
    "kpi.col_kpi": {"ja": "KPI", "en": "KPI"},
    "kpi.col_change": {"ja": "前年差", "en": "Change"},
    # --- generic CLI errors -------------------------------------------------
    "cli.bad_option": {
        "ja": "オプション {option} の値 {value!r} が不正です: {reason}",
        "en": "Invalid value {value!r} for {option}: {reason}",
    },
    "cli.unknown_team": {
        "ja": "チーム {team!r} はデータにありません。使えるチーム: {teams}",
        "en": "Team {team!r} is not in the data. Known teams: {teams}",
    },
    "cli.unknown_lang": {
        "ja": "言語 {value!r} には対応していません（ja または en）。",
        "en": "Language {value!r} is not supported (ja or en).",
    },
    "cli.interrupted": {"ja": "中断しました。", "en": "Interrupted."},
    "cli.internal_error": {
        "ja": "cskit の内部エラーです（{error}）。入力ではなく cskit の不具合の可能性があります。詳しくは CSKIT_DEBUG=1 を付けて再実行してください。",
        "en": "cskit internal error ({error}). This is likely a bug in cskit, not in your input; rerun with CSKIT_DEBUG=1 for details.",
    },
}


def _load_feature_messages() -> None:
    from importlib.resources import files

    from ._yaml import safe_load

    folder = files("cskit.content").joinpath("messages")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yml"):
            for key, text in (safe_load(entry.read_text(encoding="utf-8")) or {}).items():
                if key in MESSAGES:
                    raise RuntimeError(f"message {key!r} defined twice ({entry.name})")
                MESSAGES[key] = text


_load_feature_messages()


class UnknownLanguage(ValueError):
    """A language other than ``ja``/``en``; :func:`cskit.options.check_lang` turns it into a user message."""

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(MESSAGES["cli.unknown_lang"]["en"].format(value=value))


def resolve_lang(lang: str | None = None) -> str:
    """Return the language to speak: ``lang`` if given, else ``$CSKIT_LANG``, else ``ja``.

    Parameters
    ----------
    lang : str or None
        ``"ja"`` or ``"en"``; ``None`` falls back to the environment.

    Raises
    ------
    UnknownLanguage
        If the resulting language is neither ``ja`` nor ``en`` (a ``ValueError``).
    """
    chosen = (lang or os.environ.get("CSKIT_LANG") or DEFAULT_LANG).strip().lower()
    if chosen not in LANGS:
        raise UnknownLanguage(chosen)
    return chosen


def t(key: str, lang: str | None = None, **fields: object) -> str:
    """Translate message ``key`` into ``lang`` and fill in ``fields``.

    Parameters
    ----------
    key : str
        Message id in :data:`MESSAGES`.
    lang : str or None
        ``"ja"`` or ``"en"`` (see :func:`resolve_lang`).
    **fields
        Values for the ``{placeholders}`` of the message.

    Returns
    -------
    str
        The message in the chosen language.
    """
    return MESSAGES[key][resolve_lang(lang)].format(**fields)


def pick(text: dict[str, str], lang: str | None = None) -> str:
    """Return the ``lang`` entry of a ``{"ja": ..., "en": ...}`` mapping (registry and content)."""
    return text[resolve_lang(lang)]
