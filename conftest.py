"""Shared set-up of the docstring examples in ``cskit/`` (collected by ``pytest --doctest-modules``).

Examples read the sample folder ``data/sample`` (``make test`` writes it first) and print
messages in the default language, whatever the caller's shell says.
"""
from pathlib import Path

import pytest
from _pytest.doctest import DoctestItem

REPO = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _docstring_examples_run_from_the_repository(request, monkeypatch):
    if isinstance(request.node, DoctestItem):
        monkeypatch.chdir(REPO)
        monkeypatch.delenv("CSKIT_LANG", raising=False)
    yield
