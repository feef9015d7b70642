"""Helpers shared by the asv suite: problems, prepared stepper state, baselines.

asv runs this suite (from the working tree) against builds of older commits, so
everything here depends only on the calling conventions of the compiled
steppers. When a convention differs from what is expected here, ``setup``
raises ``NotImplementedError`` and asv records the benchmark as skipped for
that commit instead of failing.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import inspect
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]

#: Problem sizes of the grid benchmarks.
NS = [3, 100, 10**4, 10**6]
DS = [2, 50]

#: The paper's Example 1 (ReLU, one of three samples active along the run), as
#: ``fastbias.datasets.example1`` has it since x3 moved to (-1, -0.6); fixed
#: here so that the history compares the same work.
EXAMPLE1_X = np.array([[1.0, 0.0], [-0.5, 1.0], [-1.0, -0.6]])
EXAMPLE1_Y = np.array([1.0, 1.0, -1.0])
EXAMPLE1_W0 = np.array([1.0, -0.2])

#: Proposition-2-type data: every positive active from the start, so GD heads
#: for the max-margin direction of the positives.
PROP2_X = np.array([[1.0, 0.4], [0.7, 1.0], [1.5, 0.2], [-1.0, -0.6], [-0.3, -1.2]])
PROP2_Y = np.array([1.0, 1.0, 1.0, -1.0, -1.0])
PROP2_W0 = np.array([0.1, 0.2])
PROP2_ETA = 0.5

def load_baselines() -> ModuleType:
    """The baselines module ``fastbias/_baselines.py`` of the working tree.

    Loaded by path, so that the baselines (the yardstick) stay the same while
    asv benchmarks older builds of fastbias; falls back to the installed
    ``fastbias._baselines``.

    Raises
    ------
    NotImplementedError
        When neither exists (asv: skipped).
    """
    name = "_fastbias_bench_baselines"
    if name in sys.modules:
        return sys.modules[name]
    path = REPO / "fastbias" / "_baselines.py"
    if path.exists():
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    try:
        return importlib.import_module("fastbias._baselines")
    except ImportError:
        raise NotImplementedError("no baselines: fastbias/_baselines.py not found") from None


@functools.lru_cache(maxsize=4)
def problem(n: int, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The planted separable problem of size (n, d) (built once per process)."""
    return load_baselines().planted_problem(n, d, seed=0)


def named_problem(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``"example1"`` or ``"n=N d=D"``."""
    if name == "example1":
        return EXAMPLE1_X, EXAMPLE1_Y, EXAMPLE1_W0
    n, d = (int(part.split("=")[1]) for part in name.split())
    return problem(n, d)


def stepper(name: str) -> Any:
    """A compiled stepper of ``fastbias.loops.steppers``."""
    try:
        steppers = importlib.import_module("fastbias.loops.steppers")
    except ImportError as exc:
        raise NotImplementedError(f"fastbias.loops.steppers: {exc}") from None
    func = getattr(steppers, name, None)
    if func is None:
        raise NotImplementedError(f"fastbias.loops.steppers has no {name}")
    return func


def parameters(func: Any, known: set[str]) -> tuple[str, ...]:
    """Parameter names of ``func``, each checked to be in ``known``.

    The steppers are called with arguments bound by name, which follows their
    conventions through history (the ``model`` switch and ``v`` arrived with
    the network kernels); a parameter unknown here means a convention this
    suite does not know: skipped.
    """
    names = tuple(inspect.signature(getattr(func, "py_func", func)).parameters)
    missing = [name for name in names if name not in known]
    if missing:
        raise NotImplementedError(f"{func.__name__} takes {missing}, unknown to this suite")
    return names


def _neuron() -> int:
    return int(getattr(importlib.import_module("fastbias.loops.steppers"), "NEURON", 0))


class GDRun:
    """Prepared state of R single-neuron ReLU GD runs for ``gd_advance`` / ``gd_advance_parallel``.

    Parameters
    ----------
    X, y, W0 : numpy.ndarray
        Data and the (R, d) starts.
    eta : float
        Step size.
    name : str
        Stepper to call.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, W0: np.ndarray, eta: float, name: str = "gd_advance"):
        self.step = stepper(name)
        self.X, self.y, self.eta = X, y, eta
        self.W0 = np.array(W0, dtype=np.float64, ndmin=2)
        self.reset()
        self.names = parameters(self.step, set(self.state))

    def reset(self) -> None:
        """Back to the starts."""
        R = self.W0.shape[0]
        m = self.W0 @ self.X.T
        self.state = {
            "model": _neuron(), "X": self.X, "y": self.y, "slope": 0.0, "v": np.ones(1), "eta": self.eta,
            "W": self.W0.copy(), "W_prev": self.W0.copy(), "active": m > 0.0,
            "counts": np.zeros((R, 3), dtype=np.int64), "sep": np.all(self.y * m > 0.0, axis=1),
            "status": np.zeros(R, dtype=np.int8), "t_stop": np.full(R, -1, dtype=np.int64), "t0": 0, "t1": 0,
        }

    def advance(self, t0: int, t1: int) -> None:
        """Iterations t0 -> t1."""
        state = self.state
        state["t0"], state["t1"] = t0, t1
        self.step(*[state[name] for name in self.names])

    def check(self) -> None:
        """Raise if a run stopped (a timing of a stopped run would be meaningless)."""
        if np.any(self.state["status"] != 0):
            raise RuntimeError(f"a GD run stopped early: status {self.state['status'].tolist()}")


class SGDRun:
    """Prepared state of R single-neuron ReLU SGD replicates for ``sgd_advance`` (eta_k = (k + 1)^-alpha)."""

    def __init__(self, X: np.ndarray, y: np.ndarray, w0: np.ndarray, replicates: int, alpha: float = 0.6,
                 seed: int = 1):
        self.step = stepper("sgd_advance")
        block = getattr(importlib.import_module("fastbias.loops.steppers"), "SGD_BLOCK", 16384)
        self.X, self.y, self.alpha = X, y, alpha
        self.w0 = np.asarray(w0, dtype=np.float64)
        self.keys = load_baselines().replicate_keys(seed, replicates)
        self.table = np.empty(block)
        self.reset()
        self.names = parameters(self.step, set(self.state))

    def reset(self) -> None:
        """Back to the start."""
        R = self.keys.shape[0]
        W = np.tile(self.w0, (R, 1))
        self.state = {
            "model": _neuron(), "X": self.X, "y": self.y, "slope": 0.0, "v": np.ones(1), "eta0": 1.0,
            "alpha": self.alpha, "keys": self.keys, "W": W, "S": np.zeros_like(W), "C": np.zeros_like(W),
            "status": np.zeros(R, dtype=np.int8), "t_stop": np.full(R, -1, dtype=np.int64),
            "table": self.table, "t0": 0, "t1": 0,
        }

    def advance(self, t0: int, t1: int) -> None:
        """Steps t0 -> t1 of every replicate."""
        state = self.state
        state["t0"], state["t1"] = t0, t1
        self.step(*[state[name] for name in self.names])

    def check(self) -> None:
        """Raise if a replicate stopped."""
        if np.any(self.state["status"] != 0):
            raise RuntimeError(f"an SGD replicate stopped early: status {self.state['status'].tolist()}")


def gd_iterations(n: int, d: int) -> int:
    """GD iterations per timed call: about 10^7 multiply-adds, 3 to 10^5 iterations."""
    return int(min(10**5, max(3, 10**7 // (n * d))))


#: SGD steps per timed call (a step costs O(d), whatever n).
SGD_STEPS = 10**5


def max_margin_direction(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Unit max-margin direction of the positive samples.

    ``fastbias.theory.global_direction`` when it exists; otherwise SciPy's
    SLSQP on min ||w||^2 / 2 subject to w.x_i >= 1 for the positives.
    """
    try:
        from fastbias.theory import global_direction
    except ImportError:
        pass
    else:
        return np.asarray(global_direction(X, y).u, dtype=np.float64)
    from scipy.optimize import minimize

    P = X[y > 0]
    res = minimize(
        lambda w: 0.5 * float(w @ w),
        np.linalg.lstsq(P, np.ones(P.shape[0]), rcond=None)[0],
        jac=lambda w: w,
        constraints=[{"type": "ineq", "fun": lambda w: P @ w - 1.0, "jac": lambda w: P}],
        method="SLSQP",
        options={"ftol": 1e-15, "maxiter": 1000},
    )
    if not res.success:
        raise RuntimeError(f"SLSQP failed: {res.message}")
    return res.x / np.linalg.norm(res.x)
