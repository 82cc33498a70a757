"""YAML reading shared by the content loaders: libyaml's safe loader when PyYAML has it.

The message catalogue, role knowledge and KPI registry are read by every process
(CLI, kernels, tests); libyaml parses them about ten times faster than pure Python,
with the same result.
"""
from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str):
    """Parse YAML ``text`` like :func:`yaml.safe_load`, with libyaml when available."""
    return yaml.load(text, Loader=SafeLoader)


@lru_cache(maxsize=None)
def read_content(name: str):
    """Parse ``cskit/content/<name>`` once per process (content files do not change while it runs).

    The result is shared: a caller that changes it must copy it first.
    """
    return safe_load(files("cskit.content").joinpath(name).read_text(encoding="utf-8"))


def read_language_content(stem: str, lang: str):
    """Parse ``cskit/content/<stem>.<lang>.yml``, the one file of ``stem`` in language ``lang``.

    Content written per language (roles, guide, slides) keeps the same structure in
    ``<stem>.ja.yml`` and ``<stem>.en.yml``; ``lang`` must already be checked.
    """
    return read_content(f"{stem}.{lang}.yml")
