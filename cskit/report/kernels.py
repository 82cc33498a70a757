"""One warm Jupyter kernel per report worker, reset to a fresh state between notebooks.

A report batch runs many short notebooks. Starting a kernel and importing pandas,
matplotlib and cskit costs a few seconds each time, often more than the notebook's
own cells. :class:`WarmKernelEngine` is a papermill engine that keeps one kernel per
worker process and, before each notebook, puts the kernel back in the state it had
when it was new:

* the user namespace, input history and execution counter (``InteractiveShell.reset``);
* open figures, matplotlib ``rcParams``, pandas options;
* warning filters, environment variables, ``sys.path``, the working directory and the
  ``random``/NumPy global generators.

Imported modules stay imported (that is the saving), so module-level state of a
library could still carry over; cskit's own module caches hold only immutable content
(the registry, message catalogue, formula images) and :func:`cskit.notebook.load_data`
hands out private copies. A test renders the same page after other notebooks and in a
new kernel and compares the HTML byte for byte.

A kernel that died, or that could not be reset, is replaced by a new one.
"""
from __future__ import annotations

import os
import random
import sys
import warnings

#: State of this kernel right after it started (filled by :func:`snapshot`, in the kernel).
_FRESH: dict = {}

#: Code the worker sends to a new kernel, then before every later notebook (silently).
SNAPSHOT_CODE = "import cskit.report.kernels as __cskit_kernels; __cskit_kernels.snapshot(); del __cskit_kernels"
RESET_CODE = "import cskit.report.kernels as __cskit_kernels; __cskit_kernels.reset()"


# --------------------------------------------------------------------------- #
# Kernel side
# --------------------------------------------------------------------------- #
def snapshot() -> None:
    """Record the state of a new kernel (call once, before its first notebook)."""
    import matplotlib
    import matplotlib.pyplot  # noqa: F401 - selects the inline backend as a fresh notebook would
    import numpy as np
    import pandas  # noqa: F401

    _FRESH.update(
        rc=dict(matplotlib.rcParams),
        filters=list(warnings.filters),
        environ=dict(os.environ),
        path=list(sys.path),
        cwd=os.getcwd(),
        random=random.getstate(),
        numpy_random=np.random.get_state(),
    )


def reset() -> None:
    """Put this kernel back in the state :func:`snapshot` recorded.

    Raises
    ------
    RuntimeError
        If :func:`snapshot` never ran in this kernel (the worker then starts a new one).
    """
    if not _FRESH:
        raise RuntimeError("cskit.report.kernels.reset() before snapshot()")
    import matplotlib
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd
    from IPython import get_ipython

    plt.close("all")
    shell = get_ipython()
    if shell is not None:
        # new_session: the next notebook's cells are numbered from 1, as in a new kernel
        shell.reset(new_session=True)
    dict.update(matplotlib.rcParams, _FRESH["rc"])  # what matplotlib.rc_context does on exit
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # resetting deprecated options warns
        pd.reset_option("all")
    warnings.filters[:] = _FRESH["filters"]
    warnings._filters_mutated()  # the C warnings module caches the filter list
    os.environ.clear()
    os.environ.update(_FRESH["environ"])
    sys.path[:] = _FRESH["path"]
    os.chdir(_FRESH["cwd"])
    random.setstate(_FRESH["random"])
    np.random.set_state(_FRESH["numpy_random"])


# --------------------------------------------------------------------------- #
# Worker side
# --------------------------------------------------------------------------- #
#: This worker's kernel: {"km": kernel manager, "name": kernel name, "notebooks": count}.
_WARM: dict = {}

#: A kernel is replaced by a new one after this many notebooks, so that whatever a
#: library keeps in module state (caches, registries) cannot grow without bound.
RECYCLE_AFTER = 50


def _alive(km) -> bool:
    from jupyter_core.utils import run_sync

    try:
        return bool(km.has_kernel and run_sync(km.is_alive)())
    except Exception:
        return False


def shutdown() -> None:
    """Stop this worker's warm kernel, if any (safe to call twice)."""
    from jupyter_core.utils import run_sync

    km = _WARM.pop("km", None)
    _WARM.clear()
    if km is None:
        return
    try:
        run_sync(km.shutdown_kernel)(now=True)
    except Exception:
        pass


def notebooks_run() -> int:
    """How many notebooks this worker's current kernel has run (0 if none is warm)."""
    return int(_WARM.get("notebooks", 0))


def _engine_class():
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class _PreparedClient(PapermillNotebookClient):
        """Papermill's client that first runs ``prepare_code`` silently in the kernel."""

        prepare_code: str = ""

        def papermill_execute_cells(self):
            if self.prepare_code:
                # the reset (or a new kernel's first imports) is not a cell: the run's per-cell
                # timeout does not apply to it, the kernel start-up timeout does
                cell_timeout, self.timeout = self.timeout, self.startup_timeout
                try:
                    reply = self.wait_for_reply(self.kc.execute(self.prepare_code, silent=True, store_history=False))
                finally:
                    self.timeout = cell_timeout
                content = (reply or {}).get("content", {})
                if content.get("status") != "ok":
                    raise KernelResetError(f"{content.get('ename', '')}: {content.get('evalue', '')}")
            super().papermill_execute_cells()

    class WarmKernelEngine(NBClientEngine):
        """papermill engine that runs every notebook of a worker in one kernel, reset in between."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                     start_timeout=60, execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(
                kwargs, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                log=logger, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
            )
            km = _WARM.get("km")
            if km is not None and (_WARM.get("name") != kernel_name or _WARM["notebooks"] >= RECYCLE_AFTER
                                   or not _alive(km)):
                shutdown()
            if "km" in _WARM:
                try:
                    return cls._run(nb_man, final_kwargs, RESET_CODE)
                except KernelResetError:
                    shutdown()  # no cell has run yet: start again in a new kernel
            return cls._run(nb_man, final_kwargs, SNAPSHOT_CODE)

        @staticmethod
        def _run(nb_man, final_kwargs, prepare_code):
            client = _PreparedClient(nb_man, km=_WARM.get("km"), **final_kwargs)
            if "km" not in _WARM:
                # the client starts it; this worker owns it, so the client leaves it running
                _WARM.update(km=client.create_kernel_manager(), name=final_kwargs["kernel_name"], notebooks=0)
                client.owns_km = False
            client.prepare_code = prepare_code
            try:
                return client.execute()
            except KernelResetError:
                raise
            except BaseException:
                # a failing cell does not raise here (papermill records it); anything that does
                # (a timeout, a lost kernel, an interrupt) leaves the kernel in doubt: replace it
                shutdown()
                raise
            finally:
                if "km" in _WARM:
                    _WARM["notebooks"] += 1
                if client.kc is not None:
                    client.kc.stop_channels()
                if "km" in _WARM and not _alive(_WARM["km"]):
                    shutdown()

    return WarmKernelEngine


class KernelResetError(RuntimeError):
    """The warm kernel could not be put back in its fresh state."""


ENGINE_NAME = "cskit-warm"


def register_engine() -> str:
    """Register :class:`WarmKernelEngine` with papermill (idempotent); returns its engine name."""
    from papermill.engines import papermill_engines

    if ENGINE_NAME not in papermill_engines._engines:
        papermill_engines.register(ENGINE_NAME, _engine_class())
        import multiprocessing.util

        # worker processes leave through multiprocessing, which runs these finalizers, not atexit
        multiprocessing.util.Finalize(None, shutdown, exitpriority=10)
    return ENGINE_NAME
