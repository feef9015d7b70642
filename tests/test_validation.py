"""Input validation: every bad argument is an InputError naming it, raised before compiled code runs."""

from __future__ import annotations

import importlib
import math

import numba
import numpy as np
import pytest

import fastbias as fb
from fastbias import InputError

# ``import fastbias.loops.gd as m`` would give the function: fastbias.loops re-exports ``gd`` and
# ``sgd`` under their modules' names.
gd_module = importlib.import_module("fastbias.loops.gd")
sgd_module = importlib.import_module("fastbias.loops.sgd")
runs_module = importlib.import_module("fastbias.loops.runs")

X = np.array([[1.0, 0.0], [-0.5, 1.0], [-1.0, -0.5]])
Y = np.array([1.0, 1.0, -1.0])
W0 = np.array([1.0, -0.2])
INITS = np.array([[1.0, -0.2], [0.5, 0.5]])
NAN, INF = math.nan, math.inf


def _with(a: np.ndarray, index: tuple[int, ...], value: float) -> np.ndarray:
    a = np.array(a, dtype=float)
    a[index] = value
    return a


def run_gd(**over):
    kw = {"X": X, "y": Y, "w0": W0, "eta": 0.5, "n_iter": 10}
    kw.update(over)
    return fb.gd(**kw)


def run_sgd(**over):
    kw = {"X": X, "y": Y, "w0": W0, "n_iter": 10}
    kw.update(over)
    return fb.sgd(**kw)


RUNNERS = {"gd": run_gd, "sgd": run_sgd}


@pytest.fixture
def no_compiled(monkeypatch):
    """Replace every compiled function gd and sgd call with one that fails the test.

    (Also the Python driver: no run may start.) Validation must not need any of them.
    """

    def forbidden(*args, **kwargs):
        pytest.fail("compiled code ran before validation finished")

    for module in (gd_module, sgd_module, runs_module):
        for name, obj in list(vars(module).items()):
            if isinstance(obj, numba.core.dispatcher.Dispatcher):
                monkeypatch.setattr(module, name, forbidden)
    for module in (gd_module, sgd_module):
        monkeypatch.setattr(module, "finish", forbidden)
    # The names the brief singles out are certainly covered:
    assert runs_module.gd_advance is forbidden
    assert runs_module.gd_advance_parallel is forbidden
    assert runs_module.sgd_advance is forbidden


@pytest.fixture
def no_steppers(monkeypatch):
    """Only the steppers fail the test (the initial-loss check evaluates the compiled loss)."""

    def forbidden(*args, **kwargs):
        pytest.fail("a stepper ran on an input that should have been rejected")

    monkeypatch.setattr(runs_module, "gd_advance", forbidden)
    monkeypatch.setattr(runs_module, "gd_advance_parallel", forbidden)
    monkeypatch.setattr(runs_module, "sgd_advance", forbidden)


def test_input_error_is_value_error():
    assert issubclass(InputError, ValueError)
    assert issubclass(InputError, fb.FastbiasError)


# ------------------------------------------------------------------ both gd and sgd
COMMON = [
    # shapes that disagree
    ({"y": Y[:2]}, r"y has 2 labels but X has 3 rows"),
    ({"y": np.r_[Y, 1.0]}, r"y has 4 labels but X has 3 rows"),
    ({"w0": [1.0, 0.0, 0.0]}, r"w0 has length 3 but X has 2 columns"),
    ({"w0": [1.0]}, r"w0 has length 1 but X has 2 columns"),
    ({"w0": [[1.0, -0.2]]}, r"w0 must be 1-D, got shape \(1, 2\)"),
    ({"w0": 1.0}, r"w0 must be 1-D, got shape \(\)"),
    # dimensions, emptiness, dtypes
    ({"X": X[:, 0]}, r"X must be 2-D, got shape \(3,\)"),
    ({"X": X[None]}, r"X must be 2-D, got shape \(1, 3, 2\)"),
    ({"y": Y[:, None]}, r"y must be 1-D, got shape \(3, 1\)"),
    ({"X": np.empty((0, 2)), "y": np.empty(0)}, r"X must have at least one row and one column"),
    ({"X": np.empty((3, 0)), "w0": np.empty(0)}, r"X must have at least one row and one column"),
    ({"X": [["a", "b"], ["c", "d"], ["e", "f"]]}, r"X must hold real numbers, got dtype <U1"),
    ({"X": X > 0}, r"X must hold real numbers, got dtype bool"),
    ({"X": [[1.0, 0.0], [1.0], [0.0, 1.0]]}, r"X could not be converted to an array"),
    ({"X": X.astype(complex)}, r"X must hold real numbers, got dtype complex128"),
    ({"y": Y > 0}, r"y must hold real numbers, got dtype bool"),
    ({"w0": ["a", "b"]}, r"w0 must hold real numbers"),
    # non-finite values
    ({"X": _with(X, (1, 0), NAN)}, r"X has a non-finite value at index \(1, 0\)"),
    ({"X": _with(X, (2, 1), INF)}, r"X has a non-finite value at index \(2, 1\)"),
    ({"X": _with(X, (0, 0), -INF)}, r"X has a non-finite value at index \(0, 0\)"),
    ({"y": _with(Y, (1,), NAN)}, r"y has a non-finite value at index \(1,\)"),
    ({"w0": [NAN, 0.0]}, r"w0 has a non-finite value at index \(0,\)"),
    ({"w0": [1.0, INF]}, r"w0 has a non-finite value at index \(1,\)"),
    ({"w0": [1.0, -INF]}, r"w0 has a non-finite value at index \(1,\)"),
    # labels
    ({"y": [1.0, 0.0, -1.0]}, r"y must hold labels -1 or \+1, got (np\.float64\()?0\.0\)? at index 1"),
    ({"y": [1, 1, 2]}, r"y must hold labels -1 or \+1, got (np\.float64\()?2\.0\)? at index 2"),
    ({"y": [0.5, 1.0, -1.0]}, r"y must hold labels -1 or \+1, got (np\.float64\()?0\.5\)? at index 0"),
    ({"y": [1.0, -2.0, -1.0]}, r"y must hold labels -1 or \+1, got (np\.float64\()?-2\.0\)? at index 1"),
    ({"y": [1.0, 1.0, 1.0]}, r"y has no negative \(-1\) sample: both classes are needed"),
    ({"y": [-1.0, -1.0, -1.0]}, r"y has no positive \(\+1\) sample: both classes are needed"),
    # slope
    ({"slope": -0.1}, r"slope must lie in \[0, 1\].*got -0\.1"),
    ({"slope": 1.5}, r"slope must lie in \[0, 1\].*got 1\.5"),
    ({"slope": NAN}, r"slope must be finite, got nan"),
    ({"slope": INF}, r"slope must be finite, got inf"),
    ({"slope": "0.5"}, r"slope must be a real number, got '0\.5'"),
    ({"slope": None}, r"slope must be a real number, got None"),
    ({"slope": True}, r"slope must be a real number, got True"),
    ({"slope": np.array([0.5])}, r"slope must be a real number"),
    # n_iter
    ({"n_iter": 0}, r"n_iter must be >= 1, got 0"),
    ({"n_iter": -5}, r"n_iter must be >= 1, got -5"),
    ({"n_iter": 2.5}, r"n_iter must be an integer, got 2\.5"),
    ({"n_iter": True}, r"n_iter must be an integer, got True"),
    ({"n_iter": NAN}, r"n_iter must be an integer, got nan"),
    ({"n_iter": INF}, r"n_iter must be an integer, got inf"),
    ({"n_iter": "10"}, r"n_iter must be an integer, got '10'"),
    ({"n_iter": None}, r"n_iter must be an integer, got None"),
    ({"n_iter": 0.0}, r"n_iter must be >= 1, got 0\.0"),
    # checkpoints
    ({"checkpoints": [1, 5, 5, 10]}, r"checkpoints must be strictly increasing: entry 2 \(5\) follows 5"),
    ({"checkpoints": [1, 8, 4]}, r"checkpoints must be strictly increasing: entry 2 \(4\) follows 8"),
    ({"checkpoints": [1, 5, 11]}, r"checkpoints go beyond n_iter: 11 at index 2 > n_iter = 10"),
    ({"checkpoints": [0, 5]}, r"checkpoints must be >= 1 .*got 0"),
    ({"checkpoints": [-3, 5]}, r"checkpoints must be >= 1 .*got -3"),
    ({"checkpoints": [1.5, 3.0]}, r"checkpoints must hold whole iteration counts"),
    ({"checkpoints": [1.0, NAN]}, r"checkpoints must hold whole iteration counts"),
    ({"checkpoints": [1.0, INF]}, r"checkpoints must hold whole iteration counts"),
    ({"checkpoints": [[1, 2], [3, 4]]}, r"checkpoints must be an int .* non-empty 1-D array"),
    ({"checkpoints": []}, r"checkpoints must be an int .* non-empty 1-D array"),
    ({"checkpoints": 2.5}, r"checkpoints must be an integer, got 2\.5"),
    ({"checkpoints": True}, r"checkpoints must be an int .* non-empty 1-D array"),
    ({"checkpoints": 0}, r"checkpoints must be >= 1, got 0"),
    ({"checkpoints": -2}, r"checkpoints must be >= 1, got -2"),
    ({"checkpoints": ["1", "2"]}, r"checkpoints must hold integers, got dtype <U1"),
    ({"checkpoints": [True, False]}, r"checkpoints must hold integers, got dtype bool"),
    # chunk_seconds
    ({"chunk_seconds": 0.0}, r"chunk_seconds must be > 0, got 0\.0"),
    ({"chunk_seconds": -1}, r"chunk_seconds must be > 0, got -1"),
    ({"chunk_seconds": NAN}, r"chunk_seconds must be finite"),
]

GD_ONLY = [
    ({"eta": 0}, r"eta must be > 0, got 0"),
    ({"eta": 0.0}, r"eta must be > 0, got 0\.0"),
    ({"eta": -0.5}, r"eta must be > 0, got -0\.5"),
    ({"eta": NAN}, r"eta must be finite, got nan"),
    ({"eta": INF}, r"eta must be finite, got inf"),
    ({"eta": -INF}, r"eta must be finite, got -inf"),
    ({"eta": "1"}, r"eta must be a real number, got '1'"),
    ({"eta": None}, r"eta must be a real number, got None"),
    ({"eta": True}, r"eta must be a real number, got True"),
    # w0 / inits
    ({"w0": W0, "inits": INITS}, r"give exactly one of w0 \(one start\) and inits \(R starts\)"),
    ({"w0": None}, r"give exactly one of w0 \(one start\) and inits \(R starts\)"),
    ({"w0": None, "inits": [[1.0, 0.0, 0.0]]}, r"inits has 3 columns but X has 2"),
    ({"w0": None, "inits": [[1.0]]}, r"inits has 1 columns but X has 2"),
    ({"w0": None, "inits": [1.0, 0.0]}, r"inits must be 2-D, got shape \(2,\)"),
    ({"w0": None, "inits": np.empty((0, 2))}, r"inits must have at least one row"),
    ({"w0": None, "inits": _with(INITS, (1, 0), NAN)}, r"inits has a non-finite value at index \(1, 0\)"),
    ({"w0": None, "inits": _with(INITS, (0, 1), INF)}, r"inits has a non-finite value at index \(0, 1\)"),
    ({"w0": None, "inits": [["a", "b"]]}, r"inits must hold real numbers"),
    # parallel
    (
        {"w0": None, "inits": INITS, "parallel": True},
        r"parallel=True needs a single start, got inits with 2 rows",
    ),
    ({"parallel": "yes"}, r"parallel must be True, False or 'auto', got 'yes'"),
    ({"parallel": None}, r"parallel must be True, False or 'auto', got None"),
    ({"parallel": 1}, r"parallel must be True, False or 'auto', got 1"),
]

SGD_ONLY = [
    ({"w0": None}, r"w0 is required, got None"),
    ({"eta0": 0.0}, r"eta0 must be > 0, got 0\.0"),
    ({"eta0": -1}, r"eta0 must be > 0, got -1"),
    ({"eta0": NAN}, r"eta0 must be finite, got nan"),
    ({"eta0": INF}, r"eta0 must be finite, got inf"),
    ({"eta0": "1"}, r"eta0 must be a real number"),
    ({"alpha": -0.1}, r"alpha must be >= 0, got -0\.1"),
    ({"alpha": NAN}, r"alpha must be finite, got nan"),
    ({"alpha": INF}, r"alpha must be finite, got inf"),
    ({"alpha": False}, r"alpha must be a real number, got False"),
    ({"replicates": 0}, r"replicates must be >= 1, got 0"),
    ({"replicates": -2}, r"replicates must be >= 1, got -2"),
    ({"replicates": 1.5}, r"replicates must be an integer, got 1\.5"),
    ({"replicates": True}, r"replicates must be an integer, got True"),
    ({"seed": -1}, r"seed must be a non-negative integer below 2\*\*64, got -1"),
    ({"seed": 2**64}, r"seed must be a non-negative integer below 2\*\*64, got 18446744073709551616"),
    ({"seed": 1.0}, r"seed must be a non-negative integer, got 1\.0"),
    ({"seed": np.float64(3.0)}, r"seed must be a non-negative integer"),
    ({"seed": True}, r"seed must be a non-negative integer, got True"),
    ({"seed": "1"}, r"seed must be a non-negative integer, got '1'"),
    ({"seed": None}, r"seed must be a non-negative integer, got None"),
]


def _ids(cases):
    return [f"{next(iter(over))}-{i}" for i, (over, _) in enumerate(cases)]


@pytest.mark.parametrize("algorithm", ["gd", "sgd"])
@pytest.mark.parametrize(("over", "match"), COMMON, ids=_ids(COMMON))
def test_bad_input_both(no_compiled, algorithm, over, match):
    with pytest.raises(InputError, match=match):
        RUNNERS[algorithm](**over)


@pytest.mark.parametrize(("over", "match"), GD_ONLY, ids=_ids(GD_ONLY))
def test_bad_input_gd(no_compiled, over, match):
    with pytest.raises(InputError, match=match):
        run_gd(**over)


@pytest.mark.parametrize(("over", "match"), SGD_ONLY, ids=_ids(SGD_ONLY))
def test_bad_input_sgd(no_compiled, over, match):
    with pytest.raises(InputError, match=match):
        run_sgd(**over)


def test_no_compiled_fixture_bites(no_compiled):
    """The guard itself works: a valid call reaches compiled code and fails the test."""
    with pytest.raises(pytest.fail.Exception, match="compiled code ran"):
        run_gd()
    with pytest.raises(pytest.fail.Exception, match="compiled code ran"):
        run_sgd()


def test_no_steppers_fixture_bites(no_steppers):
    with pytest.raises(pytest.fail.Exception, match="a stepper ran"):
        run_gd()
    with pytest.raises(pytest.fail.Exception, match="a stepper ran"):
        run_sgd()


# ------------------------------------------------------------------ overflowing starts
# The negative sample x_3 = (-1, -0.5) has w.x_3 = 800 at w = (-800, 0): exp(800) overflows.
OVERFLOW = [
    ("gd", {"w0": [-800.0, 0.0]}, r"w0 has an infinite loss"),
    ("gd", {"w0": None, "inits": [[1.0, -0.2], [-800.0, 0.0]]}, r"inits \(row 1\) has an infinite loss"),
    ("gd", {"w0": [-800.0, 0.0], "slope": 0.5}, r"w0 has an infinite loss"),
    # Linear: the positive sample x_2 = (-0.5, 1) has y w.x = -800 at w = (0, -800).
    ("gd", {"w0": [0.0, -800.0], "slope": 1.0}, r"w0 has an infinite loss"),
    ("sgd", {"w0": [-800.0, 0.0]}, r"w0 has an infinite loss"),
    ("sgd", {"w0": [0.0, -800.0], "slope": 1.0, "replicates": 3}, r"w0 has an infinite loss"),
]


@pytest.mark.parametrize(("algorithm", "over", "match"), OVERFLOW)
def test_overflowing_start(no_steppers, algorithm, over, match):
    with pytest.raises(InputError, match=match):
        RUNNERS[algorithm](**over)


# ------------------------------------------------------------------ known gaps (see report)
def test_checkpoints_int64_extreme_rejected():
    with pytest.raises(InputError, match="checkpoints"):
        run_gd(checkpoints=np.array([1, -(2**63)], dtype=np.int64))


def test_checkpoints_huge_float_rejected():
    with pytest.raises(InputError, match="checkpoints"):
        run_gd(checkpoints=[1.0, 1e30])


# ------------------------------------------------------------------ log_schedule
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_iter": 0}, r"n_iter must be >= 1, got 0"),
        ({"n_iter": -10}, r"n_iter must be >= 1, got -10"),
        ({"n_iter": 2.5}, r"n_iter must be an integer, got 2\.5"),
        ({"n_iter": True}, r"n_iter must be an integer, got True"),
        ({"n_iter": "100"}, r"n_iter must be an integer, got '100'"),
        ({"n_iter": 100, "per_decade": 0}, r"per_decade must be >= 1, got 0"),
        ({"n_iter": 100, "per_decade": -1}, r"per_decade must be >= 1, got -1"),
        ({"n_iter": 100, "per_decade": 1.5}, r"per_decade must be an integer, got 1\.5"),
        ({"n_iter": 100, "per_decade": None}, r"per_decade must be an integer, got None"),
    ],
)
def test_log_schedule_bad_input(kwargs, match):
    with pytest.raises(InputError, match=match):
        fb.log_schedule(**kwargs)


# ------------------------------------------------------------------ valid, unusual input
def _same(a: fb.Trajectory, b: fb.Trajectory) -> None:
    """Bitwise-equal recorded results (timing metadata aside)."""
    assert np.array_equal(a.t, b.t)
    assert list(a.status) == list(b.status)
    assert np.array_equal(a.t_stop, b.t_stop)
    assert a.arrays.keys() == b.arrays.keys()
    for k in a.arrays:
        assert a.arrays[k].dtype == b.arrays[k].dtype, k
        assert a.arrays[k].tobytes() == b.arrays[k].tobytes(), k


X_INT = np.array([[2, 0], [-1, 2], [-2, -1]], dtype=np.int64)
Y_INT = np.array([1, 1, -1], dtype=np.int32)
W0_INT = np.array([1, 0], dtype=np.int16)


@pytest.mark.parametrize("algorithm", ["gd", "sgd"])
def test_integer_arrays_accepted(algorithm):
    run = RUNNERS[algorithm]
    kw = {"eta": 0.25} if algorithm == "gd" else {"eta0": 0.25}
    got = run(X=X_INT, y=Y_INT, w0=W0_INT, n_iter=50, **kw)
    want = run(X=X_INT.astype(float), y=Y_INT.astype(float), w0=W0_INT.astype(float), n_iter=50, **kw)
    _same(got, want)
    assert got.w.dtype == np.float64


@pytest.mark.parametrize("algorithm", ["gd", "sgd"])
def test_float32_arrays_accepted(algorithm):
    run = RUNNERS[algorithm]
    w32 = W0.astype(np.float32)  # -0.2 is not exact in float32: compare with its float64 value
    got = run(X=X.astype(np.float32), y=Y.astype(np.float32), w0=w32, n_iter=50)
    want = run(X=X, y=Y, w0=w32.astype(np.float64), n_iter=50)
    _same(got, want)


@pytest.mark.parametrize("algorithm", ["gd", "sgd"])
def test_lists_fortran_and_views_accepted(algorithm):
    run = RUNNERS[algorithm]
    want = run(n_iter=50)
    _same(run(X=X.tolist(), y=Y.tolist(), w0=W0.tolist(), n_iter=50), want)
    XF = np.asfortranarray(X)
    assert not XF.flags.c_contiguous
    _same(run(X=XF, n_iter=50), want)
    big = np.zeros((6, 4))
    big[::2, 1:4:2] = X  # a strided view
    _same(run(X=big[::2, 1:4:2], y=np.repeat(Y, 2)[::2], n_iter=50), want)


def test_gd_inits_as_list_and_int():
    got = run_gd(w0=None, inits=[[2, 0], [0, 1]], n_iter=20)
    want = run_gd(w0=None, inits=np.array([[2.0, 0.0], [0.0, 1.0]]), n_iter=20)
    _same(got, want)
    assert got.replicates == 2


@pytest.mark.parametrize("algorithm", ["gd", "sgd"])
def test_n_iter_integral_float_and_numpy_int(algorithm):
    run = RUNNERS[algorithm]
    want = run(n_iter=1000)
    for n_iter in (1e3, 1000.0, np.int64(1000), np.float64(1000.0), np.uint16(1000)):
        got = run(n_iter=n_iter)
        _same(got, want)
        assert got.t[-1] == 1000
        assert type(got.meta["args"]["n_iter"]) is int


@pytest.mark.parametrize("algorithm", ["gd", "sgd"])
def test_explicit_checkpoints(algorithm):
    run = RUNNERS[algorithm]
    traj = run(n_iter=100, checkpoints=[1, 10, 50])  # n_iter appended
    assert traj.t.tolist() == [0, 1, 10, 50, 100]
    assert traj.t.dtype == np.int64
    assert traj.meta["args"]["checkpoints_per_decade"] is None
    traj = run(n_iter=100, checkpoints=np.array([3.0, 100.0]))  # already ends at n_iter; whole floats
    assert traj.t.tolist() == [0, 3, 100]
    traj = run(n_iter=100, checkpoints=(100,))
    assert traj.t.tolist() == [0, 100]
    traj = run(n_iter=100, checkpoints=np.array([7], dtype=np.uint8))
    assert traj.t.tolist() == [0, 7, 100]
    traj = run(n_iter=100, checkpoints=1)  # one point per decade
    assert traj.t.tolist() == [0, 1, 10, 100]
    assert traj.meta["args"]["checkpoints_per_decade"] == 1
    traj = run(n_iter=100, checkpoints=np.int32(2))
    assert traj.t[1:].tolist() == fb.log_schedule(100, 2).tolist()


def test_sgd_unusual_scalars_accepted():
    base = run_sgd(n_iter=20, seed=5, replicates=2)
    _same(run_sgd(n_iter=20, seed=np.uint64(5), replicates=2.0), base)
    _same(run_sgd(n_iter=20, seed=5, replicates=np.int8(2), eta0=1, alpha=np.float64(0.6)), base)
    for seed in (0, 2**64 - 1, np.uint64(2**64 - 1), 2**63):
        assert run_sgd(n_iter=5, seed=seed).meta["args"]["seed"] == int(seed)
    assert run_sgd(n_iter=5, alpha=0).meta["args"]["alpha"] == 0.0


def test_gd_unusual_scalars_accepted():
    base = run_gd(n_iter=20, eta=0.5, slope=0.0)
    _same(run_gd(n_iter=20, eta=np.float32(0.5), slope=0), base)
    _same(run_gd(n_iter=20, eta=0.5, parallel=False), base)
    _same(run_gd(n_iter=20, eta=0.5, parallel=np.bool_(False)), base)
    assert run_gd(n_iter=5, slope=1).meta["args"]["slope"] == 1.0
    assert run_gd(n_iter=5, eta=1).meta["args"]["eta"] == 1.0


def test_gd_parallel_true_single_start_accepted():
    # The row-parallel gradient may sum in another order: equal up to rounding, not bitwise.
    par, ser = run_gd(n_iter=50, parallel=True), run_gd(n_iter=50, parallel=False)
    assert par.meta["args"]["parallel"] is True and ser.meta["args"]["parallel"] is False
    np.testing.assert_allclose(par.w, ser.w, rtol=1e-12, atol=1e-15)


def test_gd_never_modifies_inputs():
    X_in, y_in, w_in, W_in = X.copy(), Y.copy(), W0.copy(), INITS.copy()
    traj = fb.gd(X_in, y_in, w_in, eta=0.5, n_iter=200)
    assert np.array_equal(X_in, X) and np.array_equal(y_in, Y) and np.array_equal(w_in, W0)
    assert not np.array_equal(traj.w[-1, 0], W0)  # it did move
    assert not np.shares_memory(traj.w, w_in)
    traj = fb.gd(X_in, y_in, inits=W_in, eta=0.5, n_iter=200)
    assert np.array_equal(W_in, INITS) and np.array_equal(X_in, X) and np.array_equal(y_in, Y)
    assert not np.shares_memory(traj.w, W_in)
    XF = np.asfortranarray(X)
    fb.gd(XF, y_in, w_in, eta=0.5, n_iter=10, parallel=True)
    assert np.array_equal(XF, X) and np.array_equal(w_in, W0)


def test_sgd_never_modifies_inputs():
    X_in, y_in, w_in = X.copy(), Y.copy(), W0.copy()
    traj = fb.sgd(X_in, y_in, w_in, n_iter=200, replicates=3)
    assert np.array_equal(X_in, X) and np.array_equal(y_in, Y) and np.array_equal(w_in, W0)
    assert not np.shares_memory(traj.w, w_in)
    assert not np.array_equal(traj.w[-1, 0], W0)
