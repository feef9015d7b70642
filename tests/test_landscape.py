"""Theorem 4.1 regions, Theorem 4.2 predictions and outcomes, checked by running GD."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import fastbias as fb
from fastbias.datasets import example1
from fastbias.theory import constrained_direction, leaky_direction, linear_direction, local_direction
from fastbias.theory.landscape import check_local, in_local_region, outcome, predict, region
from tests import reference as ref

EX1 = example1()
X2 = np.array([[1.0, 0.0], [1.0, 2.0]])
Y2 = np.array([1.0, -1.0])
W2 = np.array([1.0, -1.0])


@given(arrays(np.float64, (2,), elements=st.floats(-3, 3, allow_subnormal=False)))
def test_region_matches_reference_and_limits(w):
    X, y, _ = EX1
    got = region(w, X, y)
    assert got.kind == ref.region(w, X, y)
    active_pos = (ref.margins(w, X) > 0) & (y > 0)
    assert got.j_plus.tolist() == np.flatnonzero(active_pos).tolist()
    # The limit of L(alpha w) as alpha grows, measured.
    n_neg, n = np.sum(y < 0), y.size
    want = {"separable": n_neg / n, "local": (n_neg + 2 - active_pos.sum()) / n, "dead": 1.0,
            "negative-active": np.inf}[got.kind]
    assert got.limit == pytest.approx(want)
    if got.kind != "negative-active" and np.any(w):
        u = w / np.abs(w).max()
        u = 1e4 * u / np.linalg.norm(u)
        m = ref.margins(u, X)
        if np.all((m == 0) | (np.abs(m) > 50)):  # far enough along u for the limit
            assert ref.loss(u, X, y, 0.0) == pytest.approx(got.limit, abs=1e-12)


def test_tie_rule_counts_zero_as_inactive():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    y = np.array([1.0, 1.0, -1.0])
    r = region([1.0, 0.0], X, y)  # x2 sits exactly at w.x = 0
    assert r.kind == "local" and r.j_plus.tolist() == [0] and r.limit == pytest.approx(2 / 3)
    assert region([0.0, 0.0], X, y).kind == "dead"
    assert in_local_region([1.0, 0.0], X, y, [0])
    assert not in_local_region([1.0, 0.1], X, y, [0])


def test_example1_predictions():
    X, y, _ = EX1
    p = predict(X, y)
    assert p.global_verdict == "admitted" and p.enumerated
    assert p.admits("local", [0]) == "admitted"
    assert p.admits("local", [1]) == "admitted"
    assert p.admits("stuck") == "admitted" and p.admits("oscillating") == "undecided"
    chk = check_local(X, y, [0])
    np.testing.assert_allclose(chk.direction, [1.0, 0.0], atol=1e-12)


def test_example1_outcome_is_local():
    X, y, w0 = EX1
    traj = fb.gd(X, y, w0, eta=1.0, n_iter=10**7, checkpoints=4)
    o = outcome(traj, X, y)
    assert o.kind == "local" and o.j_plus.tolist() == [0]
    assert o.nearest == "local" and o.converging
    assert np.all(o.flips_per_decade == 0)
    # loss -> n_-/n + (n_+ - |J+|)/n = 2/3, the region's limit
    assert traj.loss[-1, 0] == pytest.approx(region(traj.w[-1, 0], X, y).limit, abs=1e-6)


def test_example2_oscillates_but_converges_to_constrained_direction():
    p = predict(X2, Y2)
    assert p.global_verdict == "excluded" and p.admits("oscillating") == "admitted"
    traj = fb.gd(X2, Y2, W2, eta=0.3, n_iter=10**7, checkpoints=20)
    o = outcome(traj, X2, Y2)
    assert o.kind == "oscillating"
    assert np.all(o.flips_per_decade[2:] > 0)  # flips continue in every late decade
    assert o.nearest == "constrained" and o.converging
    u = constrained_direction(X2, Y2).u
    np.testing.assert_allclose(u, np.array([2.0, -1.0]) / np.sqrt(5), atol=1e-12)
    # The envelope of the error (its maximum over each decade) falls decade after decade.
    err = traj.direction_error(u)[:, 0]
    env = [err[(traj.t >= 10**k) & (traj.t < 10 ** (k + 1))].max() for k in range(1, 7)]
    assert np.all(np.diff(env) < 0), env
    # w hovers at the boundary w.x2 = 0: |w.x2| stays bounded while ||w|| grows.
    late = traj.t >= 10**3
    assert np.max(np.abs(traj.w[late, 0] @ X2[1])) < 1.0
    assert traj.norm[-1, 0] > 2 * traj.norm[np.flatnonzero(late)[0], 0]


def test_stuck_start():
    X, y, _ = EX1
    w0 = np.zeros(2)  # x1, x2, x3 positively span the plane: the dead region is {0}
    assert region(w0, X, y).kind == "dead"
    traj = fb.gd(X, y, w0, eta=1.0, n_iter=1000, checkpoints=1)
    assert outcome(traj, X, y).kind == "stuck"


@pytest.mark.parametrize("slope", [0.3, 1.0])
def test_leaky_and_linear_go_to_their_directions(slope):
    X = np.array([[1.0, 0.4], [0.7, 1.0], [1.5, 0.2], [-1.0, -0.6], [-0.3, -1.2], [0.2, -1.0]])
    y = np.array([1.0, 1.0, 1.0, -1.0, -1.0, -1.0])
    target = leaky_direction(X, y, slope).u if slope < 1 else linear_direction(X, y).u
    if slope == 1.0:
        np.testing.assert_allclose(target, leaky_direction(X, y, 1.0).u, atol=1e-10)
    traj = fb.gd(X, y, np.zeros(2), eta=0.2, n_iter=10**6, slope=slope, checkpoints=1)
    err = traj.direction_error(target)[:, 0]
    assert np.all(np.diff(err[3:]) < 0), err
    others = [linear_direction(X, y).u if slope < 1 else leaky_direction(X, y, 0.3).u]
    assert err[-1] < min(traj.direction_error(u)[-1, 0] for u in others)
    assert traj.region_names()[-1, 0] == "separable"


def test_random_starts_only_show_admitted_outcomes():
    X, y, _ = EX1
    p = predict(X, y)
    rng = np.random.default_rng(11)
    inits = rng.normal(size=(200, 2))
    with warnings.catch_warnings():
        # Some random starts have a large loss, hence a small local step bound.
        warnings.simplefilter("ignore", fb.StepSizeWarning)
        traj = fb.gd(X, y, inits=inits, eta=0.5, n_iter=10**5, checkpoints=2)
    seen = {}
    for r in range(200):
        o = outcome(traj, X, y, replicate=r)
        key = (o.kind, tuple(o.j_plus.tolist()) if o.kind == "local" else ())
        seen[key] = seen.get(key, 0) + 1
        theorem_kinds = ("global", "local", "stuck", "oscillating")
        verdict = p.admits(o.kind, o.j_plus) if o.kind in theorem_kinds else "undecided"
        assert verdict != "excluded", (r, o)
    # The data admit several outcomes, and random starts do show more than one.
    assert len(seen) >= 2, seen


def test_check_local_excluded_and_input_errors():
    X = np.array([[1.0, 0.0], [1.0, 0.2], [-1.0, 0.0]])
    y = np.array([1.0, 1.0, -1.0])
    # w_{x1} = (1, 0) activates x2 too: excluded.
    assert check_local(X, y, [0]).verdict == "excluded"
    np.testing.assert_allclose(local_direction(X, [0]).u, [1.0, 0.0])
    with pytest.raises(fb.InputError, match="J must select positive samples only"):
        check_local(X, y, [2])
    with pytest.raises(fb.InputError, match="J must be a non-empty"):
        check_local(X, y, [])
    with pytest.raises(fb.InputError, match="J has an index outside"):
        check_local(X, y, [5])
    with pytest.raises(fb.InputError, match="kind must be"):
        predict(X, y).admits("sideways")
    sgd = fb.sgd(X, y, np.array([0.1, 0.1]), n_iter=10)
    with pytest.raises(fb.InputError, match="traj must be a GD trajectory"):
        outcome(sgd, X, y)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_prop2_data_go_to_the_global_direction(seed):
    from fastbias.datasets import prop2
    from fastbias.theory import global_direction

    X, y, w0 = prop2(10, 3, seed)
    p = predict(X, y)
    assert p.admits("global") == "admitted"
    eta = 0.9 * 2 / (np.max(np.sum(X**2, axis=1)) * ref.loss(w0, X, y, 0.0))
    traj = fb.gd(X, y, w0, eta=min(eta, 1.0), n_iter=10**6, checkpoints=2)
    o = outcome(traj, X, y)
    assert o.kind == "global" and o.final_region == "separable"
    assert o.nearest == "global" and o.converging
    # The region stays separable from some time on (Proposition 2), and the error falls.
    regions = traj.region_names()[:, 0]
    first = int(np.argmax(regions == "separable"))
    assert np.all(regions[first:] == "separable")
    err = traj.direction_error(global_direction(X, y).u)[:, 0]
    assert err[-1] < err[first]


def test_oscillation_between_non_separable_regions_converges_to_constrained_local():
    # w^+ is admitted (separable), yet GD oscillates between W_{x1} and a negative-active
    # region and converges to the max margin of J+ = {x1} keeping the negative inactive.
    X = np.array([[1.0, 0.0], [1.0, 2.0], [-1.0, -1.0]])
    y = np.array([1.0, -1.0, 1.0])
    assert predict(X, y).admits("global") == "admitted"
    traj = fb.gd(X, y, np.array([1.0, -0.9]), eta=0.3, n_iter=10**6, checkpoints=20)
    o = outcome(traj, X, y)
    assert o.kind == "oscillating" and o.j_plus.tolist() == [0]
    assert traj.sep_entries[-1, 0] == 0  # never in the separable region
    assert o.nearest == "constrained_local" and o.converging
    assert o.errors["constrained_local"] < 0.05 < o.errors["local"]
