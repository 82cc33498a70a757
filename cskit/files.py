"""File safety, written once: atomic writes, sweeping their leftovers, safe folder names, fingerprints.

Every file cskit writes for a user (reports, slides, the sample dataset, manifests) goes
through :func:`atomic_write`, so a crash or a kill leaves the old file or the new one,
never a half-written one.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from pathlib import Path
from typing import BinaryIO, Callable, Collection

__all__ = ["atomic_write", "sweep_temps", "remove_open_temps", "slugify", "fingerprint", "new_run_id"]

_SLUG_BAD = re.compile(r"[^a-z0-9_-]+")

#: Temporary files this process is writing right now (removed by :func:`remove_open_temps` on SIGTERM).
_OPEN_TEMPS: set[Path] = set()


def new_run_id() -> str:
    """A short random id that names one run's temporary files (8 hex digits)."""
    return secrets.token_hex(4)


def atomic_write(path: str | os.PathLike, data: str | bytes | Callable[[BinaryIO], None],
                 run_id: str | None = None) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write; its folder is created if missing.
    data : str, bytes or callable
        Text (written as UTF-8), bytes, or a function that writes to a binary file handle.
    run_id : str, optional
        Names the temporary file ``.<name>.<run_id>.tmp`` so a run can sweep its own
        leftovers with :func:`sweep_temps`; a new random id when omitted.

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = atomic_write(Path(folder) / "a.txt", "売上")
    ...     written.read_text(encoding="utf-8")
    '売上'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{run_id or new_run_id()}.tmp")
    _OPEN_TEMPS.add(temp)
    try:
        with open(temp, "wb") as handle:
            if callable(data):
                data(handle)
            else:
                handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
        _OPEN_TEMPS.discard(temp)
    return path


def sweep_temps(folder: str | os.PathLike, run_id: str) -> list[Path]:
    """Remove the temporary files that run ``run_id`` left under ``folder``.

    Returns
    -------
    list of pathlib.Path
        The files removed.
    """
    folder = Path(folder)
    removed = []
    if folder.is_dir():
        for temp in folder.rglob(f".*.{run_id}.tmp"):
            temp.unlink(missing_ok=True)
            removed.append(temp)
    return removed


def remove_open_temps() -> None:
    """Remove the temporary files this process is writing (called from a signal handler)."""
    for temp in list(_OPEN_TEMPS):
        try:
            temp.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - best effort while being killed
            pass


def slugify(name: str, reserved: Collection[str] = ()) -> str:
    """A safe folder name for ``name``: ``[a-z0-9_-]``, never empty, never ``..``.

    When the slug differs from ``name`` (case, spaces, Japanese, ``/``, ``<``, ...)
    or is one of the ``reserved`` names (folders the caller writes itself), an
    8-character hash of ``name`` is appended, so two teams never share a folder.

    Examples
    --------
    >>> slugify("cs_smb")
    'cs_smb'
    >>> slugify("../evil")[:5]
    'evil-'
    >>> slugify("runs", reserved={"runs"})[:5]
    'runs-'
    """
    text = unicodedata.normalize("NFKC", str(name)).lower()
    slug = _SLUG_BAD.sub("-", text).strip("-")[:48].strip("-")
    if slug == str(name) and slug and slug not in reserved:
        return slug
    digest = hashlib.sha256(str(name).encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"team-{digest}"


def fingerprint(folder: str | os.PathLike) -> str:
    """``sha256:<hex>`` over the sorted relative file names and bytes of ``folder`` (contents, not times).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     fingerprint(folder)[:7]
    'sha256:'
    """
    folder = Path(folder)
    digest = hashlib.sha256()
    found = sorted((p for p in folder.rglob("*") if p.is_file()), key=lambda p: p.relative_to(folder).as_posix())
    for path in found:
        name = path.relative_to(folder).as_posix().encode("utf-8")
        digest.update(len(name).to_bytes(8, "big") + name)
        digest.update(path.stat().st_size.to_bytes(8, "big"))
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()
