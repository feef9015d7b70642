"""Trajectory: lossless save/load, derived quantities against NumPy, and the checkpoint schedule."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fastbias as fb
from fastbias import InputError
from tests import reference as ref

X = np.array([[1.0, 0.0], [-0.5, 1.0], [-1.0, -0.5]])
Y = np.array([1.0, 1.0, -1.0])
W0 = np.array([1.0, -0.2])
# A start in the local region, a dead start (w = 0 under ReLU) and a negative-active one.
INITS = np.array([[1.0, -0.2], [0.0, 0.0], [-1.0, 0.0]])


@pytest.fixture(scope="module")
def gd_traj() -> fb.Trajectory:
    return fb.gd(X, Y, inits=INITS, eta=0.5, n_iter=300)


@pytest.fixture(scope="module")
def sgd_traj() -> fb.Trajectory:
    return fb.sgd(X, Y, W0, n_iter=400, eta0=1.0, alpha=0.6, replicates=4, seed=7)


@pytest.fixture(scope="module")
def big_problem():
    """13 samples (two mask bytes), 3 features, norms <= 1."""
    rng = np.random.default_rng(20261203)
    Xb = rng.normal(size=(13, 3))
    Xb /= np.maximum(1.0, np.linalg.norm(Xb, axis=1))[:, None]
    yb = np.where(rng.random(13) < 0.5, -1.0, 1.0)
    yb[:2] = [1.0, -1.0]
    inits = 0.5 * rng.normal(size=(3, 3)) / math.sqrt(3)
    return Xb, yb, inits


@pytest.fixture(scope="module")
def big_runs(big_problem):
    Xb, yb, inits = big_problem
    g = fb.gd(Xb, yb, inits=inits, eta=0.2, n_iter=500, slope=0.0)
    s = fb.sgd(Xb, yb, inits[0], n_iter=500, eta0=0.5, replicates=3, seed=11)
    return g, s


def _trajs(request, which):
    return request.getfixturevalue(f"{which}_traj")


# ------------------------------------------------------------------ save / load
def _assert_identical(a: fb.Trajectory, b: fb.Trajectory) -> None:
    assert a.algorithm == b.algorithm
    assert a.n_samples == b.n_samples
    for name in ("t", "t_stop"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype == np.int64, name
        assert x.shape == y.shape and x.tobytes() == y.tobytes(), name
    assert a.status.dtype == b.status.dtype == object
    assert a.status.tolist() == b.status.tolist()
    assert a.meta == b.meta
    assert a.arrays.keys() == b.arrays.keys()
    for k, x in a.arrays.items():
        y = b.arrays[k]
        assert x.dtype == y.dtype, k
        assert x.shape == y.shape, k
        assert x.tobytes() == y.tobytes(), k  # bitwise, NaN-safe


@pytest.mark.parametrize("which", ["gd", "sgd"])
def test_save_load_round_trip(request, tmp_path, which):
    traj = _trajs(request, which)
    path = traj.save(tmp_path / "run.npz")
    assert path == tmp_path / "run.npz" and path.exists()
    back = fb.Trajectory.load(path)
    _assert_identical(traj, back)
    _assert_identical(back, fb.Trajectory.load(str(path)))
    # derived quantities agree too
    assert np.array_equal(back.active(), traj.active())
    assert np.array_equal(back.region_names(), traj.region_names())
    u = np.array([1.0, 0.3])
    assert back.direction_error(u).tobytes() == traj.direction_error(u).tobytes()
    assert repr(back) == repr(traj)
    assert back.replicates == traj.replicates


def test_round_trip_contents(gd_traj, sgd_traj):
    assert gd_traj.replicates == 3 and gd_traj.w.shape[1:] == (3, 2)
    assert gd_traj.status.tolist() == ["ok", "dead", "ok"]  # a non-trivial status survives the trip
    assert sgd_traj.replicates == 4 and sgd_traj.wbar.shape[1:] == (4, 2)
    assert {"wbar", "mean_wbar", "se_wbar", "mask_wbar", "region_wbar"} <= set(sgd_traj.arrays)
    assert {"flips", "sep_entries", "sep_exits"} <= set(gd_traj.arrays)


def test_save_appends_npz_suffix(tmp_path, gd_traj):
    path = gd_traj.save(tmp_path / "run")
    assert path == tmp_path / "run.npz" and path.exists()
    _assert_identical(gd_traj, fb.Trajectory.load(path))
    path = gd_traj.save(str(tmp_path / "run.v2"))
    assert path == tmp_path / "run.v2.npz" and path.exists()


def test_load_other_format_header(tmp_path):
    path = tmp_path / "other.npz"
    header = {"format": "something-else-1", "algorithm": "gd", "n_samples": 3, "meta": {}}
    np.savez(path, header=np.array(json.dumps(header)), t=np.arange(3))
    with pytest.raises(InputError, match=r"path .*other\.npz is not a fastbias trajectory file"):
        fb.Trajectory.load(path)


def test_load_npz_without_header(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, a=np.arange(3))
    with pytest.raises(InputError, match="not a fastbias trajectory file"):
        fb.Trajectory.load(path)


def test_load_npz_with_non_json_header(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, header=np.array("not json"))
    with pytest.raises(InputError, match="not a fastbias trajectory file"):
        fb.Trajectory.load(path)


def test_missing_attribute(gd_traj):
    with pytest.raises(AttributeError, match="no attribute or recorded array 'wbar'"):
        _ = gd_traj.wbar


# ------------------------------------------------------------------ direction_error
def _direct(V: np.ndarray, target) -> np.ndarray:
    u = np.asarray(target, dtype=float)
    u = u / np.linalg.norm(u)
    out = np.empty(V.shape[:-1])
    for idx in np.ndindex(out.shape):
        v = V[idx]
        nv = np.linalg.norm(v)
        out[idx] = np.linalg.norm(v / nv - u) if nv > 0 else np.nan
    return out


TARGETS = [[1.0, 0.0], [0.0, -2.0], [3, 1], [-1.0, 0.5], [1e-150, 2e-150], [4e150, -1e150]]


@pytest.mark.parametrize("target", TARGETS)
def test_direction_error_gd(gd_traj, target):
    err = gd_traj.direction_error(target)
    C = gd_traj.t.size
    assert err.shape == (C, 3) and err.dtype == np.float64
    np.testing.assert_allclose(err, _direct(gd_traj.w, target), rtol=1e-13, atol=1e-15)
    assert np.all(np.isnan(err[:, 1]))  # the dead start stays at w = 0: no direction
    assert np.all(np.isfinite(err[:, [0, 2]]))
    assert np.all((err[:, [0, 2]] >= 0) & (err[:, [0, 2]] <= 2 + 1e-15))
    # default is of="w"; scaling the target changes nothing
    assert err.tobytes() == gd_traj.direction_error(target, of="w").tobytes()
    np.testing.assert_allclose(gd_traj.direction_error(7.5 * np.asarray(target, float)), err, rtol=1e-14)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize(("of", "shape"), [("w", ("C", 4)), ("wbar", ("C", 4)), ("mean_wbar", ("C",))])
def test_direction_error_sgd(sgd_traj, target, of, shape):
    C = sgd_traj.t.size
    err = sgd_traj.direction_error(target, of=of)
    assert err.shape == tuple(C if s == "C" else s for s in shape)
    np.testing.assert_allclose(err, _direct(sgd_traj.arrays[of], target), rtol=1e-13, atol=1e-15)
    assert np.all(np.isfinite(err))


def test_direction_error_nan_at_zero():
    traj = fb.gd(X, Y, np.zeros(2), eta=0.5, n_iter=50)  # w0 = 0 under ReLU: dead, frozen
    assert traj.status.tolist() == ["dead"]
    err = traj.direction_error([1.0, 0.0])
    assert err.shape == (traj.t.size, 1) and np.all(np.isnan(err))
    s = fb.sgd(X, Y, np.zeros(2), n_iter=50, replicates=2)
    for of in ("w", "wbar", "mean_wbar"):
        assert np.all(np.isnan(s.direction_error([0.0, 1.0], of=of)))


@pytest.mark.parametrize("target", [[1e-200, 1e-200], [1e200, 1e200]])
def test_direction_error_extreme_target_scale(gd_traj, target):
    np.testing.assert_allclose(
        gd_traj.direction_error(target), gd_traj.direction_error([1.0, 1.0]), rtol=1e-14
    )


@pytest.mark.parametrize("of", ["loss", "W", "", "mask", None, "wbar", "mean_wbar"])
def test_direction_error_bad_of_gd(gd_traj, of):
    with pytest.raises(InputError, match="of must name a recorded vector array of this run"):
        gd_traj.direction_error([1.0, 0.0], of=of)


@pytest.mark.parametrize("of", ["loss", "se_wbar", "w_bar"])
def test_direction_error_bad_of_sgd(sgd_traj, of):
    with pytest.raises(InputError, match="of must name a recorded vector array of this run"):
        sgd_traj.direction_error([1.0, 0.0], of=of)


@pytest.mark.parametrize(
    "target",
    [[1.0, 0.0, 0.0], [1.0], [], [[1.0, 0.0]], 1.0, [0.0, 0.0], [0, 0], [math.nan, 1.0], [math.inf, 0.0]],
)
@pytest.mark.parametrize("which", ["gd", "sgd"])
def test_direction_error_bad_target(request, which, target):
    traj = _trajs(request, which)
    with pytest.raises(InputError, match="target must be a finite non-zero vector of length 2"):
        traj.direction_error(target)


def test_direction_error_non_numeric_target(gd_traj):
    with pytest.raises(InputError, match="target"):
        gd_traj.direction_error([1.0, "a"])


# ------------------------------------------------------------------ active / region_names
@pytest.mark.parametrize("method", ["region_names", "active"])
def test_region_names_active_bad_of(gd_traj, method):
    with pytest.raises(InputError, match="of"):
        getattr(gd_traj, method)(of="wbar")


def _check_active_and_regions(traj: fb.Trajectory, Xd: np.ndarray, yd: np.ndarray, of: str) -> set[str]:
    V = traj.arrays[of]
    act = traj.active(of)
    names = traj.region_names(of)
    C, R = V.shape[:2]
    assert act.shape == (C, R, Xd.shape[0]) and act.dtype == np.bool_
    assert names.shape == (C, R)
    for c in range(C):
        for r in range(R):
            assert np.array_equal(act[c, r], ref.margins(V[c, r], Xd) > 0.0), (c, r)
            assert names[c, r] == ref.region(V[c, r], Xd, yd), (c, r)
    return set(names.ravel().tolist())


def test_active_and_regions_gd(gd_traj):
    seen = _check_active_and_regions(gd_traj, X, Y, "w")
    assert {"dead", "negative-active", "local"} <= seen  # the test covers several regions
    sep = fb.gd(X, Y, [0.2, 1.0], eta=0.5, n_iter=100)
    assert _check_active_and_regions(sep, X, Y, "w") == {"separable"}


@pytest.mark.parametrize("of", ["w", "wbar"])
def test_active_and_regions_sgd(sgd_traj, of):
    _check_active_and_regions(sgd_traj, X, Y, of)


def test_active_and_regions_two_mask_bytes(big_problem, big_runs):
    Xb, yb, _ = big_problem
    g, s = big_runs
    assert g.mask.shape[-1] == 2
    _check_active_and_regions(g, Xb, yb, "w")
    _check_active_and_regions(s, Xb, yb, "w")
    _check_active_and_regions(s, Xb, yb, "wbar")


def test_region_names_values(gd_traj):
    assert set(fb.Trajectory.REGION_NAMES) == {"separable", "local", "dead", "negative-active"}
    assert gd_traj.region_names()[0].tolist() == [ref.region(w, X, Y) for w in INITS]


# ------------------------------------------------------------------ log_schedule
def test_log_schedule_examples():
    assert fb.log_schedule(1).tolist() == [1]
    assert fb.log_schedule(2).tolist() == [1, 2]
    assert fb.log_schedule(1000, per_decade=1).tolist() == [1, 10, 100, 1000]
    assert fb.log_schedule(999, per_decade=1).tolist() == [1, 10, 100, 999]
    assert fb.log_schedule(1001, per_decade=1).tolist() == [1, 10, 100, 1000, 1001]
    assert fb.log_schedule(100, per_decade=2).tolist() == [1, 3, 10, 32, 100]
    assert fb.log_schedule(1e3).tolist() == fb.log_schedule(1000).tolist()
    assert fb.log_schedule(10**8).size == fb.log_schedule(10**8, 20).size


def test_gd_uses_log_schedule():
    traj = fb.gd(X, Y, W0, eta=0.5, n_iter=700, checkpoints=7)
    assert traj.t[0] == 0
    assert traj.t[1:].tolist() == fb.log_schedule(700, 7).tolist()


N_ITER = st.integers(1, 10**12)
PER_DECADE = st.integers(1, 60)


@given(n_iter=N_ITER, per_decade=PER_DECADE)
def test_log_schedule_shape(n_iter, per_decade):
    s = fb.log_schedule(n_iter, per_decade)
    assert s.dtype == np.int64 and s.ndim == 1
    assert s[0] == 1 and s[-1] == n_iter
    assert np.all(s[1:] > s[:-1])
    assert s.size <= per_decade * math.ceil(math.log10(n_iter)) + 2


@given(a=N_ITER, b=N_ITER, per_decade=PER_DECADE)
def test_log_schedule_prefix(a, b, per_decade):
    short, long_ = sorted((a, b))
    s, t = fb.log_schedule(short, per_decade), fb.log_schedule(long_, per_decade)
    assert np.array_equal(t[: s.size - 1], s[:-1])
    # ... and nothing of the longer run's lies between them: its points below `short` are exactly these
    assert np.array_equal(s[:-1], t[t < short])


@given(n_iter=N_ITER, per_decade=PER_DECADE)
def test_log_schedule_points_per_decade(n_iter, per_decade):
    s = fb.log_schedule(n_iter, per_decade)
    grid = s[:-1]  # the appended n_iter is not a grid point
    k = 0
    while 10 ** (k + 1) <= n_iter:  # every full decade [10^k, 10^(k+1)) below n_iter
        count = int(np.sum((grid >= 10**k) & (grid < 10 ** (k + 1))))
        if k >= 2:
            assert per_decade - 1 <= count <= per_decade + 1, (k, count)
        else:  # rounding merges points at small t
            assert 1 <= count <= min(per_decade + 1, 9 * 10**k)
        k += 1


def test_load_truncated_file_is_an_input_error(tmp_path):
    X = np.array([[1.0, 0.0], [-0.5, 1.0], [-1.0, -0.5]])
    y = np.array([1.0, 1.0, -1.0])
    path = fb.gd(X, y, np.array([1.0, -0.2]), eta=1.0, n_iter=100).save(tmp_path / "t.npz")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="not a fastbias trajectory file"):
        fb.Trajectory.load(path)
    assert not list(tmp_path.glob(".*tmp"))  # the atomic save left no temporary behind
