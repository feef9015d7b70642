"""The Python side of a run: chunking, recording, progress, interrupts.

Compiled steppers advance the state between checkpoints; this module cuts
long intervals into chunks of about ``chunk_seconds`` so that control returns
to Python regularly (progress, Ctrl-C). How an interval is cut never changes a
bit of the result: steppers are exact under splitting (run 0 -> n equals
0 -> k -> n), and every state change outside them (dead detection in SGD)
happens at checkpoints only.
"""

from __future__ import annotations

import platform
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from fastbias.loops.steppers import STATUS_NAMES

__all__ = ["run_schedule", "status_names", "versions"]


def versions() -> dict[str, str]:
    """Versions of what produced a result."""
    import numba
    import scipy

    from fastbias import __version__

    return {
        "fastbias": __version__,
        "numba": numba.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
    }


def status_names(status: np.ndarray) -> np.ndarray:
    """Status codes to names."""
    return np.asarray(STATUS_NAMES, dtype=object)[status]


def run_schedule(
    times: np.ndarray,
    advance: Callable[[int, int], None],
    record: Callable[[int, int], None],
    all_stopped: Callable[[], bool],
    *,
    chunk_seconds: float,
    progress: bool,
    desc: str,
    replicates: int,
) -> dict[str, Any]:
    """Advance from ``times[0]`` through every checkpoint, recording at each.

    ``record(c, t)`` stores checkpoint row ``c`` at iteration ``t``;
    ``advance(t0, t1)`` runs the stepper. Returns timing metadata and, when
    interrupted (Ctrl-C), how many rows were recorded: the current state is
    recorded as a last checkpoint, so no finished work is lost.
    """
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=int(times[-1]), desc=desc, unit="it", unit_scale=True, dynamic_ncols=True)
    compute_s = 0.0
    chunk = 1024
    t = int(times[0])
    tic = time.perf_counter()
    advance(t, t)  # an empty interval: compiles (or loads from cache) outside the timing
    record(0, t)
    compile_s = time.perf_counter() - tic
    rows = 1
    interrupted = False
    start = time.perf_counter()
    try:
        for c in range(1, times.size):
            target = int(times[c])
            while t < target:
                if all_stopped():
                    t = target
                    break
                t1 = min(target, t + chunk)
                tic = time.perf_counter()
                advance(t, t1)
                elapsed = time.perf_counter() - tic
                compute_s += elapsed
                if bar is not None:
                    bar.update(t1 - t)
                # Aim the next chunk at about chunk_seconds of work.
                if elapsed < 0.5 * chunk_seconds:
                    chunk = min(chunk * 2, 1 << 40)
                elif elapsed > 2.0 * chunk_seconds and chunk > 1:
                    chunk //= 2
                t = t1
            record(c, t)
            rows = c + 1
    except KeyboardInterrupt:
        interrupted = True
        if t > int(times[rows - 1]):
            record(rows, t)
            rows += 1
        warnings.warn(
            f"{desc} interrupted at t = {t}: returning the {rows} checkpoints recorded so far",
            RuntimeWarning,
            stacklevel=3,
        )
    finally:
        if bar is not None:
            bar.close()
    wall = time.perf_counter() - start
    done = int(t - times[0]) * replicates
    return {
        "wall_seconds": wall,
        "compute_seconds": compute_s,
        "ns_per_iteration": (compute_s / done * 1e9) if done else float("nan"),
        "compile_seconds": compile_s,
        "interrupted": interrupted,
        "rows": rows,
    }
