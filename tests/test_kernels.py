"""Warm report kernels (cskit.report.kernels) and what makes reports fast without changing them.

The promise of a warm kernel is that a notebook cannot tell it from a new one. The
tests check it three ways: the reset itself, field by field, in a real kernel; tiny
notebooks that try to leak state to the next one; and real report pages rendered
after other notebooks compared byte for byte with pages from new kernels.
"""
from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path

import matplotlib
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pytest

from cskit.report import kernels
from cskit.notebook import load_data
from cskit.plots.style import QuarterStarts, _figure_png, fixed_layout
from cskit.report import build_reports

from test_reports import PRINT_TEAM, make_notebook, tiny_dataset


# --------------------------------------------------------------------------- #
# The reset, in a real kernel
# --------------------------------------------------------------------------- #
@pytest.fixture()
def kernel():
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        yield kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def run(kc, code: str, **expressions) -> dict:
    reply = kc.execute_interactive(code, store_history=False, user_expressions=expressions, timeout=120)
    content = reply["content"]
    assert content["status"] == "ok", content
    return {name: value["data"]["text/plain"] for name, value in content["user_expressions"].items()}


PROBES = {
    "names": "sorted(k for k in globals() if not k.startswith('_') and k not in ('In', 'Out', 'exit', 'quit', 'get_ipython'))",
    "linewidth": "__import__('matplotlib').rcParams['lines.linewidth']",
    "max_rows": "__import__('pandas').get_option('display.max_rows')",
    "filters": "len(__import__('warnings').filters)",
    "env": "__import__('os').environ.get('CSKIT_LEAK')",
    "cwd": "__import__('os').getcwd()",
    "path": "'/nowhere' in __import__('sys').path",
    "figures": "__import__('matplotlib.pyplot').pyplot.get_fignums()",
    "draws": "(__import__('random').random(), float(__import__('numpy').random.random()))",
}

MESS = """
import os, random, sys, warnings
import matplotlib, matplotlib.pyplot as plt, numpy as np, pandas as pd
leaked = 1
matplotlib.rcParams["lines.linewidth"] = 7.5
pd.set_option("display.max_rows", 3)
warnings.simplefilter("error")
os.environ["CSKIT_LEAK"] = "yes"
os.chdir("/")
sys.path.insert(0, "/nowhere")
random.random(); np.random.random()
plt.figure()
"""


def test_reset_puts_back_every_piece_of_state_a_notebook_can_change(kernel):
    run(kernel, kernels.SNAPSHOT_CODE)
    # the draws change the generators: read the rest first, then the draws from a second reset
    fresh = run(kernel, "pass", **{k: v for k, v in PROBES.items() if k != "draws"})
    run(kernel, kernels.RESET_CODE)
    fresh["draws"] = run(kernel, "pass", draws=PROBES["draws"])["draws"]

    messed = run(kernel, MESS, **PROBES)
    assert messed != fresh
    assert messed["linewidth"] == "7.5" and messed["env"] == "'yes'" and messed["path"] == "True"

    run(kernel, kernels.RESET_CODE)
    assert run(kernel, "pass", **PROBES) == fresh
    # the input counter starts again at 1, as in a new kernel (it shows with --show-code)
    reply = kernel.execute_interactive("1 + 1", store_history=True, timeout=60)
    assert reply["content"]["execution_count"] == 1


def test_reset_without_a_snapshot_refuses():
    kernels._FRESH.clear()
    with pytest.raises(RuntimeError, match="snapshot"):
        kernels.reset()


# --------------------------------------------------------------------------- #
# Tiny notebooks through the report runner
# --------------------------------------------------------------------------- #
LEAKER = ('import os, pandas as pd\nprint("PID=%d" % os.getpid())\n'
          'LEAKED = "from " + team\npd.set_option("display.max_rows", 2)')
PROBE = ('import os, pandas as pd\nprint("PID=%d" % os.getpid())\n'
         'print("LEAKED" in globals(), pd.get_option("display.max_rows"))')


def pids(out: Path, pages) -> list[str]:
    return [re.search(r"PID=(\d+)", (out / p.html).read_text(encoding="utf-8")).group(1) for p in pages]


@pytest.mark.parametrize("warm", [True, False])
def test_a_notebook_sees_nothing_of_the_one_before_in_the_same_kernel(tmp_path, warm):
    data = tiny_dataset(tmp_path / "data", ["cs_a", "cs_b"])
    notebooks = tmp_path / "nbs"
    make_notebook(notebooks / "01_leaker.ipynb", LEAKER)
    make_notebook(notebooks / "02_probe.ipynb", PROBE)
    out = tmp_path / "reports"
    result = build_reports(data, out, notebooks="01,02", lang="en", notebooks_dir=notebooks, progress=False, jobs=1,
                           warm_kernels=warm)
    assert result.exit_code == 0, [p.error for p in result.pages]
    for page in result.pages:
        if page.stem == "02_probe":
            assert "False 60" in (out / page.html).read_text(encoding="utf-8")  # pandas' default max_rows is 60
    seen = pids(out, result.pages)
    assert len(set(seen)) == (1 if warm else 4)  # one kernel ran all four, or one kernel each


def test_a_kernel_that_dies_is_replaced_for_the_next_notebook(tmp_path):
    data = tiny_dataset(tmp_path / "data", ["cs_a", "cs_b"])
    notebooks = tmp_path / "nbs"
    make_notebook(notebooks / "01_crash.ipynb", 'import os\nif team == "cs_a":\n    os._exit(3)\n' + PRINT_TEAM)
    make_notebook(notebooks / "02_after.ipynb", PRINT_TEAM)
    out = tmp_path / "reports"
    result = build_reports(data, out, notebooks="01,02", lang="en", notebooks_dir=notebooks, progress=False, jobs=1)
    status = {(p.team, p.stem): p.status for p in result.pages}
    assert status == {("cs_a", "01_crash"): "failed", ("cs_a", "02_after"): "ok",
                      ("cs_b", "01_crash"): "ok", ("cs_b", "02_after"): "ok"}
    assert result.exit_code == 1
    crash = next(p for p in result.pages if p.status == "failed")
    assert "Dead" in crash.error["ename"] or "died" in crash.error["evalue"].lower(), crash.error


# --------------------------------------------------------------------------- #
# Real report pages: a warm kernel renders the same bytes as a new one
# --------------------------------------------------------------------------- #
STYLER_ID = re.compile(r"T_[0-9a-f]{5}")  # pandas Styler tables get a random id per render


@pytest.mark.notebooks
def test_real_pages_from_a_warm_kernel_equal_pages_from_new_kernels(tmp_path, sample_dir):
    args = dict(teams="support,cs_smb", notebooks="02,03", lang="ja", progress=False, jobs=1)
    warm = build_reports(sample_dir, tmp_path / "warm", warm_kernels=True, **args)
    fresh = build_reports(sample_dir, tmp_path / "fresh", warm_kernels=False, **args)
    assert warm.exit_code == fresh.exit_code == 0
    assert len(warm.pages) == 4
    for page in warm.pages:
        ours = STYLER_ID.sub("T_", (tmp_path / "warm" / page.html).read_text(encoding="utf-8"))
        theirs = STYLER_ID.sub("T_", (tmp_path / "fresh" / page.html).read_text(encoding="utf-8"))
        assert ours == theirs, page.html
        assert ours.count("data:image/png;base64") >= 2  # the charts are there, not both missing


# --------------------------------------------------------------------------- #
# load_data: one read per kernel, a private copy each time
# --------------------------------------------------------------------------- #
def test_load_data_hands_out_private_copies_and_rereads_a_changed_folder(tmp_path):
    data = tiny_dataset(tmp_path / "data", ["cs_a"])
    first = load_data(data)
    first["mrr"].loc[:, "mrr"] = -1.0  # a notebook that scribbles on its tables
    second = load_data(data)
    assert second["mrr"]["mrr"].tolist() == [100.0, 100.0, 100.0]
    assert second["mrr"] is not first["mrr"]

    mrr = data / "mrr.csv"
    mrr.write_text(mrr.read_text(encoding="utf-8").replace(",100", ",250"), encoding="utf-8")
    assert load_data(data)["mrr"]["mrr"].tolist() == [250.0, 250.0, 250.0]


# --------------------------------------------------------------------------- #
# Faster charts, same meaning
# --------------------------------------------------------------------------- #
def _day(text: str) -> float:
    return float(mdates.date2num(datetime.fromisoformat(text)))


def test_quarter_ticks_are_the_quarter_starts_in_view():
    locator = QuarterStarts()
    ticks = locator.tick_values(_day("2023-11-15"), _day("2024-07-01"))
    assert ticks == [_day("2024-01-01"), _day("2024-04-01"), _day("2024-07-01")]
    # a view that starts on a quarter's first day keeps that tick
    assert locator.tick_values(_day("2024-04-01"), _day("2024-06-30")) == [_day("2024-04-01")]
    # past 14 quarters (3.5 years), only Januaries
    long = locator.tick_values(_day("2020-02-01"), _day("2024-03-01"))
    assert long == [_day(f"{year}-01-01") for year in (2021, 2022, 2023, 2024)]


def test_a_fixed_layout_figure_is_shown_whole_and_others_cropped():
    matplotlib.use("agg")
    fig = fixed_layout(plt.figure(figsize=(10, 5), dpi=100), left=1.0, right=0.5, top=0.5, bottom=1.0)
    fig.add_subplot().plot([1, 2])
    assert (fig.subplotpars.left, fig.subplotpars.right) == pytest.approx((0.1, 0.95))
    assert (fig.subplotpars.top, fig.subplotpars.bottom) == pytest.approx((0.9, 0.2))
    plain = plt.figure(figsize=(10, 5), dpi=100)
    plain.add_subplot().plot([1, 2])
    from PIL import Image
    import base64

    def size(figure):
        return Image.open(io.BytesIO(base64.b64decode(_figure_png(figure)))).size

    assert size(fig) == (1000, 500)  # as drawn: no second pass to measure a tight box
    width, height = size(plain)
    assert width < 1000 and height < 500  # cropped to its content
    plt.close("all")


def test_a_kernel_is_replaced_after_recycle_after_notebooks(tmp_path, monkeypatch):
    import papermill

    notebook = make_notebook(tmp_path / "01_pid.ipynb", 'import os\nprint("PID=%d" % os.getpid())')
    monkeypatch.setattr(kernels, "RECYCLE_AFTER", 2)
    engine = kernels.register_engine()
    seen = []
    try:
        for run_number in range(3):
            nb = papermill.execute_notebook(str(notebook), str(tmp_path / f"out{run_number}.ipynb"),
                                            parameters={"team": "cs_a"}, engine_name=engine, progress_bar=False,
                                            request_save_on_cell_execute=False)
            text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
            seen.append(re.search(r"PID=(\d+)", text).group(1))
            assert kernels.notebooks_run() == (run_number % 2) + 1
    finally:
        kernels.shutdown()
    assert seen[0] == seen[1] != seen[2]


def test_a_kernel_left_busy_by_a_timeout_is_replaced(tmp_path):
    import papermill

    slow = make_notebook(tmp_path / "01_slow.ipynb", 'import os\nprint("PID=%d" % os.getpid())\nimport time\ntime.sleep(60)')
    quick = make_notebook(tmp_path / "02_quick.ipynb", 'import os\nprint("PID=%d" % os.getpid())')
    engine = kernels.register_engine()
    try:
        with pytest.raises(Exception) as raised:
            papermill.execute_notebook(str(slow), str(tmp_path / "slow.ipynb"), parameters={"team": "cs_a"},
                                       engine_name=engine, progress_bar=False, execution_timeout=3,
                                       request_save_on_cell_execute=False)
        assert "timed out" in str(raised.value).lower() or "Timeout" in type(raised.value).__name__
        assert kernels.notebooks_run() == 0  # the busy kernel was shut down, none is warm
        nb = papermill.execute_notebook(str(quick), str(tmp_path / "quick.ipynb"), parameters={"team": "cs_a"},
                                        engine_name=engine, progress_bar=False, request_save_on_cell_execute=False)
        assert "PID=" in "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
        assert kernels.notebooks_run() == 1
    finally:
        kernels.shutdown()
