"""The file tree shows the architecture: small modules, short functions, rules written once.

These tests read cskit's source as text (``ast``), so they guard the layout that
README.md's "Layout" section describes: a module holds one concept (about 600 lines at
most), a function does one step (about 80 lines at most, its docstring not counted).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cskit"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "notebooks" not in p.parts)


def _code_lines(node: ast.AST) -> int:
    """Lines of a function, without its docstring."""
    lines = node.end_lineno - node.lineno + 1
    body = getattr(node, "body", [])
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str):
        lines -= body[0].end_lineno - body[0].lineno + 1
    return lines


def test_every_module_holds_one_concepts_worth_of_lines():
    too_big = {str(p.relative_to(PACKAGE)): n for p in _modules()
               if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert too_big == {}, f"split these modules by concept: {too_big}"


def test_every_function_is_one_step():
    too_long = {}
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _code_lines(node) > MAX_FUNCTION_LINES:
                too_long[f"{path.relative_to(PACKAGE)}:{node.name}"] = _code_lines(node)
    assert too_long == {}, f"carve these functions into steps: {too_long}"


def test_the_size_rules_can_fail():
    """The two checks above see a long function and a long module when there is one."""
    long_function = "def f():\n" + "    x = 1\n" * (MAX_FUNCTION_LINES + 1)
    node = ast.parse(long_function).body[0]
    assert _code_lines(node) == MAX_FUNCTION_LINES + 2
    with_docstring = 'def g():\n    """Doc\n    more."""\n    return 1\n'
    assert _code_lines(ast.parse(with_docstring).body[0]) == 2


@pytest.mark.parametrize("name", ["io", "cohorts", "targets", "roles", "report", "sample", "kpi"])
def test_big_concepts_are_packages_of_small_modules(name):
    assert (PACKAGE / name).is_dir() and (PACKAGE / name / "__init__.py").is_file()
    assert not (PACKAGE / f"{name}.py").exists()


def test_every_docstring_example_is_a_test_and_none_is_skipped():
    """``pytest`` collects ``cskit/`` with ``--doctest-modules`` (pyproject), so an example that stops working fails."""
    import tomllib

    options = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "cskit" in options["testpaths"] and "--doctest-modules" in options["addopts"]
    skipped = [str(p.relative_to(PACKAGE)) for p in _modules() if "doctest: +SKIP" in p.read_text(encoding="utf-8")]
    assert skipped == []


@pytest.mark.parametrize("entry", ["load_dataset", "compute_kpis", "cohort_retention", "survival_curve",
                                   "evaluate_targets", "build_reports"])
def test_the_public_entry_points_have_examples(entry):
    import cskit

    doc = getattr(cskit, entry).__doc__
    assert "Examples" in doc and ">>> " in doc


def test_one_spelling_per_term_in_the_japanese_text():
    """コホート, not コーホート: a learner meets one spelling in notebooks, messages, guide and glossary."""
    folders = [PACKAGE / "content", PACKAGE.parent / "notebooks"]
    texts = [p.read_text(encoding="utf-8") for folder in folders for p in folder.rglob("*") if p.suffix in (".yml", ".ipynb")]
    assert sum("コホート" in text for text in texts) >= 4
    assert not [text for text in texts if "コーホート" in text]
