"""The message catalogue (cskit/content/messages/*.yml): one convention, every key used, every used key present.

Keys are written out in full where they are used (a dict from id to full key when the
id comes from data), so a plain search for a key finds every place that shows it. These
tests hold the code to that: no key is built with an f-string or by concatenation, every
literal key the code passes exists, and every key in the catalogue is used somewhere in
``cskit/`` or ``notebooks/``.
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

from cskit.i18n import MESSAGES, load_messages

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "cskit"
MESSAGE_DIR = PACKAGE / "content" / "messages"

#: First segment of every key (``data``, ``cli``, ``roles`` ...).
PREFIXES = sorted({key.split(".")[0] for key in MESSAGES})
KEY_LIKE = re.compile(r"^(?:%s)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*$" % "|".join(map(re.escape, PREFIXES)))


def _code_sources() -> dict[str, str]:
    """Python source of the package and of the notebooks' code cells."""
    sources = {str(p.relative_to(REPO)): p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py")}
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        sources[str(path.relative_to(REPO))] = "\n\n".join(code)
    return sources


def _all_text() -> str:
    """Everything a key could be used from: package code and templates, notebooks (code and Markdown)."""
    files = [p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in (".py", ".j2", ".tpl", ".html")]
    files += sorted((REPO / "notebooks").glob("*.ipynb"))
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def _string_constants(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node


def test_the_catalogue_is_only_yaml_files_of_key_ja_en():
    assert MESSAGES == load_messages()
    for path in sorted(MESSAGE_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, text in data.items():
            assert KEY_LIKE.match(key), (path.name, key)
            assert set(text) == {"ja", "en"}, (path.name, key)
    # i18n.py holds the loader and the language rules, no sentence of its own
    i18n = ast.parse((PACKAGE / "i18n.py").read_text(encoding="utf-8"))
    assert not [n.value for n in _string_constants(i18n) if KEY_LIKE.match(n.value) and n.value != "cli.unknown_lang"]
    assert not any(isinstance(n, ast.Dict) and {"ja", "en"} <= {getattr(k, "value", None) for k in n.keys}
                   for n in ast.walk(i18n))


@pytest.mark.parametrize("name,source", sorted(_code_sources().items()))
def test_no_key_is_built_from_pieces(name, source):
    """``t(f"roles.stage.{s}")`` or ``"targets.status." + s`` hides a key from a search: write it out."""
    tree = ast.parse(source)
    built = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            head = str(node.values[0].value)
            if re.match(r"^(?:%s)\.[a-z0-9_.]*$" % "|".join(PREFIXES), head) and len(node.values) > 1:
                built.append(ast.unparse(node))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant):
            if isinstance(node.left.value, str) and re.match(r"^(?:%s)\.[a-z0-9_.]*\.$" % "|".join(PREFIXES), node.left.value):
                built.append(ast.unparse(node))
    assert not built, f"{name}: keys built from pieces: {built}"


@pytest.mark.parametrize("name,source", sorted(_code_sources().items()))
def test_every_key_the_code_names_exists(name, source):
    missing = sorted({n.value for n in _string_constants(ast.parse(source))
                      if KEY_LIKE.match(n.value) and n.value not in MESSAGES and not _is_not_a_key(n.value)})
    assert not missing, f"{name} names keys that are not in the catalogue: {missing}"


def _is_not_a_key(value: str) -> bool:
    """Dotted strings that look like keys but are module paths or file names."""
    return value.endswith((".yml", ".yaml", ".csv", ".json", ".html", ".j2", ".css", ".ipynb")) or value.startswith("cskit.")


def test_every_catalogue_key_is_used_somewhere():
    text = _all_text()
    unused = [key for key in MESSAGES if not re.search(r"(?<![\w.])%s(?![\w.])" % re.escape(key), text)]
    assert not unused, f"catalogue keys no code, template or notebook uses: {unused}"


def test_content_readme_describes_the_convention():
    readme = (PACKAGE / "content" / "README.md").read_text(encoding="utf-8")
    for word in ("messages/", "roles.ja.yml", "registry.yml", "t(", "pick("):
        assert word in readme, word
