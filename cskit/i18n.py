"""The message catalogue's loader and the language rules (Japanese and English).

Every user-facing sentence is keyed by an id and lives in YAML under
``cskit/content/messages/`` (one file per feature, ``{key: {ja: ..., en: ...}}``);
:data:`MESSAGES` is all of them, merged on import (a key defined twice is an error).
``cskit/content/README.md`` describes the convention; tests check that every key has
both languages with the same placeholders, that every key the code uses exists, and
that every key is used.

This module holds no text of its own: only the loader, :func:`resolve_lang`,
:func:`t`, :func:`pick` and :func:`script_lang` (the language a piece of data is written in).

Examples
--------
>>> t("cli.interrupted", "en")
'Interrupted.'
>>> pick({"ja": "売上", "en": "Revenue"}, "ja")
'売上'
"""
from __future__ import annotations

import os
import re

LANGS = ("ja", "en")
DEFAULT_LANG = "ja"

__all__ = ["LANGS", "DEFAULT_LANG", "JAPANESE", "MESSAGES", "UnknownLanguage", "load_messages", "resolve_lang", "t",
           "pick", "script_lang"]

#: Japanese script: kana, kanji, Japanese punctuation and full-width forms.
JAPANESE = re.compile(r"[\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e\uff61-\uff9f]+")


def load_messages() -> dict[str, dict[str, str]]:
    """Read every ``cskit/content/messages/*.yml`` file, in name order, into one dict.

    Raises
    ------
    RuntimeError
        If a key is defined in two files.

    Examples
    --------
    >>> sorted(load_messages()["cli.interrupted"])
    ['en', 'ja']
    """
    from importlib.resources import files

    from ._yaml import safe_load

    messages: dict[str, dict[str, str]] = {}
    folder = files("cskit.content").joinpath("messages")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yml"):
            for key, text in (safe_load(entry.read_text(encoding="utf-8")) or {}).items():
                if key in messages:
                    raise RuntimeError(f"message {key!r} defined twice ({entry.name})")
                messages[key] = text
    return messages


#: Every message of the catalogue: ``{key: {"ja": ..., "en": ...}}``.
MESSAGES: dict[str, dict[str, str]] = load_messages()


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

    Examples
    --------
    >>> resolve_lang(" EN ")
    'en'
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
        Message id in :data:`MESSAGES`, written out in full where it is used.
    lang : str or None
        ``"ja"`` or ``"en"`` (see :func:`resolve_lang`).
    **fields
        Values for the ``{placeholders}`` of the message.

    Returns
    -------
    str
        The message in the chosen language.

    Examples
    --------
    >>> t("where.row", "en", file="mrr.csv", row=3)
    'mrr.csv row 3'
    """
    return MESSAGES[key][resolve_lang(lang)].format(**fields)


def pick(text: dict[str, str], lang: str | None = None) -> str:
    """Return the ``lang`` entry of a ``{"ja": ..., "en": ...}`` mapping (registry and content)."""
    return text[resolve_lang(lang)]


def script_lang(text: str) -> str | None:
    """``"ja"`` if ``text`` is written in Japanese script (kana or kanji), else ``None``.

    For data shown on a page (an account's name): a page marks such a text with its
    ``lang``, so that it reads right on a page of either language.

    Examples
    --------
    >>> script_lang("株式会社ノア国際製作所"), script_lang("Acme Corp"), script_lang("A001")
    ('ja', None, None)
    """
    return "ja" if JAPANESE.search(str(text)) else None
