"""GD: the reference loop, counters, resume invariance, statuses, and the paper's Example 1."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fastbias as fb
from fastbias.datasets import example1
from fastbias.loops import steppers
from fastbias.loops.runs import GDRun
from tests import reference as ref

EX1 = example1()
# Example 2 of the paper: one positive, one negative, 0 < x1.x2 <= ||x2||^2 / 2.
X2 = np.array([[1.0, 0.0], [1.0, 2.0]])
Y2 = np.array([1.0, -1.0])
W2 = np.array([1.0, -1.0])


def _separable(seed, n=12, d=3):
    rng = np.random.default_rng(seed)
    u = rng.normal(size=d)
    X = rng.normal(size=(n, d))
    y = np.where(X @ u > 0, 1.0, -1.0)
    X += 0.5 * y[:, None] * u / np.linalg.norm(u)  # margin at least 0.5 along u
    y[0], y[1] = 1.0, -1.0
    X[0], X[1] = u, -u
    return X, y, 0.1 * rng.normal(size=d)


@pytest.mark.parametrize(
    ("data", "slope", "eta"),
    [
        ((EX1.X, EX1.y, EX1.w0), 0.0, 1.0),
        (_separable(1), 1.0, 0.5),
        (_separable(2), 0.3, 0.5),
        (_separable(3, n=40, d=5), 1.0, 0.2),
    ],
)
def test_gd_equals_numpy_loop(data, slope, eta):
    X, y, w0 = data
    eta = min(eta, 0.9 * 2 / (np.max(np.sum(X**2, axis=1)) * ref.loss(w0, X, y, slope)))
    traj = fb.gd(X, y, w0, eta=eta, n_iter=1000, slope=slope, checkpoints=np.arange(1, 1001))
    want = ref.gd(X, y, w0, eta, 1000, slope)
    assert traj.status[0] == "ok"
    np.testing.assert_allclose(traj.w[:, 0], want, rtol=1e-12, atol=1e-12)
    # away from kinks: the iterates never come within 1e-6 of a kink
    assert np.min(np.abs(want @ X.T)) > 1e-6 or slope == 1.0
    np.testing.assert_allclose(traj.loss[:, 0], [ref.loss(w, X, y, slope) for w in want], rtol=1e-12)


def test_counters_match_recorded_patterns():
    # Every-step checkpoints on Example 2 (the oscillating case): the counters
    # counted inside the loop equal what the recorded masks and regions show.
    n_iter = 3000
    traj = fb.gd(X2, Y2, W2, eta=0.5, n_iter=n_iter, checkpoints=np.arange(1, n_iter + 1))
    act = traj.active()[:, 0]
    want_flips = np.concatenate(([0], np.cumsum(np.sum(act[1:] != act[:-1], axis=1))))
    np.testing.assert_array_equal(traj.flips[:, 0], want_flips)
    regions = [ref.region(w, X2, Y2) for w in traj.w[:, 0]]
    assert list(traj.region_names()[:, 0]) == regions
    sep = np.array([r == "separable" for r in regions])
    entries = np.concatenate(([0], np.cumsum(sep[1:] & ~sep[:-1])))
    exits = np.concatenate(([0], np.cumsum(~sep[1:] & sep[:-1])))
    np.testing.assert_array_equal(traj.sep_entries[:, 0], entries)
    np.testing.assert_array_equal(traj.sep_exits[:, 0], exits)
    assert traj.flips[-1, 0] >= 8  # it does oscillate
    # Sparse checkpoints see the same counters: they are counted at every iteration.
    sparse = fb.gd(X2, Y2, W2, eta=0.5, n_iter=n_iter, checkpoints=3)
    assert sparse.t.size < 20
    idx = np.searchsorted(traj.t, sparse.t)
    for name in ("flips", "sep_entries", "sep_exits", "w"):
        np.testing.assert_array_equal(getattr(sparse, name), getattr(traj, name)[idx])


def test_example2_keeps_flipping_in_every_decade():
    traj = fb.gd(X2, Y2, W2, eta=0.3, n_iter=10**6, checkpoints=1)
    per_decade = np.diff(traj.flips[:, 0])[2:]  # decades 10^2..10^6
    assert np.all(per_decade >= 4), per_decade
    assert traj.sep_exits[-1, 0] >= 10 and traj.sep_entries[-1, 0] >= 10


def _state(X, y, W):
    run = GDRun(X, y, W, eta=0.7, slope=0.0, times=np.array([0, 1]), per_decade=None, parallel=False)
    return {"W": run.W, "W_prev": run.W_prev, "active": run.active, "counts": run.counts, "sep": run.sep,
            "status": run.status, "t_stop": run.t_stop}


def _advance(X, y, slope, eta, s, t0, t1):
    steppers.gd_advance(steppers.NEURON, X, y, slope, np.ones(1), eta, s["W"], s["W_prev"], s["active"],
                        s["counts"], s["sep"], s["status"], s["t_stop"], t0, t1)


@given(st.integers(1, 400), st.data())
def test_split_run_is_bitwise_equal(n, data):
    k = data.draw(st.integers(0, n))
    slope = data.draw(st.sampled_from([0.0, 0.5, 1.0]))
    X, y, W = (X2, Y2, np.stack([W2, [0.3, 0.2]])) if data.draw(st.booleans()) else (
        EX1.X, EX1.y, np.stack([EX1.w0, [-0.2, 0.4], [0.1, -1.0]]))
    whole, split = _state(X, y, W), _state(X, y, W)
    _advance(X, y, slope, 0.7, whole, 0, n)
    _advance(X, y, slope, 0.7, split, 0, k)
    _advance(X, y, slope, 0.7, split, k, n)
    for key in whole:
        assert np.array_equal(whole[key], split[key]), key


def test_chunking_does_not_change_results():
    a = fb.gd(X2, Y2, W2, eta=0.5, n_iter=20000, checkpoints=5)
    b = fb.gd(X2, Y2, W2, eta=0.5, n_iter=20000, checkpoints=5, chunk_seconds=1e-6)
    for name in a.arrays:
        assert np.array_equal(a.arrays[name], b.arrays[name]), name


def test_inits_equal_separate_runs():
    inits = np.array([EX1.w0, [0.5, 0.5], [-0.3, 0.9], [0.2, -0.1]])
    many = fb.gd(EX1.X, EX1.y, inits=inits, eta=1.0, n_iter=5000, checkpoints=4)
    for r, w0 in enumerate(inits):
        one = fb.gd(EX1.X, EX1.y, w0, eta=1.0, n_iter=5000, checkpoints=4)
        for name in many.arrays:
            assert np.array_equal(many.arrays[name][:, r], one.arrays[name][:, 0]), name


def test_example1_converges_to_local_direction():
    X, y, w0 = EX1
    # The paper's conditions and the proof's start.
    assert X[0] @ X[2] < 0 and X[0] @ X[1] < 0
    assert w0 @ X[0] > 0 and w0 @ X[1] < 0 and w0 @ X[2] < 0
    traj = fb.gd(X, y, w0, eta=1.0, n_iter=10**6, checkpoints=1)
    assert np.all(traj.w[:, 0] @ X[1] < 0)  # x2 stays misclassified
    err = traj.direction_error(X[0])[:, 0]
    assert np.all(np.diff(err) < 0)  # falls decade after decade
    assert set(traj.region_names()[:, 0]) == {"local"}
    assert traj.active()[-1, 0].tolist() == [True, False, False]
    # The loss tends to n_-/n + 1/n = 2/3 from above.
    assert 0 < traj.loss[-1, 0] - 2 / 3 < 1e-5
    assert traj.flips[-1, 0] == 0 and traj.sep_entries[-1, 0] == 0


def test_linear_model_converges_to_closed_form_direction():
    # z1 = y1 x1 = (2, 1), z2 = y2 x2 = (-1, 1): both support vectors, Z w = 1 gives w = (0, 1).
    X = np.array([[2.0, 1.0], [1.0, -1.0]])
    y = np.array([1.0, -1.0])
    traj = fb.gd(X, y, np.zeros(2), eta=0.3, n_iter=10**6, slope=1.0, checkpoints=1)
    err = traj.direction_error([0.0, 1.0])[:, 0]
    assert np.all(np.diff(err[2:]) < 0)
    assert err[-1] < 0.1
    # The known 1/ln t rate: err * ln t settles (within 20% over the last three decades).
    late = err[-3:] * np.log(traj.t[-3:])
    assert late.max() / late.min() < 1.2
    assert traj.region_names()[-1, 0] == "separable"


def test_dead_start_and_death_during_run():
    X = np.array([[-1.0, 0.0], [-1.0, 1.0]])
    y = np.array([1.0, -1.0])
    # Every w.x <= 0 at the start: status dead at t = 0, frozen.
    t0 = fb.gd(X, y, np.array([1.0, -2.0]), eta=0.5, n_iter=100, checkpoints=2)
    assert t0.status[0] == "dead" and t0.t_stop[0] == 0
    assert np.all(t0.w[:, 0] == [1.0, -2.0]) and np.all(t0.region_names() == "dead")
    # Only the negative is active; one step pushes w where no sample is active.
    tr = fb.gd(X, y, np.array([0.1, 1.0]), eta=0.5, n_iter=1000, checkpoints=2)
    assert tr.status[0] == "dead" and tr.t_stop[0] == 1
    assert np.all(tr.w[1:, 0] == tr.w[1, 0])
    assert np.all(tr.loss[1:, 0] == 1.0)
    # Leaky ReLU has no dead region.
    leaky = fb.gd(X, y, np.array([0.1, 1.0]), eta=0.5, n_iter=1000, slope=0.1, checkpoints=2)
    assert leaky.status[0] == "ok"


def test_overflow_stops_at_last_finite_iterate():
    X = np.array([[1.0, 0.0], [1.0, 1.0]])
    y = np.array([1.0, -1.0])
    w0 = np.array([1.0, -2.0])
    with pytest.warns(fb.StepSizeWarning, match="eta = 10000 exceeds"):
        traj = fb.gd(X, y, w0, eta=1e4, n_iter=100, checkpoints=np.arange(1, 101))
    assert traj.status[0] == "overflow" and traj.t_stop[0] == 0
    for name, arr in traj.arrays.items():
        if arr.dtype.kind == "f":
            assert np.all(np.isfinite(arr)), name
    # The state kept is w_0 (whose loss is finite); the step to w_1 overflows.
    assert np.all(traj.w[:, 0] == w0)
    w1 = w0 - 1e4 * ref.loss_grad(w0, X, y, 0.0)[1]
    with np.errstate(over="ignore"):
        assert not np.isfinite(ref.loss(w1, X, y, 0.0))
    # Split into chunks differently: the same stop.
    with pytest.warns(fb.StepSizeWarning):
        sparse = fb.gd(X, y, w0, eta=1e4, n_iter=100, checkpoints=1)
    assert sparse.t_stop[0] == 0 and np.all(sparse.w[-1, 0] == w0)


def test_overflow_after_some_steps():
    # Linear model on two coinciding points of opposite labels: w <- w - eta sinh(w)
    # overshoots further each step until exp overflows. The kept state has a finite
    # loss and the next GD step from it does not.
    X = np.array([[1.0], [1.0]])
    y = np.array([1.0, -1.0])
    with pytest.warns(fb.StepSizeWarning):
        traj = fb.gd(X, y, np.array([0.5]), eta=5.0, n_iter=50, slope=1.0, checkpoints=np.arange(1, 51))
    assert traj.status[0] == "overflow" and traj.t_stop[0] >= 2
    stop = traj.t_stop[0]
    want = ref.gd(X, y, np.array([0.5]), 5.0, stop, 1.0)
    np.testing.assert_allclose(traj.w[: stop + 1, 0], want, rtol=1e-14)
    assert np.all(traj.w[stop:, 0] == traj.w[stop, 0])
    for name, arr in traj.arrays.items():
        if arr.dtype.kind == "f":
            assert np.all(np.isfinite(arr)), name
    with np.errstate(over="ignore", invalid="ignore"):
        nxt = want[-1] - 5.0 * ref.loss_grad(want[-1], X, y, 1.0)[1]
        assert not np.isfinite(ref.loss(nxt, X, y, 1.0))


def test_step_size_warning():
    X, y, w0 = EX1
    bound = 2 / (np.max(np.sum(X**2, axis=1)) * ref.loss(w0, X, y, 0.0))
    with pytest.warns(fb.StepSizeWarning, match="smoothness bound"):
        fb.gd(X, y, w0, eta=1.01 * bound, n_iter=10)
    fb.gd(X, y, w0, eta=0.99 * bound, n_iter=10)  # no warning (warnings are errors here)


def test_parallel_gradient_agrees_with_serial(rng):
    n, d = 50_000, 4
    X = rng.normal(size=(n, d))
    u = np.array([1.0, -0.5, 0.2, 0.3])
    y = np.where(X @ u > 0, 1.0, -1.0)
    X += 0.3 * y[:, None] * u
    w0 = 0.05 * rng.normal(size=d)
    eta = 0.9 * 2 / (np.max(np.sum(X**2, axis=1)) * ref.loss(w0, X, y, 0.0))
    a = fb.gd(X, y, w0, eta=eta, n_iter=30, checkpoints=2, parallel=True)
    b = fb.gd(X, y, w0, eta=eta, n_iter=30, checkpoints=2, parallel=False)
    assert a.meta["args"]["parallel"] and not b.meta["args"]["parallel"]
    np.testing.assert_allclose(a.w, b.w, rtol=1e-11, atol=1e-13)
    for name in ("flips", "sep_entries", "sep_exits", "region", "mask"):
        assert np.array_equal(a.arrays[name], b.arrays[name]), name


def _pad(X, W):
    """The same problem with a third, all-zero column: it takes the generic d-dimensional loop."""
    return np.hstack([X, np.zeros((X.shape[0], 1))]), np.hstack([W, np.zeros((W.shape[0], 1))])


@pytest.mark.parametrize(
    "case",
    [
        ("example1", 1.0, 0.0, 200_000),
        ("example2", 0.5, 0.0, 200_000),   # activation flips every decade
        ("example1", 1.0, 0.3, 50_000),    # leaky
        ("dead", 0.5, 0.0, 1000),          # dies at t = 1
        ("overflow", 1e4, 0.0, 100),       # overflows at the first step
        ("overflow-late", 3.0, 1.0, 200),  # overflows after some steps
    ],
    ids=lambda c: c[0] + f"-slope{c[2]}",
)
def test_two_dimensional_loop_equals_the_generic_loop(case):
    """The d = 2 register loop is the generic loop bit for bit: a zero third column changes no
    arithmetic (it adds exact zeros and its weight stays 0), but takes the generic path."""
    name, eta, slope, n_iter = case
    if name in ("example1", "example2"):
        X, y, w0 = getattr(fb.datasets, name)()
        W = np.stack([w0, [0.3, 0.5], [-0.2, 0.9]])
    elif name == "dead":
        X, y, W = np.array([[-1.0, 0.0], [-1.0, 1.0]]), np.array([1.0, -1.0]), np.array([[0.1, 1.0]])
    elif name == "overflow":
        X, y, W = np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([1.0, -1.0]), np.array([[1.0, -2.0]])
    else:
        X, y, W = np.array([[1.0, 0.2], [1.0, 0.2]]), np.array([1.0, -1.0]), np.array([[0.5, 0.1]])
    Xp, Wp = _pad(X, W)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fb.StepSizeWarning)
        a = fb.gd(X, y, inits=W, eta=eta, slope=slope, n_iter=n_iter, checkpoints=5)
        b = fb.gd(Xp, y, inits=Wp, eta=eta, slope=slope, n_iter=n_iter, checkpoints=5)
    assert np.array_equal(a.w, b.w[..., :2]) and np.all(b.w[..., 2] == 0.0)
    for k in ("loss", "excess", "flips", "sep_entries", "sep_exits", "region"):
        assert np.array_equal(a.arrays[k], b.arrays[k]), k
    assert list(a.status) == list(b.status) and np.array_equal(a.t_stop, b.t_stop)
    if name.startswith("overflow"):
        assert set(a.status) == {"overflow"}
    if name == "dead":
        assert set(a.status) == {"dead"}
