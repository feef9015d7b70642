"""Rate functions, fits with intervals across replicates, and the sharp asymptotics by running GD."""

from __future__ import annotations

import numpy as np
import pytest

import fastbias as fb
from fastbias.theory import global_direction, linear_direction
from fastbias.theory.rates import fit_rate, loss_ratio, norm_offset, rate

XP = np.array([[1.0, 0.4], [0.7, 1.0], [1.5, 0.2], [-1.0, -0.6], [-0.3, -1.2]])
YP = np.array([1.0, 1.0, 1.0, -1.0, -1.0])


def test_rate_functions():
    t = np.array([10.0, 1e3, 1e6])
    np.testing.assert_allclose(rate("1/ln", t), 1 / np.log(t))
    np.testing.assert_allclose(rate("lnln/ln", t), np.log(np.log(t)) / np.log(t))
    np.testing.assert_allclose(rate("1/sqrt(ln)", t), np.log(t) ** -0.5)
    np.testing.assert_allclose(rate("ln2/t^(1-alpha)", t, 0.6), np.log(t) ** 2 / t**0.4)
    with pytest.raises(fb.InputError, match="rate must be one of"):
        rate("1/t", t)
    with pytest.raises(fb.InputError, match="t > e"):
        rate("1/ln", [1.0, 10.0])


def test_fit_recovers_constant_and_exponent_with_interval():
    rng = np.random.default_rng(0)
    t = np.unique(np.rint(np.logspace(2, 8, 61)))
    # 40 replicates of 3 * (1/ln t)^1.0 with multiplicative noise.
    err = 3.0 * rate("1/ln", t)[:, None] * np.exp(0.02 * rng.normal(size=(t.size, 40)))
    fit = fit_rate(t, err, "1/ln", t_min=100)
    assert fit.exponent_ci[0] < 1.0 < fit.exponent_ci[1]
    assert fit.constant_ci[0] < 3.0 < fit.constant_ci[1]
    assert fit.ratio.shape == (t.size, 40)
    # The wrong rate: its exponent interval excludes 1.
    wrong = fit_rate(t, err, "1/sqrt(ln)", t_min=100)
    assert not (wrong.exponent_ci[0] < 1.0 < wrong.exponent_ci[1])
    single = fit_rate(t, err[:, 0], "1/ln")
    assert np.isnan(single.exponent_ci[0]) and single.exponent == pytest.approx(1.0, abs=0.1)


def test_fit_input_errors():
    t = np.array([100.0, 1000.0, 1e4, 1e5])
    with pytest.raises(fb.InputError, match="err must have shape"):
        fit_rate(t, np.ones(3), "1/ln")
    with pytest.raises(fb.InputError, match="fewer than 3 checkpoints"):
        fit_rate(t, np.ones(4), "1/ln", t_min=1e4)
    with pytest.raises(fb.InputError, match="positive and finite"):
        fit_rate(t, np.array([1.0, 0.0, 1.0, 1.0]), "1/ln")
    with pytest.raises(fb.InputError, match="t_min must be > e"):
        fit_rate(t, np.ones(4), "1/ln", t_min=1)


def test_linear_model_sharp_asymptotics():
    # Two support vectors, both with positive duals: w_t = w^ ln t + w~ + o(1).
    X = np.array([[2.0, 1.0], [1.0, -1.0]])
    y = np.array([1.0, -1.0])
    m = linear_direction(X, y)
    eta = 0.3
    traj = fb.gd(X, y, np.zeros(2), eta=eta, n_iter=10**7, slope=1.0, checkpoints=1)
    late = traj.t >= 10**3
    ratio = loss_ratio(traj.t, traj.loss[:, 0], eta, m.gamma)[late]
    assert np.all(np.diff(ratio) > 0) and np.all(ratio < 1)  # rises toward 1 from below
    assert ratio[-1] > 0.999
    off = norm_offset(traj.t, traj.norm[:, 0], m.gamma)[late]
    steps = np.abs(np.diff(off))
    assert np.all(np.diff(steps) < 0) and steps[-1] < 1e-3  # settles
    fit = fit_rate(traj.t, traj.direction_error(m.u)[:, 0], "1/ln", t_min=10**3)
    assert 0.8 < fit.exponent < 1.5


def test_relu_sharp_asymptotics_on_prop2_data():
    # ReLU in the separable region: the excess over L* = n_-/n plays the role of the loss.
    g = global_direction(XP, YP)
    eta = 0.5
    traj = fb.gd(XP, YP, np.array([0.1, 0.2]), eta=eta, n_iter=10**7, checkpoints=1)
    assert set(traj.region_names()[3:, 0]) == {"separable"}
    late = traj.t >= 10**3
    ratio = loss_ratio(traj.t, traj.excess[:, 0], eta, g.gamma)[late]
    assert np.all(np.diff(ratio) > 0) and np.all(ratio < 1) and ratio[-1] > 0.95
    off = norm_offset(traj.t, traj.norm[:, 0], g.gamma)[late]
    steps = np.abs(np.diff(off))
    assert np.all(np.diff(steps) < 0)  # settling, slowly: the offset w~ is large here
