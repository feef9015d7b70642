"""Kernels called from Python: ``loss_grad`` (serial and row-parallel) and ``sample_loss_grad``.

asv re-runs ``setup`` before every timed call, so calls that take well under a
millisecond are batched by hand: a timed call of ``time_loss_grad`` makes
``CALLS_SMALL`` kernel calls when n <= 100 and one call otherwise, and
``time_sample_loss_grad`` always makes ``CALLS_SMALL``. Divide by that number for
the time of one call (which includes numba's dispatch, a few hundred ns).
"""

from __future__ import annotations

import importlib

import numpy as np

from ._common import DS, NS, problem

#: Kernel calls per timed call for the small problems.
CALLS_SMALL = 1000


def _kernel(name: str):
    try:
        return getattr(importlib.import_module("fastbias.kernels"), name)
    except (ImportError, AttributeError):
        raise NotImplementedError(f"fastbias.kernels.{name} does not exist in this version") from None


class LossGrad:
    """Mean loss and gradient of the single neuron (ReLU) at the planted start."""

    params = (NS, DS, ["serial", "parallel"])
    param_names = ("n", "d", "kernel")
    timeout = 300

    def setup(self, n: int, d: int, kernel: str) -> None:
        self.func = _kernel("loss_grad" if kernel == "serial" else "loss_grad_parallel")
        X, y, w0 = problem(n, d)
        self.args = (w0, X, y, 0.0, np.empty(d))
        self.calls = CALLS_SMALL if n <= 100 else 1
        self.func(*self.args)  # compile, or load from numba's cache

    def time_loss_grad(self, n: int, d: int, kernel: str) -> None:
        func, args = self.func, self.args
        for _ in range(self.calls):
            func(*args)


class SampleLossGrad:
    """Loss and gradient of one sample (the SGD step's kernel), ``CALLS_SMALL`` calls."""

    params = (DS,)
    param_names = ("d",)

    def setup(self, d: int) -> None:
        self.func = _kernel("sample_loss_grad")
        X, y, w0 = problem(100, d)
        self.args = (w0, X[0].copy(), float(y[0]), 0.0, np.empty(d))
        self.func(*self.args)

    def time_sample_loss_grad(self, d: int) -> None:
        func, args = self.func, self.args
        for _ in range(CALLS_SMALL):
            func(*args)


def _network_problem(n: int, d: int, K: int) -> tuple:
    """Planted data, a (d, K) start of small random units and output weights of both signs."""
    X, y, _ = problem(n, d)
    rng = np.random.default_rng(7)
    W = np.ascontiguousarray(0.1 * rng.standard_normal((d, K)))
    v = np.where(np.arange(K) % 2 == 0, 1.0, -1.0)
    return X, y, W, v


class NetLossGrad:
    """Loss and gradient of a one-hidden-layer network (ReLU), serial and row-parallel kernels."""

    params = ([100, 10**4], DS, [3, 64], ["serial", "parallel"])
    param_names = ("n", "d", "K", "kernel")
    timeout = 300

    def setup(self, n: int, d: int, K: int, kernel: str) -> None:
        self.func = _kernel("net_loss_grad" if kernel == "serial" else "net_loss_grad_parallel")
        X, y, W, v = _network_problem(n, d, K)
        self.args = (W, v, X, y, 0.0, np.empty_like(W))
        self.calls = CALLS_SMALL if n <= 100 else 1
        self.func(*self.args)

    def time_net_loss_grad(self, n: int, d: int, K: int, kernel: str) -> None:
        func, args = self.func, self.args
        for _ in range(self.calls):
            func(*args)
