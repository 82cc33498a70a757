"""Shared test helpers: build small datasets on disk from Python literals."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cskit.io import load_dataset

REPO = Path(__file__).resolve().parents[1]


def write_tables(folder: Path, tables: dict[str, list[dict] | str]) -> Path:
    """Write ``{table: rows}`` as CSV files (rows are dicts, or raw CSV text)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        path = folder / f"{name}.csv"
        if isinstance(rows, str):
            path.write_text(rows, encoding="utf-8")
            continue
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return folder


def mrr_rows(series: dict[str, dict[str, float]]) -> list[dict]:
    """``{account: {month: mrr}}`` -> mrr.csv rows (0 or None months are left out)."""
    return [
        {"account_id": account, "month": month, "mrr": value}
        for account, months in series.items()
        for month, value in months.items()
        if value
    ]


SAMPLE_DIR = REPO / "data" / "sample"


def ensure_sample() -> Path:
    """The bundled sample (``make sample`` writes it; generated here if missing)."""
    if not (SAMPLE_DIR / "accounts.csv").exists():
        from cskit.sample import write_sample

        write_sample(SAMPLE_DIR)
    return SAMPLE_DIR


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return ensure_sample()


@pytest.fixture(scope="session")
def sample_dataset(sample_dir):
    return load_dataset(sample_dir)


@pytest.fixture
def make_dataset(tmp_path):
    """Write tables to a fresh folder and load them through the real loader."""
    counter = iter(range(1000))

    def build(tables: dict):
        return load_dataset(write_tables(tmp_path / f"ds{next(counter)}", tables))

    return build
