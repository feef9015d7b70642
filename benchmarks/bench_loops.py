"""GD and SGD: the compiled steppers alone, and the public drivers.

``time_*_advance`` call ``fastbias.loops.steppers.gd_advance`` /
``gd_advance_parallel`` / ``sgd_advance`` directly on prepared state, so they
time the loop and nothing else (``gd_iterations(n, d)`` GD iterations or
``SGD_STEPS`` SGD steps per call; ns per iteration: ``bench_tracks``).
``time_gd`` / ``time_sgd`` call the public ``fastbias.gd`` / ``fastbias.sgd``
(validation, 20 checkpoints per decade with their statistics, the result
object): the whole-driver cost of the same work.
"""

from __future__ import annotations

import warnings

from ._common import (
    DS,
    EXAMPLE1_W0,
    EXAMPLE1_X,
    EXAMPLE1_Y,
    NS,
    SGD_STEPS,
    GDRun,
    SGDRun,
    gd_iterations,
    named_problem,
    problem,
)


class GDStepper:
    """GD with a constant step (eta = 1, ReLU) on the planted problem, stepper only."""

    params = (NS, DS, ["gd_advance", "gd_advance_parallel"])
    param_names = ("n", "d", "stepper")
    number = 1  # the state is mutated; setup resets it before every call
    timeout = 300

    def setup(self, n: int, d: int, stepper: str) -> None:
        if stepper == "gd_advance_parallel" and n < 10**4:
            raise NotImplementedError("the row-parallel stepper is meant for n >= 10^4")
        X, y, w0 = problem(n, d)
        self.run = GDRun(X, y, w0, eta=1.0, name=stepper)
        self.run.advance(0, 0)  # compile, or load from numba's cache
        self.t1 = gd_iterations(n, d)

    def time_gd_advance(self, n: int, d: int, stepper: str) -> None:
        self.run.advance(0, self.t1)


class SGDStepper:
    """SGD (eta_k = (k + 1)^-0.6, ReLU, one replicate) on the planted problem, stepper only."""

    params = (NS, DS)
    param_names = ("n", "d")
    number = 1
    timeout = 300

    def setup(self, n: int, d: int) -> None:
        X, y, w0 = problem(n, d)
        self.run = SGDRun(X, y, w0, replicates=1)
        self.run.advance(0, 0)

    def time_sgd_advance(self, n: int, d: int) -> None:
        self.run.advance(0, SGD_STEPS)


class SGDReplicates:
    """SGD with R independent replicates (parallel over replicates), 2 * 10^4 steps each."""

    params = ([1, 2, 8, 64], ["example1", "n=1000 d=50"])
    param_names = ("replicates", "problem")
    number = 1
    timeout = 300
    steps = 2 * 10**4

    def setup(self, replicates: int, problem: str) -> None:
        X, y, w0 = named_problem(problem)
        self.run = SGDRun(X, y, w0, replicates=replicates)
        self.run.advance(0, 0)

    def time_sgd_advance(self, replicates: int, problem: str) -> None:
        self.run.advance(0, self.steps)


def _quiet_step_size_warning() -> None:
    # Small-d planted problems exceed the local smoothness bound at eta = 1 for
    # a few rows; the warning is expected here.
    try:
        from fastbias.errors import StepSizeWarning
    except ImportError:
        return
    warnings.simplefilter("ignore", StepSizeWarning)


class GDDriver:
    """The public ``fastbias.gd`` (20 checkpoints per decade), ``gd_iterations(n, d)`` iterations."""

    params = (NS, DS)
    param_names = ("n", "d")
    number = 1
    timeout = 300

    def setup(self, n: int, d: int) -> None:
        import fastbias

        _quiet_step_size_warning()
        self.gd = fastbias.gd
        self.X, self.y, self.w0 = problem(n, d)
        self.n_iter = gd_iterations(n, d)
        self.gd(self.X, self.y, self.w0, eta=1.0, n_iter=1)

    def time_gd(self, n: int, d: int) -> None:
        self.gd(self.X, self.y, self.w0, eta=1.0, n_iter=self.n_iter)


class SGDDriver:
    """The public ``fastbias.sgd`` (20 checkpoints per decade, one replicate), ``SGD_STEPS`` steps."""

    params = (NS, DS)
    param_names = ("n", "d")
    number = 1
    timeout = 300

    def setup(self, n: int, d: int) -> None:
        if n > 10**4:
            raise NotImplementedError("checkpoint statistics of w and wbar over 10^6 rows at ~100 "
                                      "checkpoints take ~10 s per call; SGDStepper covers this size")
        import fastbias

        self.sgd = fastbias.sgd
        self.X, self.y, self.w0 = problem(n, d)
        self.sgd(self.X, self.y, self.w0, n_iter=1)

    def time_sgd(self, n: int, d: int) -> None:
        self.sgd(self.X, self.y, self.w0, n_iter=SGD_STEPS, alpha=0.6)


class GDMemory:
    """Peak memory of ``fastbias.gd`` on Example 1 (20 checkpoints per decade): flat in n_iter."""

    params = ([10**5, 10**7],)
    param_names = ("n_iter",)
    timeout = 300

    def setup(self, n_iter: int) -> None:
        import fastbias

        self.gd = fastbias.gd
        self.gd(EXAMPLE1_X, EXAMPLE1_Y, EXAMPLE1_W0, eta=1.0, n_iter=1)

    def peakmem_gd(self, n_iter: int) -> None:
        self.gd(EXAMPLE1_X, EXAMPLE1_Y, EXAMPLE1_W0, eta=1.0, n_iter=n_iter, checkpoints=20)


class NetworkDriver:
    """``fastbias.gd`` / ``fastbias.sgd`` with ``model=Network(v)`` on the clusters set (K = 3, n = 15)."""

    params = (["gd", "sgd"],)
    param_names = ("algorithm",)
    number = 1
    timeout = 300

    def setup(self, algorithm: str) -> None:
        import fastbias

        try:
            from fastbias.datasets import CLUSTERS_V, clusters
        except ImportError:
            raise NotImplementedError("no network model in this version") from None
        self.X, self.y, self.W0 = clusters()
        self.model = fastbias.Network(CLUSTERS_V)
        self.run = fastbias.gd if algorithm == "gd" else fastbias.sgd
        self.kw = {"eta": 0.15} if algorithm == "gd" else {"replicates": 1}
        self.run(self.X, self.y, self.W0, n_iter=10, model=self.model, **self.kw)

    def time_network(self, algorithm: str) -> None:
        self.run(self.X, self.y, self.W0, n_iter=10**5, model=self.model, **self.kw)
