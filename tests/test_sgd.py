"""SGD: the pure-Python loop on the same stream, resume invariance, Kahan averages, statuses."""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fastbias as fb
from fastbias.datasets import example1
from fastbias.kernels import draw_index, replicate_key
from fastbias.kernels.neuron import row_dot, row_term
from fastbias.loops import steppers
from fastbias.loops.schedule import step_size
from tests import reference as ref

EX1 = example1()
# Proposition-2-type data: positives pairwise acute, negatives too, across obtuse.
XP = np.array([[1.0, 0.4], [0.7, 1.0], [1.5, 0.2], [-1.0, -0.6], [-0.3, -1.2]])
YP = np.array([1.0, 1.0, 1.0, -1.0, -1.0])


@pytest.mark.parametrize(
    ("X", "y", "w0", "slope", "alpha", "eta0"),
    [
        (EX1.X, EX1.y, EX1.w0, 0.0, 0.6, 1.0),
        (XP, YP, np.array([0.1, 0.2]), 0.0, 0.6, 1.0),
        (XP, YP, np.array([-0.3, 0.2]), 0.25, 0.0, 0.5),
        (XP, YP, np.zeros(2), 1.0, 0.9, 2.0),
    ],
)
def test_sgd_equals_python_loop(X, y, w0, slope, alpha, eta0):
    n_iter, R, seed = 1500, 3, 42
    traj = fb.sgd(X, y, w0, n_iter=n_iter, eta0=eta0, alpha=alpha, replicates=R, seed=seed,
                  slope=slope, checkpoints=np.arange(1, n_iter + 1))
    assert list(traj.status) == ["ok"] * R
    for r in range(R):
        ws, avgs, idx = ref.sgd(X, y, w0, n_iter, eta0, alpha, seed, r, slope)
        np.testing.assert_allclose(traj.w[:, r], ws, rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(traj.wbar[:, r], avgs, rtol=1e-12, atol=1e-13)
        assert len(set(idx.tolist())) == X.shape[0]
    np.testing.assert_allclose(traj.mean_wbar, traj.wbar.mean(axis=1), rtol=1e-15)
    np.testing.assert_allclose(traj.se_wbar, traj.wbar.std(axis=1, ddof=1) / np.sqrt(R), rtol=1e-12)
    np.testing.assert_allclose(traj.loss_wbar, [[ref.loss(v, X, y, slope) for v in row] for row in traj.wbar],
                               rtol=1e-12)


def _state(W, keys):
    R, d = W.shape
    return {"W": W.copy(), "S": np.zeros((R, d)), "C": np.zeros((R, d)),
            "status": np.zeros(R, np.int8), "t_stop": np.full(R, -1, np.int64), "keys": keys}


def _advance(X, y, slope, s, t0, t1, block):
    steppers.sgd_advance(steppers.NEURON, X, y, slope, np.ones(1), 1.0, 0.6, s["keys"], s["W"], s["S"],
                         s["C"], s["status"], s["t_stop"], np.empty(block), t0, t1)


@given(st.integers(1, 3000), st.data())
def test_split_run_is_bitwise_equal(n, data):
    k = data.draw(st.integers(0, n))
    slope = data.draw(st.sampled_from([0.0, 0.3, 1.0]))
    block_a, block_b = data.draw(st.integers(1, 5000)), data.draw(st.integers(1, 5000))
    W = np.tile([0.1, 0.2], (3, 1))
    keys = np.array([replicate_key(7, r) for r in range(3)], dtype=np.uint64)
    whole, split = _state(W, keys), _state(W, keys)
    _advance(XP, YP, slope, whole, 0, n, block_a)
    _advance(XP, YP, slope, split, 0, k, block_b)
    _advance(XP, YP, slope, split, k, n, block_a)
    for key in whole:
        assert np.array_equal(whole[key], split[key]), key


def test_chunking_and_checkpoints_do_not_change_the_state():
    kw = dict(n_iter=200_000, replicates=4, seed=3)
    a = fb.sgd(XP, YP, np.array([0.1, 0.2]), checkpoints=5, **kw)
    b = fb.sgd(XP, YP, np.array([0.1, 0.2]), checkpoints=5, chunk_seconds=1e-6, **kw)
    for name in a.arrays:
        assert np.array_equal(a.arrays[name], b.arrays[name]), name
    c = fb.sgd(XP, YP, np.array([0.1, 0.2]), checkpoints=20, **kw)
    idx = np.searchsorted(c.t, a.t)
    for name in ("w", "wbar", "loss_wbar", "mean_wbar"):
        assert np.array_equal(a.arrays[name], c.arrays[name][idx]), name


@numba.njit
def _iterates(X, y, w0, slope, eta0, alpha, key, n_iter):
    # The same steps as the stepper, storing every iterate (test-local user code).
    d = X.shape[1]
    out = np.empty((n_iter + 1, d))
    w = w0.copy()
    out[0] = w
    for k in range(n_iter):
        i = draw_index(key, k, X.shape[0])
        coef = row_term(row_dot(w, X, i), y[i], slope)[1]
        step = step_size(eta0, alpha, k) * coef
        for c in range(d):
            w[c] -= step * X[i, c]
        out[k + 1] = w
    return out


def test_kahan_average_beats_plain_sum():
    n_iter = 10**6
    w0 = np.array([0.1, 0.2])
    traj = fb.sgd(XP, YP, w0, n_iter=n_iter, seed=5, checkpoints=1)
    ws = _iterates(XP, YP, w0, 0.0, 1.0, 0.6, replicate_key(5, 0), n_iter)
    assert np.array_equal(ws[-1], traj.w[-1, 0])  # the very same iterates
    for c in range(2):
        exact = math.fsum(ws[:-1, c])
        plain = 0.0
        for v in ws[:-1, c].tolist():
            plain += v
        kahan = traj.wbar[-1, 0, c] * n_iter
        err_k, err_p = abs(kahan - exact), abs(plain - exact)
        assert err_k <= 2 * np.spacing(abs(exact)), (err_k, err_p)
        assert err_p > 4 * err_k, (err_k, err_p)


def test_constant_step_is_alpha_zero():
    a = fb.sgd(XP, YP, np.zeros(2), n_iter=500, eta0=0.3, alpha=0.0, checkpoints=np.arange(1, 501))
    ws, _, _ = ref.sgd(XP, YP, np.zeros(2), 500, 0.3, 0.0, 0, 0, 0.0)
    np.testing.assert_allclose(a.w[:, 0], ws, rtol=1e-13, atol=1e-14)


def test_dead_replicates_freeze_and_average_exactly():
    X = np.array([[-1.0, 0.0], [-1.0, 1.0]])
    y = np.array([1.0, -1.0])
    traj = fb.sgd(X, y, np.array([0.1, 1.0]), n_iter=300, eta0=0.5, alpha=0.0, replicates=6, seed=1,
                  checkpoints=np.arange(1, 301))
    assert set(traj.status) == {"dead"}
    for r in range(6):
        ts = traj.t_stop[r]
        ws, avgs, _ = ref.sgd(X, y, np.array([0.1, 1.0]), 300, 0.5, 0.0, 1, r, 0.0)
        # Found dead at the first checkpoint after its last move; frozen from then on.
        assert ref.region(ws[ts], X, y) == "dead" and ref.region(ws[ts - 1], X, y) != "dead"
        np.testing.assert_allclose(traj.w[:, r], ws, rtol=1e-13)
        np.testing.assert_allclose(traj.wbar[:, r], avgs, rtol=1e-12)


def test_overflow_rolls_back_to_last_finite_checkpoint():
    X = np.array([[1.0], [1.0]])
    y = np.array([1.0, -1.0])
    traj = fb.sgd(X, y, np.array([0.5]), n_iter=400, eta0=5.0, alpha=0.0, slope=1.0, replicates=4,
                  checkpoints=np.arange(1, 401))
    assert set(traj.status) == {"overflow"}
    for name, arr in traj.arrays.items():
        if arr.dtype.kind == "f":
            assert np.all(np.isfinite(arr)), name
    for r in range(4):
        ts = traj.t_stop[r]
        ws, avgs, _ = ref.sgd(X, y, np.array([0.5]), ts, 5.0, 0.0, 0, r, 1.0)
        np.testing.assert_allclose(traj.w[ts:, r], np.broadcast_to(ws[-1], traj.w[ts:, r].shape), rtol=1e-14)
        np.testing.assert_allclose(traj.wbar[ts:, r], np.broadcast_to(avgs[-1], traj.w[ts:, r].shape),
                                   rtol=1e-13)


def test_replicate_average_estimates_expectation():
    # E[wbar_t] by 64 replicates: the standard error is what it says (z-scores of disjoint
    # halves agree within a few standard errors).
    traj = fb.sgd(XP, YP, np.array([0.1, 0.2]), n_iter=20_000, replicates=64, seed=9, checkpoints=1)
    a = traj.wbar[-1, :32].mean(axis=0)
    b = traj.wbar[-1, 32:].mean(axis=0)
    se = traj.se_wbar[-1]
    assert np.all(np.abs(a - b) < 6 * se * np.sqrt(2) + 1e-12)
    assert np.all(se > 0)


@pytest.mark.parametrize("slope", [0.0, 0.3])
@pytest.mark.parametrize("dataset", ["example1", "example2", "prop2"])
def test_two_dimensional_loop_equals_the_generic_loop(dataset, slope):
    """The d = 2 register loop is the generic loop bit for bit: a zero third column adds exact zeros
    and keeps weight 0, but takes the generic path. Covers replicates, Kahan sums and the averages."""
    X, y, w0 = getattr(fb.datasets, dataset)()
    Xp, w0p = np.hstack([X, np.zeros((X.shape[0], 1))]), np.append(w0, 0.0)
    a = fb.sgd(X, y, w0, n_iter=100_000, replicates=3, seed=5, slope=slope, checkpoints=5)
    b = fb.sgd(Xp, y, w0p, n_iter=100_000, replicates=3, seed=5, slope=slope, checkpoints=5)
    for k in ("w", "wbar", "mean_wbar"):
        assert np.array_equal(a.arrays[k], b.arrays[k][..., :2]), k
        assert np.all(b.arrays[k][..., 2] == 0.0), k
    assert np.array_equal(a.loss, b.loss) and np.array_equal(a.loss_wbar, b.loss_wbar)


def test_two_dimensional_loop_overflow_keeps_the_last_state():
    # Linear model on two coinciding points of opposite labels: the iterates blow up.
    X = np.array([[1.0, 0.2], [1.0, 0.2]])
    y = np.array([1.0, -1.0])
    Xp = np.hstack([X, np.zeros((2, 1))])
    a = fb.sgd(X, y, np.array([0.5, 0.1]), n_iter=10_000, replicates=4, seed=2, eta0=60.0, alpha=0.0,
               slope=1.0, checkpoints=np.arange(1, 10_001))
    b = fb.sgd(Xp, y, np.array([0.5, 0.1, 0.0]), n_iter=10_000, replicates=4, seed=2, eta0=60.0,
               alpha=0.0, slope=1.0, checkpoints=np.arange(1, 10_001))
    assert "overflow" in set(a.status)
    assert list(a.status) == list(b.status) and np.array_equal(a.t_stop, b.t_stop)
    assert np.array_equal(a.w, b.w[..., :2]) and np.array_equal(a.wbar, b.wbar[..., :2])



@pytest.mark.parametrize("d", [1, 3, 9])
def test_overflow_mid_block_keeps_the_state_before_the_step(d):
    """The neuron stepper updates in one fused pass and, on overflow, replays its block up to the
    overflowing step: one long advance must stop in the state that single-step advances stop in."""
    from fastbias.loops import steppers as S

    rng = np.random.default_rng(d)
    x = rng.uniform(0.5, 1.0, size=d)
    X = np.vstack([x, x])
    y = np.array([1.0, -1.0])
    w0 = 0.1 * x
    R, eta0, seed = 3, 40.0, 4
    keys = np.array([replicate_key(seed, r) for r in range(R)], dtype=np.uint64)

    def fresh():
        return (np.tile(w0, (R, 1)), np.zeros((R, d)), np.zeros((R, d)), np.zeros(R, np.int64),
                np.zeros(R, np.int64))

    def advance(state, t0, t1, table):
        W, Sm, C, status, t_stop = state
        S.sgd_advance(S.NEURON, X, y, 1.0, np.ones(1), eta0, 0.0, keys, W, Sm, C, status, t_stop, table,
                      t0, t1)

    long = fresh()
    advance(long, 0, 3000, np.empty(4096))
    step = fresh()
    for t in range(3000):
        advance(step, t, t + 1, np.empty(1))
    assert np.all(long[3] == S.OVERFLOW) and np.array_equal(long[3], step[3])
    assert np.array_equal(long[4], step[4]) and np.all(long[4] >= 2)  # stops inside the block
    for a, b in zip(long[:3], step[:3], strict=True):
        assert np.array_equal(a, b) and np.all(np.isfinite(a))
    for r in range(R):
        ws, avgs, _ = ref.sgd(X, y, w0, int(long[4][r]), eta0, 0.0, seed, r, 1.0)
        np.testing.assert_allclose(long[0][r], ws[-1], rtol=1e-12)
        np.testing.assert_allclose(long[1][r] / long[4][r], avgs[-1], rtol=1e-12)


@pytest.mark.parametrize("alpha", [0.6, 0.0])
@pytest.mark.parametrize("pad", [0, 1])  # d = 2 register loop, generic loop
@pytest.mark.parametrize("slope", [0.0, 0.3])
def test_replicate_does_not_depend_on_how_many_run_beside_it(alpha, pad, slope):
    """One replicate computes its own step sizes; several share a table: the same bits either way."""
    X, y, w0 = fb.datasets.prop2()
    X, w0 = np.hstack([X, np.zeros((X.shape[0], pad))]), np.append(w0, np.zeros(pad))
    kw = dict(n_iter=50_000, seed=11, slope=slope, alpha=alpha, eta0=0.8, checkpoints=7)
    one = fb.sgd(X, y, w0, replicates=1, **kw)
    four = fb.sgd(X, y, w0, replicates=4, **kw)
    for k in ("w", "wbar", "loss_wbar"):
        assert np.array_equal(one.arrays[k][:, 0], four.arrays[k][:, 0]), k
    assert not np.array_equal(four.w[-1, 0], four.w[-1, 1])  # the replicates do differ
