"""Tracked numbers: ns per iteration of each loop, first-call compile time, accuracy.

These are ``track_`` benchmarks: asv records the returned value (not a time it
measures itself), so a numerical regression shows in the history beside a
slowdown.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from ._common import (
    EXAMPLE1_W0,
    EXAMPLE1_X,
    EXAMPLE1_Y,
    PROP2_ETA,
    PROP2_W0,
    PROP2_X,
    PROP2_Y,
    GDRun,
    SGDRun,
    load_baselines,
    max_margin_direction,
    named_problem,
)

#: Timed runs per number; the median is tracked.
ROUNDS = 5

# workload -> (loop, problem, replicates, iterations per timed run)
LOOPS = {
    "gd example1": ("gd_advance", "example1", 1, 10**6),
    "gd n=1000 d=50": ("gd_advance", "n=1000 d=50", 1, 2000),
    "gd_parallel n=10^6 d=50": ("gd_advance_parallel", "n=1000000 d=50", 1, 3),
    "sgd example1": ("sgd_advance", "example1", 1, 10**6),
    "sgd n=1000 d=50": ("sgd_advance", "n=1000 d=50", 1, 10**6),
    "sgd R=8 example1": ("sgd_advance", "example1", 8, 2 * 10**5),
}


def _median_ns(run, iterations: int) -> float:
    times = []
    for _ in range(ROUNDS):
        run.reset()
        tic = time.perf_counter()
        run.advance(0, iterations)
        times.append(time.perf_counter() - tic)
        run.check()
    return float(np.median(times)) / iterations * 1e9


class NsPerIteration:
    """Median ns per iteration (per replicate-step for R > 1) of the compiled steppers."""

    params = (list(LOOPS),)
    param_names = ("workload",)
    unit = "ns"
    timeout = 300

    def setup(self, workload: str) -> None:
        loop, name, replicates, self.iterations = LOOPS[workload]
        X, y, w0 = named_problem(name)
        if loop == "sgd_advance":
            self.run = SGDRun(X, y, w0, replicates=replicates)
        else:
            self.run = GDRun(X, y, w0, eta=1.0, name=loop)
        self.replicates = replicates
        self.run.advance(0, 0)

    def track_ns_per_iteration(self, workload: str) -> float:
        return _median_ns(self.run, self.iterations) / self.replicates


class BaselineNsPerIteration:
    """The C and NumPy reference loops measured by the same machine: a noise yardstick."""

    params = (["C gd example1", "C sgd example1", "C sgd n=1000 d=50", "NumPy gd example1"],)
    param_names = ("workload",)
    unit = "ns"
    timeout = 300

    def setup(self, workload: str) -> None:
        B = load_baselines()
        kind, algo, name = workload.split(" ", 2)
        X, y, w0 = named_problem(name)
        if kind == "C":
            try:
                lib = B.load_c("O3")
            except B.BaselineUnavailable as exc:
                raise NotImplementedError(str(exc)) from None
            keys = B.replicate_keys(1, 1)
            if algo == "gd":
                self.iterations = 10**6
                self.call = lambda: lib.gd(X, y, w0, 1.0, self.iterations)
            else:
                self.iterations = 10**6
                self.call = lambda: lib.sgd(X, y, w0[None, :], self.iterations, 1.0, 0.6, keys)
        else:
            self.iterations = 2000
            self.call = lambda: B.numpy_gd(X, y, w0, 1.0, self.iterations)

    def track_ns_per_iteration(self, workload: str) -> float:
        times = []
        for _ in range(ROUNDS):
            tic = time.perf_counter()
            self.call()
            times.append(time.perf_counter() - tic)
        return float(np.median(times)) / self.iterations * 1e9


_COMPILE_SCRIPT = """
import json, time
tic = time.perf_counter()
import numpy as np
import fastbias
t_import = time.perf_counter() - tic
X = np.array([[1.0, 0.0], [-0.5, 1.0], [-1.0, -0.5]])
y = np.array([1.0, 1.0, -1.0])
w0 = np.array([1.0, -0.2])
tic = time.perf_counter()
fastbias.gd(X, y, w0, eta=1.0, n_iter=10)
t_gd = time.perf_counter() - tic
tic = time.perf_counter()
fastbias.sgd(X, y, w0, n_iter=10)
t_sgd = time.perf_counter() - tic
print(json.dumps({"import": t_import, "gd": t_gd, "sgd": t_sgd}))
"""


def first_call_seconds(cache_dir: str) -> dict[str, float]:
    """Import and first-call times of ``gd`` and ``sgd`` in a fresh interpreter using ``cache_dir``."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    proc = subprocess.run([sys.executable, "-c", _COMPILE_SCRIPT], env=env, capture_output=True,
                          text=True, timeout=600, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


class CompileTime:
    """First call in a fresh interpreter: cold (empty NUMBA_CACHE_DIR) and warm (cache filled)."""

    unit = "seconds"
    timeout = 900

    def setup_cache(self) -> dict[str, dict[str, float]]:
        with tempfile.TemporaryDirectory(prefix="fastbias-numba-cache-") as cache:
            cold = first_call_seconds(cache)
            warm = first_call_seconds(cache)
        return {"cold": cold, "warm": warm}

    def track_cold_first_gd(self, times: dict) -> float:
        return times["cold"]["gd"]

    def track_cold_first_sgd(self, times: dict) -> float:
        return times["cold"]["sgd"]

    def track_import(self, times: dict) -> float:
        return times["warm"]["import"]

    def track_warm_import_and_first_calls(self, times: dict) -> float:
        return sum(times["warm"].values())


class DirectionError:
    """||w/||w|| - u|| after 10^6 GD iterations on Proposition-2-type data (eta 0.5, ReLU).

    u is the max-margin direction of the positives; a numerical regression in the
    loop shows here even when its speed does not change.
    """

    unit = "distance"
    timeout = 300

    def setup(self) -> None:
        import fastbias

        self.u = max_margin_direction(PROP2_X, PROP2_Y)
        self.gd = fastbias.gd
        self.gd(EXAMPLE1_X, EXAMPLE1_Y, EXAMPLE1_W0, eta=1.0, n_iter=1)

    def track_direction_error_1e6(self) -> float:
        traj = self.gd(PROP2_X, PROP2_Y, PROP2_W0, eta=PROP2_ETA, n_iter=10**6)
        w = np.asarray(traj.w)[-1, 0]
        return float(np.linalg.norm(w / np.linalg.norm(w) - self.u))
