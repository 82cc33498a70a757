"""The Examples sections of the analysis modules run and show what they say."""
from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "cskit.cohorts.aged", "cskit.cohorts.retention", "cskit.cohorts.survival", "cskit.cohorts.reading",
    "cskit.cohorts.records", "cskit.kpi.registry", "cskit.targets.spec", "cskit.targets.smart", "cskit.targets.present",
    "cskit.terminal",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
    assert result.attempted > 0
