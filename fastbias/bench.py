"""``python -m fastbias.bench``: how fast fastbias is on this machine, as ratios to baselines.

Measures, in one run and interleaved (round r times every implementation once,
then round r + 1...), the median ns per iteration of fastbias' compiled loops
and of the baselines of :mod:`fastbias._baselines` (NumPy per-step loops, C
reference loops built here with the system compiler, JAX when installed) on the
workloads of the performance issue; the bandwidth of one large gradient; the
speed-up of SGD replicates from 1 to 2 threads (subprocesses with
``NUMBA_NUM_THREADS``); first-call compile time (a subprocess with an empty
``NUMBA_CACHE_DIR``, then one with the cache it filled); and what the Python
driver (checkpoints, saving) adds to the loop. Prints a table; ``--json PATH``
writes everything, with the targets and whether they were met.

Numbers from shared or busy machines move by 10-15 % between runs (more with 2
threads): compare ratios from one run, never absolute times across runs.
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fastbias import _baselines as B
from fastbias.datasets import example1

__all__ = ["bind", "gd_state", "main", "run", "sgd_state"]

X1, Y1, W1 = example1()
ALPHA = 0.6

#: The C baseline variants measured, by implementation name.
C_IMPLS = {"c": "O3", "c-fastmath": "fastmath"}


# ---------------------------------------------------------------- measurement


@dataclass
class Impl:
    """One implementation of a workload.

    ``make()`` prepares fresh state and returns the call to time; one call does
    ``units`` iterations (replicate-steps for several replicates).
    """

    name: str
    units: int
    make: Callable[[], Callable[[], Any]]
    times: list[float] = field(default_factory=list)
    #: Pause after each call (untimed). OpenBLAS and XLA worker threads spin for
    #: ~0.1 s after a call, taking a core from whatever runs next.
    cooldown: float = 0.0

    @property
    def ns(self) -> float:
        """Median ns per unit."""
        return float(np.median(self.times)) / self.units * 1e9


def _interleaved(impls: list[Impl], rounds: int) -> None:
    for impl in impls:
        impl.make()()  # warm-up: compilation, caches, page faults
        time.sleep(impl.cooldown)
    for _ in range(rounds):
        for impl in impls:
            call = impl.make()
            tic = time.perf_counter()
            call()
            impl.times.append(time.perf_counter() - tic)
            time.sleep(impl.cooldown)


def bind(func: Any, values: dict[str, Any]) -> tuple:
    """Positional arguments of a compiled stepper, taken from ``values`` by parameter name.

    Binding by name keeps the benchmarks working when a stepper gains or
    reorders arguments (a new model switch, say); an argument this module does
    not know raises ``TypeError`` naming it.
    """
    names = list(inspect.signature(getattr(func, "py_func", func)).parameters)
    missing = [name for name in names if name not in values]
    if missing:
        name = getattr(func, "__name__", func)
        raise TypeError(f"{name} takes {missing}, which the benchmark does not set")
    return tuple(values[name] for name in names)


def _neuron() -> int:
    try:
        from fastbias.loops.steppers import NEURON
    except ImportError:  # before steppers took a model switch
        return 0
    return int(NEURON)


def gd_state(X: np.ndarray, y: np.ndarray, w0: np.ndarray, eta: float, n_iter: int) -> dict[str, Any]:
    """Every argument ``gd_advance`` may take, for one single-neuron ReLU run 0 -> ``n_iter``."""
    W = np.array(w0, dtype=np.float64, ndmin=2)
    m = W @ X.T
    return {
        "model": _neuron(), "X": X, "y": y, "slope": 0.0, "v": np.ones(1), "eta": eta,
        "W": W, "W_prev": W.copy(), "active": m > 0.0, "counts": np.zeros((W.shape[0], 3), dtype=np.int64),
        "sep": np.all(y * m > 0.0, axis=1), "status": np.zeros(W.shape[0], dtype=np.int8),
        "t_stop": np.full(W.shape[0], -1, dtype=np.int64), "t0": 0, "t1": n_iter,
    }


def sgd_state(X: np.ndarray, y: np.ndarray, w0: np.ndarray, steps: int, replicates: int,
              alpha: float = ALPHA, seed: int = 1) -> dict[str, Any]:
    """Every argument ``sgd_advance`` may take: R single-neuron ReLU replicates, steps 0 -> ``steps``."""
    from fastbias.loops.steppers import SGD_BLOCK

    W = np.tile(np.asarray(w0, dtype=np.float64), (replicates, 1))
    return {
        "model": _neuron(), "X": X, "y": y, "slope": 0.0, "v": np.ones(1), "eta0": 1.0, "alpha": alpha,
        "keys": B.replicate_keys(seed, replicates), "W": W, "S": np.zeros_like(W), "C": np.zeros_like(W),
        "status": np.zeros(replicates, dtype=np.int8), "t_stop": np.full(replicates, -1, dtype=np.int64),
        "table": np.empty(min(SGD_BLOCK, max(steps, 1))), "t0": 0, "t1": steps,
    }


def _gd_call(X: np.ndarray, y: np.ndarray, w0: np.ndarray, eta: float, n_iter: int) -> Callable[[], Any]:
    from fastbias.loops.steppers import gd_advance

    args = bind(gd_advance, gd_state(X, y, w0, eta, n_iter))
    return lambda: gd_advance(*args)


def _sgd_call(X: np.ndarray, y: np.ndarray, w0: np.ndarray, steps: int, replicates: int) -> Callable[[], Any]:
    from fastbias.loops.steppers import sgd_advance

    args = bind(sgd_advance, sgd_state(X, y, w0, steps, replicates))
    return lambda: sgd_advance(*args)


class Baselines:
    """The baselines available here, and why the others are not."""

    def __init__(self) -> None:
        self.c: dict[str, B.CBaselines] = {}
        self.skipped: dict[str, str] = {}
        for name, variant in {**C_IMPLS, "c-openmp": "openmp"}.items():
            try:
                self.c[name] = B.load_c(variant)
            except B.BaselineUnavailable as exc:
                self.skipped[name] = str(exc)
        try:
            self.jax: B.JaxBaselines | None = B.load_jax()
        except B.BaselineUnavailable as exc:
            self.jax = None
            self.skipped["jax"] = str(exc)


#: Cooldown of implementations that use thread pools which keep spinning.
SPIN_COOLDOWN = 0.2


def _gd_impls(X: np.ndarray, y: np.ndarray, w0: np.ndarray, iters: int, numpy_iters: int,
              base: Baselines) -> list[Impl]:
    impls = [Impl("fastbias", iters, lambda: _gd_call(X, y, w0, 1.0, iters))]
    for name in C_IMPLS:
        if name in base.c:
            lib = base.c[name]
            impls.append(Impl(name, iters, lambda lib=lib: lambda: lib.gd(X, y, w0, 1.0, iters)))
    if base.jax is not None:
        J = base.jax
        Xj, yj = J.device(X), J.device(y)
        impls.append(Impl("jax", iters, lambda: lambda: J.gd(Xj, yj, w0, 1.0, iters), cooldown=SPIN_COOLDOWN))
    impls.append(Impl("numpy", numpy_iters, lambda: lambda: B.numpy_gd(X, y, w0, 1.0, numpy_iters),
                      cooldown=SPIN_COOLDOWN))
    return impls


def _sgd_impls(X: np.ndarray, y: np.ndarray, w0: np.ndarray, steps: int, numpy_steps: int,
               replicates: int, base: Baselines) -> list[Impl]:
    keys = B.replicate_keys(1, replicates)
    W0 = np.tile(w0, (replicates, 1))
    units = steps * replicates
    impls = [Impl("fastbias", units, lambda: _sgd_call(X, y, w0, steps, replicates))]
    for name in C_IMPLS:
        if name in base.c:
            lib = base.c[name]
            impls.append(Impl(name, units,
                              lambda lib=lib: lambda: lib.sgd(X, y, W0, steps, 1.0, ALPHA, keys)))
    if replicates == 1:
        if base.jax is not None:
            J = base.jax
            Xj, yj = J.device(X), J.device(y)
            key = int(keys[0])
            impls.append(Impl("jax", steps, lambda: lambda: J.sgd(Xj, yj, w0, steps, 1.0, ALPHA, key),
                              cooldown=SPIN_COOLDOWN))
        key = int(keys[0])
        impls.append(Impl("numpy", numpy_steps,
                          lambda: lambda: B.numpy_sgd(X, y, w0, numpy_steps, 1.0, ALPHA, key),
                          cooldown=SPIN_COOLDOWN))
        plain_steps = max(numpy_steps // 5, 1)
        impls.append(Impl("numpy-plain", plain_steps,
                          lambda: lambda: B.numpy_sgd_plain(X, y, w0, plain_steps, 1.0, ALPHA, key),
                          cooldown=SPIN_COOLDOWN))
    return impls


def _grad_impls(X: np.ndarray, y: np.ndarray, w: np.ndarray, base: Baselines) -> list[Impl]:
    from fastbias.kernels import loss_grad, loss_grad_parallel

    out = np.empty(X.shape[1])
    impls = [
        Impl("fastbias", 1, lambda: lambda: loss_grad(w, X, y, 0.0, out)),
        Impl("fastbias-parallel", 1, lambda: lambda: loss_grad_parallel(w, X, y, 0.0, out)),
    ]
    for name in ("c", "c-fastmath"):
        if name in base.c:
            impls.append(Impl(name, 1, lambda lib=base.c[name]: lambda: lib.loss_grad(w, X, y)))
    if "c-openmp" in base.c:
        lib = base.c["c-openmp"]
        impls.append(Impl("c-openmp", 1, lambda: lambda: lib.loss_grad_parallel(w, X, y)))
    if base.jax is not None:
        J = base.jax
        Xj, yj = J.device(X), J.device(y)
        impls.append(Impl("jax", 1, lambda: lambda: J.loss_grad(w, Xj, yj), cooldown=SPIN_COOLDOWN))
    impls.append(Impl("numpy", 1, lambda: lambda: B.numpy_loss_grad(w, X, y), cooldown=SPIN_COOLDOWN))
    impls.append(Impl("numpy X.sum()", 1, lambda: lambda: X.sum()))
    return impls


def _workload(name: str, impls: list[Impl], rounds: int, **info: Any) -> dict[str, Any]:
    _interleaved(impls, rounds)
    results = {i.name: {"ns_per_unit": i.ns, "units_per_call": i.units, "seconds": i.times} for i in impls}
    ref = results["fastbias"]["ns_per_unit"]
    ratios = {f"fastbias/{i.name}": ref / i.ns for i in impls if i.name != "fastbias"}
    return {"name": name, **info, "results": results, "ratios": ratios}


# ---------------------------------------------------------------- subprocesses

_SCALING_SCRIPT = r"""
import json, sys, time
import numba
from fastbias.bench import bind, sgd_state
from fastbias.datasets import example1
from fastbias.loops.steppers import sgd_advance
X, y, w0 = example1()
R, steps, rounds = (int(a) for a in sys.argv[1:4])
def call(t1):
    args = bind(sgd_advance, sgd_state(X, y, w0, t1, R))
    c0, t0 = time.process_time(), time.perf_counter()
    sgd_advance(*args)
    return time.perf_counter() - t0, time.process_time() - c0
call(1000)
runs = [call(steps) for _ in range(rounds)]
print(json.dumps({"threads": numba.get_num_threads(), "layer": numba.threading_layer(),
                  "wall": [r[0] for r in runs], "cpu": [r[1] for r in runs]}))
"""

_COMPILE_SCRIPT = r"""
import json, time
tic = time.perf_counter()
import numpy as np
import fastbias
from fastbias.datasets import example1
t_import = time.perf_counter() - tic
X, y, w0 = example1()
tic = time.perf_counter()
fastbias.gd(X, y, w0, eta=1.0, n_iter=10)
t_gd = time.perf_counter() - tic
tic = time.perf_counter()
fastbias.sgd(X, y, w0, n_iter=10)
t_sgd = time.perf_counter() - tic
from fastbias.kernels import neuron
from fastbias.loops import steppers
fns = [steppers.gd_advance, steppers.sgd_advance, neuron.loss]
cache = {f.__name__: [sum(f.stats.cache_hits.values()), sum(f.stats.cache_misses.values())] for f in fns}
print(json.dumps({"import": t_import, "first_gd": t_gd, "first_sgd": t_sgd, "cache": cache}))
"""


def _python(script: str, args: list[str], env: dict[str, str], timeout: float = 600,
            copies: int = 1) -> list[dict[str, Any]]:
    """Run ``script`` in ``copies`` fresh interpreters at the same time; the JSON each printed last."""
    procs = [subprocess.Popen([sys.executable, "-c", script, *args], env={**os.environ, **env},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(copies)]
    outs = []
    for proc in procs:
        out, err = proc.communicate(timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"benchmark subprocess failed ({proc.returncode}):\n{err[-2000:]}")
        outs.append(json.loads(out.strip().splitlines()[-1]))
    return outs


def thread_scaling(replicates: int, steps: int, alternations: int, runs: int) -> dict[str, Any]:
    """SGD with ``replicates`` replicates on Example 1, NUMBA_NUM_THREADS = 1 and 2 alternately.

    ``cpu_per_wall`` of the 2-thread runs is process CPU time over wall time:
    about 2 when both cores were this process's, about 1 when the second core
    was busy with something else. ``ceiling`` is what the machine itself gives
    two independent computations at that moment: two single-thread processes
    run at the same time, each with half the replicates; ``speedup_1_to_2``
    near ``ceiling`` means the threads lose nothing to each other (no shared
    state, no false sharing), whatever the two cores deliver (frequency drops
    with both cores busy, a neighbour on the host).
    """
    load_before = os.getloadavg()[0]
    wall: dict[int, list[float]] = {1: [], 2: []}
    cpu: dict[int, list[float]] = {1: [], 2: []}
    pair: list[float] = []
    layer = ""
    args = [str(replicates), str(steps), str(runs)]
    for _ in range(alternations):
        for threads in (1, 2):
            out = _python(_SCALING_SCRIPT, args, {"NUMBA_NUM_THREADS": str(threads)})[0]
            wall[threads] += out["wall"]
            cpu[threads] += out["cpu"]
            layer = out["layer"]
        half = _python(_SCALING_SCRIPT, [str(replicates // 2), str(steps), str(runs)],
                       {"NUMBA_NUM_THREADS": "1"}, copies=2)
        pair += [max(a, b) for a, b in zip(half[0]["wall"], half[1]["wall"], strict=True)]
    med = {t: float(np.median(wall[t])) for t in wall}
    return {
        "workload": f"sgd example1 R={replicates}, {steps} steps per replicate",
        "threading_layer": layer,
        "seconds": {str(t): wall[t] for t in wall},
        "seconds_two_processes": pair,
        "ns_per_replicate_step": {str(t): med[t] / (replicates * steps) * 1e9 for t in med},
        "speedup_1_to_2": med[1] / med[2],
        "ceiling": med[1] / float(np.median(pair)),
        "cpu_per_wall_2_threads": float(np.median(np.array(cpu[2]) / np.array(wall[2]))),
        "loadavg_1min_before": load_before,
        "cpu_count": os.cpu_count(),
    }


def compile_times() -> dict[str, Any]:
    """First calls in fresh interpreters: cold (empty numba cache), then warm (the cache it filled).

    ``cache`` holds, for each run, numba's ``[hits, misses]`` on the cache of
    the GD and SGD steppers and of one kernel: the warm run should only hit.
    """
    with tempfile.TemporaryDirectory(prefix="fastbias-numba-cache-") as cache:
        cold = _python(_COMPILE_SCRIPT, [], {"NUMBA_CACHE_DIR": cache})[0]
        warm = _python(_COMPILE_SCRIPT, [], {"NUMBA_CACHE_DIR": cache})[0]
    stats = {"cold": cold.pop("cache"), "warm": warm.pop("cache")}
    return {"cold": cold, "warm": warm, "warm_total": sum(warm.values()), "cache": stats}


def driver_overhead(n_iter: int, rounds: int) -> dict[str, Any]:
    """``fastbias.gd`` (20 checkpoints per decade) plus ``save`` against the bare stepper, Example 1.

    Two measures: ``overhead`` compares separate runs of the driver and of the
    bare stepper (medians), so machine drift between them (+-5 % on shared
    cores) shows up in it; ``in_run_overhead`` is, within each driver run, the
    time outside the compiled stepper (checkpoint statistics, chunking,
    Python) plus the save, over the stepper's own time: drift cancels.
    """
    from fastbias import gd

    with tempfile.TemporaryDirectory(prefix="fastbias-bench-") as tmp:
        path = Path(tmp) / "run.npz"
        stepper, driver, save, inrun = [], [], [], []
        _gd_call(X1, Y1, W1, 1.0, 10)()
        gd(X1, Y1, W1, eta=1.0, n_iter=10).save(path)
        for _ in range(rounds):
            call = _gd_call(X1, Y1, W1, 1.0, n_iter)
            tic = time.perf_counter()
            call()
            stepper.append(time.perf_counter() - tic)
            tic = time.perf_counter()
            traj = gd(X1, Y1, W1, eta=1.0, n_iter=n_iter, checkpoints=20)
            driver.append(time.perf_counter() - tic)
            tic = time.perf_counter()
            traj.save(path)
            save.append(time.perf_counter() - tic)
            m = traj.meta
            inside = m["compute_seconds"]
            inrun.append((m["wall_seconds"] - inside - m["compile_seconds"] + save[-1]) / inside)
    s, d, v = (float(np.median(a)) for a in (stepper, driver, save))
    return {
        "n_iter": n_iter,
        "checkpoints": int(traj.t.size),
        "stepper_seconds": stepper,
        "driver_seconds": driver,
        "save_seconds": save,
        "overhead": (d + v - s) / s,
        "in_run_overhead": float(np.median(inrun)),
    }


# ---------------------------------------------------------------- report


def _ratio(workloads: dict[str, dict], name: str, impl: str) -> float:
    res = workloads.get(name, {}).get("results", {})
    if "fastbias" not in res or impl not in res:
        return math.nan
    return res["fastbias"]["ns_per_unit"] / res[impl]["ns_per_unit"]


def _best_c(workloads: dict[str, dict], name: str) -> float:
    ratios = [_ratio(workloads, name, impl) for impl in C_IMPLS]
    ratios = [r for r in ratios if not math.isnan(r)]
    return max(ratios) if ratios else math.nan


def evaluate_targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The targets of the performance issue, judged on this run (NaN: not measured here)."""
    w = {x["name"]: x for x in report["workloads"]}
    out: list[dict[str, Any]] = []

    def target(name: str, value: float, op: str, bound: float, judge: bool = True) -> None:
        met = None if math.isnan(value) or not judge else (value <= bound if op == "<=" else value >= bound)
        out.append({"target": name, "value": value, "op": op, "bound": bound, "met": met})

    target("GD Example 1: fastbias / C (every exp)", _ratio(w, "gd example1", "c"), "<=", 0.6)
    target("GD n=1000 d=50: fastbias / best C", _best_c(w, "gd n=1000 d=50"), "<=", 1.1)
    target("SGD n=3 R=8, 1 thread: fastbias / C per replicate-step",
           _ratio(w, "sgd example1 R=8 (1 thread)", "c"), "<=", 0.7)
    target("SGD n=1000 d=50 R=8, 1 thread: fastbias / best C per replicate-step",
           _best_c(w, "sgd n=1000 d=50 R=8 (1 thread)"), "<=", 1.05)
    # One replicate shares no step sizes: reported against the same bound, not judged.
    target("SGD n=1000 d=50 R=1: fastbias / best C", _best_c(w, "sgd n=1000 d=50"), "<=", 1.05, judge=False)
    for name in w:
        if "jax" in w[name]["results"]:
            target(f"{name}: fastbias / JAX", _ratio(w, name, "jax"), "<=", 1.0)
    target("GD Example 1: NumPy / fastbias", 1.0 / _ratio(w, "gd example1", "numpy"), ">=", 300.0)
    target("SGD Example 1: NumPy / fastbias", 1.0 / _ratio(w, "sgd example1", "numpy"), ">=", 150.0)
    target("SGD Example 1: plain NumPy loop / fastbias", 1.0 / _ratio(w, "sgd example1", "numpy-plain"),
           ">=", 150.0, judge=False)
    grad = w.get("gradient", {}).get("results", {})
    if grad:
        best = min(grad["fastbias"]["ns_per_unit"], grad["fastbias-parallel"]["ns_per_unit"])
        target("gradient: fastbias bandwidth / NumPy X.sum() bandwidth",
               grad["numpy X.sum()"]["ns_per_unit"] / best, ">=", 0.9)
        target("gradient: NumPy two passes / fastbias", grad["numpy"]["ns_per_unit"] / best, ">=", 4.0)
    if "thread_scaling" in report:
        ts = report["thread_scaling"]
        target("SGD R=8: speed-up from 1 to 2 threads", ts["speedup_1_to_2"], ">=", 1.9)
        # What the two cores gave two independent processes in the same minutes: not judged.
        target("machine ceiling: two single-thread processes at once", ts["ceiling"], ">=", 1.9, judge=False)
        target("SGD R=8: speed-up / machine ceiling", ts["speedup_1_to_2"] / ts["ceiling"], ">=", 0.97,
               judge=False)
    if "driver_overhead" in report:
        d = report["driver_overhead"]
        # The target is for 10^8-iteration runs; shorter runs show the fixed costs larger.
        # Judged within each run (drift between separate runs is +-5 % here); the
        # cross-run figure is printed beside it.
        target(f"driver (checkpoints, save) overhead on {d['n_iter']:.0e} GD iterations, within a run",
               d.get("in_run_overhead", d["overhead"]), "<=", 0.03, judge=d["n_iter"] >= 10**8)
    if "compile" in report:
        target("warm cache: import + first gd + first sgd (s)", report["compile"]["warm_total"], "<=", 2.0)
    gd1 = w.get("gd example1", {}).get("results", {}).get("fastbias")
    if gd1:
        target("10^9 GD iterations on Example 1, projected (s)", gd1["ns_per_unit"], "<=", 30.0)
    return out


def _fmt(x: float) -> str:
    if math.isnan(x):
        return "n/a"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def format_report(report: dict[str, Any]) -> str:
    """The report as a plain-text table."""
    lines = [f"fastbias.bench ({'quick' if report['quick'] else 'full'}); "
             f"{report['environment']['cpu_count']} CPUs, numba {report['environment']['numba']} "
             f"({report['environment']['numba_threads']} threads); medians of {report['rounds']} "
             "interleaved runs",
             f"load average (1 min) at start {report['environment']['loadavg_1min_start']:.2f}, at end "
             f"{report['environment']['loadavg_1min_end']:.2f}: above ~0.5 other work shared the cores", ""]
    width = max([38] + [len(f"{wl['name']} [{wl.get('unit', 'iteration')}]") for wl in report["workloads"]])
    header = f"{'workload':<{width}} {'implementation':<18} {'ns/unit':>14} {'fastbias/impl':>14}"
    lines += [header, "-" * len(header)]
    for wl in report["workloads"]:
        unit = wl.get("unit", "iteration")
        for k, (name, res) in enumerate(wl["results"].items()):
            ratio = "" if name == "fastbias" else _fmt(wl["ratios"][f"fastbias/{name}"])
            label = f"{wl['name']} [{unit}]" if k == 0 else ""
            lines.append(f"{label:<{width}} {name:<18} {_fmt(res['ns_per_unit']):>14} {ratio:>14}")
    if "thread_scaling" in report:
        ts = report["thread_scaling"]
        lines += ["", f"thread scaling, {ts['workload']}: 1 -> 2 threads x{ts['speedup_1_to_2']:.2f} "
                  f"(CPU/wall of the 2-thread runs {ts['cpu_per_wall_2_threads']:.2f}; machine ceiling, two "
                  f"single-thread processes at once with R/2 each: x{ts['ceiling']:.2f}; "
                  f"load average before {ts['loadavg_1min_before']:.2f})"]
    if "compile" in report:
        c = report["compile"]
        cold = c["cold"]
        lines += [f"first calls, cold cache: import {cold['import']:.2f} s, gd {cold['first_gd']:.2f} s, "
                  f"sgd {cold['first_sgd']:.2f} s; warm cache: import + gd + sgd {c['warm_total']:.2f} s"]
    if "driver_overhead" in report:
        d = report["driver_overhead"]
        lines += [f"driver overhead (fastbias.gd, {d['checkpoints']} checkpoints, save) on {d['n_iter']:.0e} "
                  f"GD iterations: {100 * d['in_run_overhead']:+.2f} % within a run; "
                  f"{100 * d['overhead']:+.1f} % against separate bare-stepper runs"]
    lines += ["", "targets (issue 6):"]
    for t in report["targets"]:
        mark = {True: "met", False: "MISSED", None: "n/a"}[t["met"]]
        lines.append(f"  [{mark:>6}] {t['target']}: {_fmt(t['value'])} (target {t['op']} {t['bound']:g})")
    for name, why in report["skipped"].items():
        lines.append(f"skipped {name}: {why.splitlines()[0]}")
    return "\n".join(lines)


def run(quick: bool = False, rounds: int | None = None, subprocesses: bool = True,
        progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Measure everything; return the report (see :func:`main` for the JSON layout).

    Parameters
    ----------
    quick : bool
        Shorter runs and a smaller gradient problem (under a minute).
    rounds : int, optional
        Interleaved rounds per workload (default 5).
    subprocesses : bool
        Include thread scaling and compile time (fresh interpreters).
    progress : callable, optional
        Called with the name of each section as it starts.
    """
    import numba

    from fastbias import __version__

    say = progress or (lambda _: None)
    rounds = rounds or 5
    scale = 5 if quick else 1
    base = Baselines()
    report: dict[str, Any] = {
        "version": 1,
        "quick": quick,
        "rounds": rounds,
        "environment": {
            "fastbias": __version__,
            "numba": numba.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "processor": platform.processor(),
            "cpu_count": os.cpu_count(),
            "numba_threads": numba.get_num_threads(),
            "c_compiler": next((lib.command for lib in base.c.values()), None),
            "jax": base.jax.version if base.jax is not None else None,
            "loadavg_1min_start": os.getloadavg()[0],
        },
        "skipped": base.skipped,
        "workloads": [],
    }
    wls = report["workloads"]
    say("gd example1")
    wls.append(_workload("gd example1", _gd_impls(X1, Y1, W1, 10**6 // scale, 10**4 // scale, base),
                         rounds, n=3, d=2))
    Xm, ym, wm = B.planted_problem(1000, 50)
    say("gd n=1000 d=50")
    wls.append(_workload("gd n=1000 d=50", _gd_impls(Xm, ym, wm, 1000 // scale, 1000 // scale, base),
                         rounds, n=1000, d=50))
    say("sgd example1")
    wls.append(_workload("sgd example1", _sgd_impls(X1, Y1, W1, 10**6 // scale, 2 * 10**4 // scale, 1, base),
                         rounds, n=3, d=2, replicates=1))
    say("sgd example1 R=8 (1 thread)")
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        wls.append(_workload("sgd example1 R=8 (1 thread)",
                             _sgd_impls(X1, Y1, W1, 2 * 10**5 // scale, 0, 8, base), rounds,
                             n=3, d=2, replicates=8, unit="replicate-step"))
    finally:
        numba.set_num_threads(threads)
    say("sgd n=1000 d=50 R=8 (1 thread)")
    numba.set_num_threads(1)
    try:
        wls.append(_workload("sgd n=1000 d=50 R=8 (1 thread)",
                             _sgd_impls(Xm, ym, wm, 2 * 10**5 // scale, 0, 8, base), rounds,
                             n=1000, d=50, replicates=8, unit="replicate-step"))
    finally:
        numba.set_num_threads(threads)
    say("sgd n=1000 d=50")
    wls.append(_workload("sgd n=1000 d=50",
                         _sgd_impls(Xm, ym, wm, 10**6 // scale, 2 * 10**4 // scale, 1, base),
                         rounds, n=1000, d=50, replicates=1))
    n_big = 2 * 10**5 if quick else 10**6
    Xb, yb, wb = B.planted_problem(n_big, 50)
    say(f"gradient n={n_big}")
    grad = _workload("gradient", _grad_impls(Xb, yb, wb, base), rounds, n=n_big, d=50, unit="call",
                     bytes=Xb.nbytes)
    for res in grad["results"].values():
        res["GB_per_s"] = Xb.nbytes / (res["ns_per_unit"] * 1e-9) / 1e9
    wls.append(grad)
    del Xb, yb
    say("driver overhead")
    report["driver_overhead"] = driver_overhead(10**6 if quick else 10**8, 3 if quick else rounds)
    if subprocesses:
        say("thread scaling")
        report["thread_scaling"] = thread_scaling(8, 2 * 10**5 if quick else 10**6, 1 if quick else 3,
                                                  3 if quick else rounds)
        say("compile time")
        report["compile"] = compile_times()
    report["environment"]["loadavg_1min_end"] = os.getloadavg()[0]
    report["targets"] = evaluate_targets(report)
    return report


def _plain(obj: Any) -> Any:
    """JSON-ready copy: NumPy scalars to Python, NaN to None."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, (np.integer, np.bool_)):
        return obj.item()
    if isinstance(obj, (float, np.floating)):
        return None if math.isnan(obj) else float(obj)
    return obj


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m fastbias.bench [--quick] [--json PATH] [--rounds N]``.

    The JSON has keys ``version``, ``quick``, ``rounds``, ``environment``,
    ``skipped`` (baseline -> reason), ``workloads`` (each with ``name``,
    ``results``: implementation -> ``ns_per_unit``, ``units_per_call``,
    ``seconds``; and ``ratios``: ``"fastbias/IMPL"`` -> ratio of medians, below
    1 when fastbias is faster), ``driver_overhead``, ``thread_scaling``,
    ``compile`` and ``targets`` (``target``, ``value``, ``op``, ``bound``,
    ``met``).
    """
    parser = argparse.ArgumentParser(prog="python -m fastbias.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs (under a minute)")
    parser.add_argument("--json", metavar="PATH", help="write the full report as JSON")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per workload (default 5)")
    parser.add_argument("--no-subprocess", action="store_true",
                        help="skip thread scaling and compile time (they start fresh interpreters)")
    parser.add_argument("--write-c", metavar="PATH", help="write the C baselines' source to PATH and exit")
    args = parser.parse_args(argv)
    if args.write_c:
        Path(args.write_c).write_text(B.C_SOURCE)
        return 0
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1, got {args.rounds}")
    report = run(quick=args.quick, rounds=args.rounds, subprocesses=not args.no_subprocess,
                 progress=lambda s: print(f"... {s}", file=sys.stderr, flush=True))
    print(format_report(report))
    if args.json:
        Path(args.json).write_text(json.dumps(_plain(report), indent=1, allow_nan=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
