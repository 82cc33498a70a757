"""The same data and parameters give byte-identical output, run after run."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    from cskit.sample import write_sample

    folder = tmp_path_factory.mktemp("det")
    write_sample(folder, accounts=200, months=15, seed=3)
    return folder


def run(args, hash_seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.run([sys.executable, "-m", "cskit.cli", *args], env=env, capture_output=True, check=True).stdout


@pytest.mark.parametrize("args", [
    ["kpi", "--format", "csv"], ["kpi", "--format", "json", "--team", "cs_smb"],
    ["cohort", "--format", "csv"], ["cohort", "--format", "json", "--metric", "revenue", "--period", "quarter"],
], ids=lambda a: "-".join(a))
def test_output_is_byte_identical_across_runs(small, args):
    first = run([*args[:1], "--data", str(small), *args[1:]], "1")
    second = run([*args[:1], "--data", str(small), *args[1:]], "98765")
    assert first == second and len(first) > 100
