"""Crash-safe run state files: atomic writes, checksums, and a kept previous good state.

A state file is an ``.npz`` holding the run's :meth:`~fastbias.loops.runs.Run.state_dict`,
a JSON ``__meta__`` member, and ``__sha256__``: the sha256 of every other
member (name, dtype, shape and bytes, in name order). Damage anywhere else in
the file (zip headers) either makes it unreadable, which is reported the same
way, or changes nothing that is loaded. Saving

1. writes ``state.npz.tmp`` and fsyncs it,
2. renames the current ``state.npz`` (known good) to ``state.prev.npz``,
3. renames the temporary file to ``state.npz`` and fsyncs the directory.

A crash at any point leaves at least one complete, verifiable state. Loading
verifies the checksum; a corrupt or truncated ``state.npz`` is reported, moved
aside as ``state.corrupt-<time>.npz`` (never rotated over the previous good
state) and the newest good file among ``state.npz``, ``state.npz.tmp`` and
``state.prev.npz`` is used.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "PREV",
    "STATE",
    "TMP",
    "LoadedState",
    "StateError",
    "atomic_write_bytes",
    "checksum",
    "load_state",
    "read_state_file",
    "save_state",
]

STATE = "state.npz"
PREV = "state.prev.npz"
TMP = "state.npz.tmp"
_FORMAT = "fastbias-state-1"


class StateError(RuntimeError):
    """A state file is missing, corrupt or truncated."""


def checksum(arrays: dict[str, np.ndarray]) -> str:
    """sha256 over the members (name, dtype, shape, bytes) in name order."""
    h = hashlib.sha256()
    for k in sorted(arrays):
        a = np.ascontiguousarray(arrays[k])
        h.update(k.encode())
        h.update(a.dtype.str.encode())
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def save_state(
    directory: Path, state: dict[str, np.ndarray], meta: dict[str, Any], *, rotate: bool = True
) -> float:
    """Write a state file atomically into ``directory``; returns the seconds it took.

    Parameters
    ----------
    directory : pathlib.Path
        The run's directory.
    state : dict
        Plain arrays (``Run.state_dict()``).
    meta : dict
        JSON-able extras (saved as ``__meta__``).
    rotate : bool
        Move the current ``state.npz`` to ``state.prev.npz`` first. Pass False
        when the current file is not known to be good.
    """
    tic = time.perf_counter()
    directory = Path(directory)
    arrays = dict(state)
    arrays["__meta__"] = np.array(json.dumps({"format": _FORMAT, **meta}))
    arrays["__sha256__"] = np.array(checksum(arrays))
    tmp = directory / TMP
    with open(tmp, "wb") as f:
        np.savez(f, **arrays)
        f.flush()
        os.fsync(f.fileno())
    cur = directory / STATE
    if rotate and cur.exists():
        os.replace(cur, directory / PREV)
    os.replace(tmp, cur)
    _fsync_dir(directory)
    return time.perf_counter() - tic


def read_state_file(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read and verify one state file; raises :class:`StateError` saying what is wrong."""
    path = Path(path)
    try:
        # Our own file object: np.load leaks its handle when the zip is unreadable.
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
    except FileNotFoundError:
        raise StateError(f"{path.name} does not exist") from None
    except Exception as exc:  # any failure to read it (BadZipFile, EOFError, NotImplementedError, ...)
        raise StateError(
            f"{path.name} is truncated or not a state file ({type(exc).__name__}: {exc})"
        ) from None
    stored = arrays.pop("__sha256__", None)
    if stored is None or "__meta__" not in arrays:
        raise StateError(f"{path.name} has no checksum: not a fastbias state file")
    if checksum(arrays) != str(stored):
        raise StateError(f"{path.name} fails its checksum (corrupt)")
    meta = json.loads(str(arrays.pop("__meta__")))
    if meta.get("format") != _FORMAT:
        raise StateError(f"{path.name} has an unknown format {meta.get('format')!r}")
    return arrays, meta


@dataclass
class LoadedState:
    """What :func:`load_state` found.

    ``state`` / ``meta`` are ``None`` when there is no state at all (a run
    killed before its first save starts again from t = 0). ``source`` is the
    file used; ``messages`` say what was wrong with the others; ``current_good``
    says whether ``state.npz`` is good, so the next save may rotate it.
    """

    state: dict[str, np.ndarray] | None
    meta: dict[str, Any] | None
    source: str | None
    messages: list[str] = field(default_factory=list)
    current_good: bool = False


def load_state(directory: Path, *, quarantine: bool = True) -> LoadedState:
    """Load the newest good state of a run directory, falling back to the previous one.

    Parameters
    ----------
    directory : pathlib.Path
        The run's directory.
    quarantine : bool
        Rename a corrupt ``state.npz`` to ``state.corrupt-<time>.npz`` so that the
        next save cannot rotate it over the previous good state.

    Raises
    ------
    StateError
        When state files exist but none of them is good.
    """
    directory = Path(directory)
    found: list[tuple[int, str, dict[str, np.ndarray], dict[str, Any]]] = []
    messages: list[str] = []
    current_good = False
    existing = [name for name in (STATE, TMP, PREV) if (directory / name).exists()]
    for name in existing:
        try:
            arrays, meta = read_state_file(directory / name)
        except StateError as exc:
            if name == TMP:  # an interrupted save: expected, and harmless
                continue
            messages.append(f"{directory.name}/{exc}")
            if name == STATE and quarantine:
                bad = directory / f"state.corrupt-{time.strftime('%Y%m%d-%H%M%S')}.npz"
                os.replace(directory / name, bad)
                messages.append(f"{directory.name}/{name} moved aside to {bad.name}")
            continue
        if name == STATE:
            current_good = True
        found.append((int(arrays["t"]), name, arrays, meta))
    if not found:
        if any(n != TMP for n in existing):
            raise StateError("; ".join(messages) + f"; no good state left in {directory}")
        return LoadedState(None, None, None, messages, False)
    # States are prefixes of one deterministic run: the one furthest along wins
    # (the latest state.npz, unless an interrupted save left a newer .tmp).
    order = {STATE: 0, TMP: 1, PREV: 2}
    found.sort(key=lambda f: (-f[0], order[f[1]]))
    t, name, arrays, meta = found[0]
    if name == TMP:
        # Finish the interrupted save: the complete temporary file becomes the state.
        if (directory / STATE).exists() and current_good:
            os.replace(directory / STATE, directory / PREV)
        os.replace(directory / TMP, directory / STATE)
        _fsync_dir(directory)
        name, current_good = STATE, True
    if messages:
        messages.append(f"resuming {directory.name} from {name} (t = {t})")
    return LoadedState(arrays, meta, name, messages, current_good and name == STATE)
