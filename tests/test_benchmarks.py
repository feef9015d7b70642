"""Micro-benchmarks of fastbias beside its baselines (NumPy, C, JAX), one group per workload.

By default (``--benchmark-disable`` in pytest's addopts) every benchmark runs
once as an ordinary test; ``python -m pytest tests/test_benchmarks.py
--benchmark-enable`` times them. Either way each test asserts that the
implementation's result equals fastbias' (so the baselines cannot rot). C
tests skip when there is no compiler, JAX tests when JAX is not installed.
Timings are never asserted: the machines are shared and noisy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from fastbias import _baselines as B
from fastbias.bench import bind, gd_state, sgd_state
from fastbias.datasets import example1
from fastbias.kernels import loss_grad, loss_grad_parallel
from fastbias.loops.steppers import gd_advance, sgd_advance

IMPLS = ["fastbias", "numpy", "c", "c-fastmath", "jax"]
C_VARIANT = {"c": "O3", "c-fastmath": "fastmath", "c-openmp": "openmp"}

X1, Y1, W1 = example1()

RTOL = 1e-10


def c_lib(impl: str) -> B.CBaselines:
    try:
        return B.load_c(C_VARIANT[impl])
    except B.BaselineUnavailable as exc:
        pytest.skip(str(exc))


def jax_lib() -> B.JaxBaselines:
    try:
        return B.load_jax()
    except B.BaselineUnavailable as exc:
        pytest.skip(str(exc))


def measure(benchmark: Any, target: Callable, make_args: Callable[[], tuple]) -> Any:
    """Time ``target(*make_args())`` with fresh arguments every round; return its result.

    Disabled benchmarks make one call. Enabled ones warm up (compilation,
    caches), then run enough rounds for about a second (5 to 500).
    """
    setup = lambda: (make_args(), {})  # noqa: E731
    if benchmark.disabled:
        return benchmark.pedantic(target, setup=setup)
    target(*make_args())
    tic = time.perf_counter()
    target(*make_args())
    once = time.perf_counter() - tic
    rounds = int(np.clip(1.0 / max(once, 1e-9), 5, 500))
    return benchmark.pedantic(target, setup=setup, rounds=rounds, warmup_rounds=1)


def assert_close(got: np.ndarray, want: np.ndarray, rtol: float = RTOL) -> None:
    """Equal up to ``rtol`` relative to the largest entry of ``want``."""
    got, want = np.asarray(got), np.asarray(want)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * float(np.max(np.abs(want))))


# ---------------------------------------------------------------- fastbias runners


def fastbias_gd(X: np.ndarray, y: np.ndarray, w0: np.ndarray, n_iter: int) -> tuple[Callable, Callable]:
    def make_args() -> tuple:
        state = gd_state(X, y, w0, 1.0, n_iter)
        return state, bind(gd_advance, state)

    def target(state: dict, args: tuple) -> np.ndarray:
        gd_advance(*args)
        assert state["status"][0] == 0, "the GD run stopped early"
        return state["W"][0]

    return target, make_args


def fastbias_sgd(
    X: np.ndarray, y: np.ndarray, w0: np.ndarray, n_iter: int, replicates: int
) -> tuple[Callable, Callable]:
    def make_args() -> tuple:
        state = sgd_state(X, y, w0, n_iter, replicates)
        return state, bind(sgd_advance, state)

    def target(state: dict, args: tuple) -> tuple[np.ndarray, np.ndarray]:
        sgd_advance(*args)
        assert np.all(state["status"] == 0), "an SGD replicate stopped early"
        return state["W"], state["S"] - state["C"]

    return target, make_args


# ---------------------------------------------------------------- GD


def gd_case(benchmark: Any, impl: str, X: np.ndarray, y: np.ndarray, w0: np.ndarray, n_iter: int) -> None:
    if impl == "fastbias":
        target, make_args = fastbias_gd(X, y, w0, n_iter)
    elif impl == "numpy":
        target, make_args = (lambda: B.numpy_gd(X, y, w0, 1.0, n_iter)), tuple
    elif impl == "jax":
        J = jax_lib()
        Xj, yj = J.device(X), J.device(y)
        target, make_args = (lambda: J.gd(Xj, yj, w0, 1.0, n_iter)), tuple
    else:
        lib = c_lib(impl)
        target, make_args = (lambda: lib.gd(X, y, w0, 1.0, n_iter)), tuple
    benchmark.extra_info.update(iterations=n_iter, n=X.shape[0], d=X.shape[1])
    got = measure(benchmark, target, make_args)
    ref_target, ref_args = fastbias_gd(X, y, w0, n_iter)
    assert_close(got, ref_target(*ref_args()))


@pytest.mark.benchmark(group="gd n=3 d=2 ReLU (Example 1), 10^4 iterations")
@pytest.mark.parametrize("impl", IMPLS)
def test_gd_example1(benchmark: Any, impl: str) -> None:
    gd_case(benchmark, impl, X1, Y1, W1, 10**4)


@pytest.mark.benchmark(group="gd n=1000 d=50, 200 iterations")
@pytest.mark.parametrize("impl", IMPLS)
def test_gd_n1000_d50(benchmark: Any, impl: str) -> None:
    X, y, w0 = B.planted_problem(1000, 50)
    gd_case(benchmark, impl, X, y, w0, 200)


# ---------------------------------------------------------------- SGD


def sgd_case(benchmark: Any, impl: str, X: np.ndarray, y: np.ndarray, w0: np.ndarray, n_iter: int,
             replicates: int = 1) -> None:
    keys = B.replicate_keys(1, replicates)
    W0 = np.tile(w0, (replicates, 1))
    if impl == "fastbias":
        target, make_args = fastbias_sgd(X, y, w0, n_iter, replicates)
    elif impl == "numpy":
        def target() -> tuple[np.ndarray, np.ndarray]:
            out = [B.numpy_sgd(X, y, w0, n_iter, 1.0, 0.6, int(k)) for k in keys]
            return np.array([w for w, _ in out]), np.array([s for _, s in out])

        make_args = tuple
    elif impl == "jax":
        J = jax_lib()
        Xj, yj = J.device(X), J.device(y)

        def target() -> tuple[np.ndarray, np.ndarray]:
            out = [J.sgd(Xj, yj, w0, n_iter, 1.0, 0.6, int(k)) for k in keys]
            return np.array([w for w, _ in out]), np.array([s for _, s in out])

        make_args = tuple
    else:
        lib = c_lib(impl)
        target, make_args = (lambda: lib.sgd(X, y, W0, n_iter, 1.0, 0.6, keys)), tuple
    benchmark.extra_info.update(steps=n_iter, replicates=replicates, n=X.shape[0], d=X.shape[1])
    W, S = measure(benchmark, target, make_args)
    ref_target, ref_args = fastbias_sgd(X, y, w0, n_iter, replicates)
    W_ref, S_ref = ref_target(*ref_args())
    assert_close(W, W_ref)
    assert_close(S, S_ref)  # plain sums against fastbias' compensated ones


@pytest.mark.benchmark(group="sgd n=1000 d=50 alpha=0.6, 2*10^4 steps")
@pytest.mark.parametrize("impl", IMPLS)
def test_sgd_n1000_d50(benchmark: Any, impl: str) -> None:
    X, y, w0 = B.planted_problem(1000, 50)
    sgd_case(benchmark, impl, X, y, w0, 2 * 10**4)


@pytest.mark.benchmark(group="sgd n=3 d=2 alpha=0.6 (Example 1), 2*10^4 steps")
@pytest.mark.parametrize("impl", IMPLS)
def test_sgd_example1(benchmark: Any, impl: str) -> None:
    sgd_case(benchmark, impl, X1, Y1, W1, 2 * 10**4)


@pytest.mark.benchmark(group="sgd n=3 d=2 alpha=0.6 (Example 1), R=8 replicates x 2*10^4 steps")
@pytest.mark.parametrize("impl", ["fastbias", "c", "c-fastmath"])
def test_sgd_example1_r8(benchmark: Any, impl: str) -> None:
    sgd_case(benchmark, impl, X1, Y1, W1, 2 * 10**4, replicates=8)


# ---------------------------------------------------------------- one gradient


@pytest.fixture(scope="module")
def big_problem(request: pytest.FixtureRequest) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n = 10^6, d = 50 (400 MB) when benchmarks are enabled, n = 10^5 otherwise."""
    opt = request.config.getoption
    disabled = opt("benchmark_disable") and not opt("benchmark_enable")
    return B.planted_problem(10**5 if disabled else 10**6, 50)


GRAD_IMPLS = ["fastbias", "fastbias-parallel", "numpy", "c", "c-fastmath", "c-openmp", "jax"]


@pytest.mark.benchmark(group="one gradient n=10^6 d=50 (10^5 when benchmarks are disabled)")
@pytest.mark.parametrize("impl", GRAD_IMPLS)
def test_loss_grad_large(benchmark: Any, impl: str, big_problem: tuple) -> None:
    X, y, w = big_problem
    out = np.empty(X.shape[1])
    if impl == "fastbias":
        target = lambda: (loss_grad(w, X, y, 0.0, out), out)  # noqa: E731
    elif impl == "fastbias-parallel":
        target = lambda: (loss_grad_parallel(w, X, y, 0.0, out), out)  # noqa: E731
    elif impl == "numpy":
        target = lambda: B.numpy_loss_grad(w, X, y)  # noqa: E731
    elif impl == "jax":
        J = jax_lib()
        Xj, yj = J.device(X), J.device(y)
        target = lambda: J.loss_grad(w, Xj, yj)  # noqa: E731
    else:
        lib = c_lib(impl)
        target = lib.loss_grad_parallel if impl == "c-openmp" else lib.loss_grad
        target = (lambda f=target: f(w, X, y))  # noqa: E731
    benchmark.extra_info.update(n=X.shape[0], d=X.shape[1], bytes=X.nbytes)
    loss, grad = measure(benchmark, target, tuple)
    ref = np.empty(X.shape[1])
    ref_loss = loss_grad(w, X, y, 0.0, ref)
    # Summation orders differ (blocks, threads, BLAS): compare on the scale of
    # the summed magnitudes, which is ~1 per term here.
    assert abs(loss - ref_loss) <= RTOL * max(abs(ref_loss), 1.0)
    scale = float(np.abs(X).mean(axis=0).max())
    np.testing.assert_allclose(grad, ref, rtol=0, atol=RTOL * scale)


def test_loading_the_fast_math_baseline_keeps_subnormals():
    # A -ffast-math shared library linked with crtfastmath.o sets flush-to-zero for the
    # whole process on load, which would silently change every later computation.
    from fastbias import _baselines

    try:
        _baselines.load_c("fastmath")
    except _baselines.BaselineUnavailable as exc:
        pytest.skip(str(exc))
    tiny = np.float64(1e-308)
    assert tiny / np.float64(1e10) != 0.0  # a subnormal result survives


@pytest.mark.parametrize("size", ["example1", "planted"])
def test_plain_numpy_sgd_computes_the_same_run(size: str) -> None:
    """The plain NumPy SGD loop (reported for scale in ``fastbias bench``) is the same run as
    fastbias' and the tuned NumPy loop's: same stream, same step sizes, same iterates."""
    X, y, w0 = (X1, Y1, W1) if size == "example1" else B.planted_problem(200, 7)
    n_iter = 3000
    key = int(B.replicate_keys(1, 1)[0])
    w, s = B.numpy_sgd_plain(X, y, w0, n_iter, 1.0, 0.6, key)
    w_tuned, s_tuned = B.numpy_sgd(X, y, w0, n_iter, 1.0, 0.6, key)
    ref_target, ref_args = fastbias_sgd(X, y, w0, n_iter, 1)
    W_ref, S_ref = ref_target(*ref_args())
    assert_close(w, W_ref[0])
    assert_close(s, S_ref[0])
    assert_close(w, w_tuned)
    assert_close(s, s_tuned)
