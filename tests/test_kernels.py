"""Kernels against the NumPy reference, finite differences, and users' own @njit code."""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from fastbias import kernels as K
from tests import reference as ref

SLOPES = st.sampled_from([0.0, 0.3, 1.0]) | st.floats(0.0, 1.0)
EPS = np.finfo(float).eps


@st.composite
def problems(draw, max_n=12, max_d=5, scale=3.0):
    n = draw(st.integers(2, max_n))
    d = draw(st.integers(1, max_d))
    elems = st.floats(-scale, scale, allow_nan=False, allow_subnormal=False)
    X = draw(arrays(np.float64, (n, d), elements=elems))
    w = draw(arrays(np.float64, (d,), elements=elems))
    y = np.array(draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=n, max_size=n)))
    # Rows with w.x exactly 0 and x != 0 (the ReLU kink): x_j = w_k, x_k = -w_j
    # makes the two products cancel exactly.
    if d >= 2 and draw(st.booleans()):
        j, k = draw(st.permutations(range(d)))[:2]
        assume(w[j] != 0.0 or w[k] != 0.0)
        i = draw(st.integers(0, n - 1))
        X[i] = 0.0
        X[i, j], X[i, k] = w[k], -w[j]
        assert ref.margins(w, X[i : i + 1])[0] == 0.0
    return X, y, w, draw(SLOPES)


def _check_close(got, want, scale, factor=64):
    tol = factor * EPS * (np.asarray(scale) + 1e-300)
    assert np.all(np.abs(np.asarray(got) - np.asarray(want)) <= tol), (got, want, tol)


@given(problems(max_d=24))
def test_loss_and_grad_match_reference(p):
    X, y, w, slope = p
    want_loss, want_grad = ref.loss_grad(w, X, y, slope)
    s_loss, s_grad = ref.abs_scale(w, X, y, slope)
    # d-long dot products carry a relative error of ~d eps into each exponent.
    scale_l = s_loss * (1 + np.abs(X).max() * np.abs(w).max() * X.shape[1])
    scale_g = s_grad * (1 + np.abs(X).max() * np.abs(w).max() * X.shape[1])
    out = np.empty_like(w)
    got = K.loss_grad(w, X, y, slope, out)
    _check_close(got, want_loss, scale_l)
    _check_close(out, want_grad, scale_g)
    _check_close(K.loss(w, X, y, slope), want_loss, scale_l)
    out_p = np.empty_like(w)
    got_p = K.loss_grad_parallel(w, X, y, slope, out_p)
    _check_close(got_p, want_loss, scale_l)
    _check_close(out_p, want_grad, scale_g)


@given(problems())
def test_sample_loss_grad_and_margins(p):
    X, y, w, slope = p
    e, g = ref.terms(w, X, y, slope)
    out = np.empty_like(w)
    m = np.empty(X.shape[0])
    K.margins(w, X, m)
    assert np.array_equal(m, ref.margins(w, X))
    for i in range(X.shape[0]):
        got = K.sample_loss_grad(w, X[i], y[i], slope, out)
        scale = e[i] * (1 + abs(m[i]) * X.shape[1])
        _check_close(got, e[i], scale)
        _check_close(out, g[i], np.abs(g[i]) * (1 + abs(m[i]) * X.shape[1]))


def test_exact_kink_is_inactive():
    # w.x = 0 exactly with x != 0: ReLU counts the sample inactive (sigma' = slope).
    X = np.array([[1.0, -1.0], [2.0, 1.0]])
    y = np.array([1.0, -1.0])
    w = np.array([1.0, 1.0])
    assert X[0] @ w == 0.0
    out = np.empty(2)
    L = K.loss_grad(w, X, y, 0.0, out)
    # sample 0 inactive: contributes exactly 1 and no gradient; sample 1 active
    assert L == pytest.approx((1.0 + math.exp(3.0)) / 2, rel=1e-15)
    np.testing.assert_allclose(out, math.exp(3.0) * X[1] / 2, rtol=1e-15)
    L = K.loss_grad(w, X, y, 0.5, out)
    np.testing.assert_allclose(out, (-0.5 * X[0] + math.exp(3.0) * X[1]) / 2, rtol=1e-15)


def test_large_margins_stay_finite_and_exact():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    y = np.array([1.0, 1.0, -1.0])
    w = np.array([700.0, 650.0])
    out = np.empty(2)
    L = K.loss_grad(w, X, y, 0.0, out)
    assert L == (math.exp(-700.0) + math.exp(-650.0) + 1.0) / 3
    # Excess over L* = 1/3 keeps its digits where L - 1/3 would be 0.
    ex = K.excess_loss(w, X, y, 0.0)
    assert L - 1.0 / 3 == 0.0 or abs((L - 1 / 3) - ex) > ex
    assert ex == pytest.approx((math.exp(-700.0) + math.exp(-650.0)) / 3, rel=1e-14)
    # Overflow is reported as inf, not hidden.
    assert K.loss(np.array([-800.0, 0.0]), X, y, 0.0) == math.inf


@given(problems(scale=2.0))
def test_excess_loss_matches_fsum(p):
    X, y, w, slope = p
    want = ref.excess_loss_fsum(w, X, y, slope)
    scale = ref.abs_scale(w, X, y, slope)[0] * (1 + np.abs(X @ w).max() * X.shape[1])
    _check_close(K.excess_loss(w, X, y, slope), want, scale)
    _check_close(K.excess_loss(w, X, y, slope) + ref.inf_loss(y, slope), ref.loss(w, X, y, slope), scale)


def test_excess_loss_keeps_tiny_digits():
    # Active negative with tiny w.x: the excess is ~3e-16, and L - L* loses it.
    X = np.array([[1.0, 0.0], [1e-17, 1.0]])
    y = np.array([1.0, -1.0])
    w = np.array([60.0, 0.0])
    ex = K.excess_loss(w, X, y, 0.0)
    want = (math.exp(-60.0) + math.expm1(60.0 * 1e-17)) / 2
    assert ex == pytest.approx(want, rel=1e-14)
    assert abs((K.loss(w, X, y, 0.0) - 0.5) - want) > 0.05 * want


@given(problems(max_n=8, max_d=4, scale=2.0))
def test_gradient_matches_central_differences(p):
    X, y, w, slope = p
    m = X @ w
    h = 1e-6
    # Differentiable only away from the kink: every |w.x_i| well beyond the probe.
    assume(np.all(np.abs(m) > 1e-3 * (1 + np.abs(X).sum(axis=1))) or slope == 1.0)
    out = np.empty_like(w)
    K.loss_grad(w, X, y, slope, out)
    fd = np.empty_like(w)
    for j in range(w.size):
        e = np.zeros_like(w)
        e[j] = h
        fd[j] = (K.loss(w + e, X, y, slope) - K.loss(w - e, X, y, slope)) / (2 * h)
    scale = ref.abs_scale(w, X, y, slope)[0] * (1 + np.abs(X).max()) ** 3
    np.testing.assert_allclose(out, fd, rtol=0, atol=1e-7 * scale)


def test_parallel_kernel_large_n_agrees(rng):
    X = rng.normal(size=(100_003, 7))
    y = np.where(rng.random(100_003) < 0.5, -1.0, 1.0)
    w = rng.normal(size=7) * 0.1
    a, b = np.empty(7), np.empty(7)
    la = K.loss_grad(w, X, y, 0.0, a)
    lb = K.loss_grad_parallel(w, X, y, 0.0, b)
    assert lb == pytest.approx(la, rel=1e-12)
    np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-14)
    # Deterministic: the same call gives the same bits.
    c = np.empty(7)
    assert K.loss_grad_parallel(w, X, y, 0.0, c) == lb
    assert np.array_equal(b, c)


@numba.njit
def _user_code(w, X, y, slope, out):
    # A user's own jitted function calling every public kernel.
    total = K.loss(w, X, y, slope)
    total += K.loss_grad(w, X, y, slope, out)
    total += K.loss_grad_parallel(w, X, y, slope, out)
    total += K.sample_loss_grad(w, X[0], y[0], slope, out)
    total += K.excess_loss(w, X, y, slope)
    m = np.empty(X.shape[0])
    K.margins(w, X, m)
    total += K.sigma(m[0], slope) + K.dsigma(m[0], slope)
    key = K.replicate_key(7, 3)
    i = K.draw_index(key, 123, X.shape[0])
    return total, i, K.mix64(np.uint64(5))


def test_kernels_callable_from_user_njit():
    X = np.array([[1.0, 0.5], [-0.3, 1.0], [-1.0, -0.2]])
    y = np.array([1.0, 1.0, -1.0])
    w = np.array([0.4, -0.1])
    out = np.empty(2)
    total, i, mixed = _user_code(w, X, y, 0.2, out)
    want = (
        2 * ref.loss(w, X, y, 0.2) + ref.loss(w, X, y, 0.2) + ref.terms(w, X, y, 0.2)[0][0]
        + ref.excess_loss_fsum(w, X, y, 0.2)
        + ref.sigma(np.array(X[0] @ w), 0.2) + ref.dsigma(np.array(X[0] @ w), 0.2)
    )
    assert total == pytest.approx(float(want), rel=1e-13)
    np.testing.assert_allclose(out, ref.terms(w, X, y, 0.2)[1][0], rtol=1e-14)
    assert i == ref.draw_index(ref.replicate_key(7, 3), 123, 3)
    assert int(mixed) == ref.mix64(5)


@given(problems(max_n=10, max_d=4, scale=1.0), st.floats(10.0, 300.0))
def test_large_margins_match_reference(p, factor):
    X, y, w, slope = p
    w = w * factor
    m = ref.margins(w, X)
    assume(np.all(np.abs(m) < 650))  # exp stays finite; terms span ~1e-280..1e280
    want_loss, want_grad = ref.loss_grad(w, X, y, slope)
    s_loss, s_grad = ref.abs_scale(w, X, y, slope)
    amp = 1 + np.abs(X).max() * np.abs(w).max() * X.shape[1]
    out = np.empty_like(w)
    _check_close(K.loss_grad(w, X, y, slope, out), want_loss, s_loss * amp)
    _check_close(out, want_grad, s_grad * amp)
    _check_close(K.excess_loss(w, X, y, slope), ref.excess_loss_fsum(w, X, y, slope), s_loss * amp)


def _grouped_dot(w, x):
    """strided_dot's documented grouping, in plain Python floats (reference for exact equality)."""
    d = len(x)
    if d < 8:
        s = 0.0
        for j in range(d):
            s += float(w[j]) * float(x[j])
        return s
    s = [0.0] * 8
    nb = d // 8
    for j in range(8 * nb):
        s[j % 8] += float(w[j]) * float(x[j])
    for j in range(8 * nb, d):
        s[0] += float(w[j]) * float(x[j])
    return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]))


@given(st.integers(1, 40), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_dot_product_grouping_is_fixed(d, units, seed):
    """row_dot and strided_dot follow their documented grouping bit for bit, for any d, and are
    accurate (the eight partial sums are a reordering, not an approximation)."""
    from fastbias.kernels import neuron as NK

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(3, d)) * rng.choice([1e-3, 1.0, 1e3], size=(3, d))
    w = rng.normal(size=d * units)
    for i in range(3):
        for k in range(units):
            col = w[k::units]
            got = NK.strided_dot(w, k, units, X, i)
            assert got == _grouped_dot(col, X[i])
            exact = math.fsum(float(a) * float(b) for a, b in zip(col, X[i], strict=True))
            assert abs(got - exact) <= 2 * d * EPS * float(np.abs(col) @ np.abs(X[i])) + 1e-300
        if units == 1:
            assert NK.row_dot(w, X, i) == NK.strided_dot(w, 0, 1, X, i)


@given(st.integers(0, 200), st.integers(0, 2**32 - 1), st.sampled_from(["C", "F", "strided"]))
def test_simd_row_dot_is_the_documented_grouping(d, seed, layout):
    """row_dot's explicit <4 x double> code (C-contiguous arrays) and its scalar fallback (other
    layouts) both give strided_dot's grouping bit for bit, also when called from user @njit code."""
    from numba import njit

    from fastbias.kernels import neuron as NK

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(4, d)) * rng.choice([1e-3, 1.0, 1e3], size=(4, d))
    w = rng.normal(size=d)
    X[3] = -0.0  # a row of negative zeros: the sum's zero must come out with the reference's sign
    if layout == "F":
        X = np.asfortranarray(X)
    elif layout == "strided":
        X = np.repeat(X, 2, axis=1)[:, ::2]
        w = np.repeat(w, 2)[::2]

    @njit
    def user_margins(w, X, out):
        for i in range(X.shape[0]):
            out[i] = NK.row_dot(w, X, i)

    out = np.empty(4)
    user_margins(w, X, out)
    for i in range(4):
        want = _grouped_dot(w, X[i])
        assert math.copysign(1.0, out[i]) == math.copysign(1.0, want)
        assert out[i] == want
        assert NK.row_dot(w, X, i) == want
