"""Every check of user input, with messages that name the argument.

Runs in Python before any compiled code: kernels assume what these establish
(C-contiguous float64 arrays of agreeing shapes, finite values, labels +-1).
"""

from __future__ import annotations

import numbers
import operator

import numpy as np

from fastbias.errors import InputError
from fastbias.kernels.rng import MAX_SAMPLES

__all__ = [
    "as_checkpoints",
    "as_data",
    "as_inits",
    "as_matrix",
    "as_vector",
    "check_nonnegative_float",
    "check_positive_float",
    "check_positive_int",
    "check_seed",
    "check_slope",
]


def _as_float_array(value, name: str, ndim: int) -> np.ndarray:
    if value is None:
        raise InputError(f"{name} is required, got None")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # pragma: no cover - exotic inputs
        raise InputError(f"{name} could not be converted to an array: {exc}") from exc
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)
    ):
        raise InputError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim != ndim:
        raise InputError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise InputError(f"{name} has a non-finite value at index {tuple(int(b) for b in bad)}")
    return arr


def as_data(X, y) -> tuple[np.ndarray, np.ndarray]:
    """Validate a dataset: ``X`` (n, d) finite reals, ``y`` (n,) labels in {-1, +1}, both classes."""
    X = _as_float_array(X, "X", 2)
    n, d = X.shape
    if n == 0 or d == 0:
        raise InputError(f"X must have at least one row and one column, got shape {X.shape}")
    if n > MAX_SAMPLES:
        raise InputError(f"X has {n} rows; at most {MAX_SAMPLES} are supported")
    y = _as_float_array(y, "y", 1)
    if y.shape[0] != n:
        raise InputError(f"y has {y.shape[0]} labels but X has {n} rows")
    bad = ~((y == 1.0) | (y == -1.0))
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(f"y must hold labels -1 or +1, got {float(y[i])!r} at index {i}")
    if not (y > 0).any():
        raise InputError("y has no positive (+1) sample: both classes are needed")
    if not (y < 0).any():
        raise InputError("y has no negative (-1) sample: both classes are needed")
    return X, y


def as_vector(w, name: str, d: int) -> np.ndarray:
    """A finite float64 copy of a length-``d`` vector."""
    w = _as_float_array(w, name, 1)
    if w.shape[0] != d:
        raise InputError(f"{name} has length {w.shape[0]} but X has {d} columns")
    return w.copy()


def as_matrix(value, name: str, shape: tuple) -> np.ndarray:
    """A finite float64 copy of an array of the given shape (``None`` entries: any size >= 1)."""
    arr = _as_float_array(value, name, len(shape))
    for got, want in zip(arr.shape, shape, strict=True):
        if (want is None and got < 1) or (want is not None and got != want):
            spec = "(" + ", ".join("R" if w is None else str(w) for w in shape) + ")"
            raise InputError(f"{name} must have shape {spec} (d = columns of X, K = len(v)), got {arr.shape}")
    return arr.copy()


def as_inits(inits, d: int) -> np.ndarray:
    """A finite float64 copy of an (R, d) array of initialisations."""
    W = _as_float_array(inits, "inits", 2)
    if W.shape[0] < 1:
        raise InputError("inits must have at least one row")
    if W.shape[1] != d:
        raise InputError(f"inits has {W.shape[1]} columns but X has {d}")
    return W.copy()


def check_flag(value, name: str) -> bool:
    """A plain boolean."""
    if not isinstance(value, (bool, np.bool_)):
        raise InputError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _as_real(value, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InputError(f"{name} must be a real number, got {value!r}")
    v = float(value)
    if not np.isfinite(v):
        raise InputError(f"{name} must be finite, got {value!r}")
    return v


def check_slope(slope) -> float:
    """Activation slope in [0, 1]."""
    v = _as_real(slope, "slope")
    if not 0.0 <= v <= 1.0:
        raise InputError(f"slope must lie in [0, 1] (0 ReLU, 1 linear), got {slope!r}")
    return v


def check_positive_float(value, name: str) -> float:
    """A finite real > 0."""
    v = _as_real(value, name)
    if not v > 0.0:
        raise InputError(f"{name} must be > 0, got {value!r}")
    return v


def check_nonnegative_float(value, name: str) -> float:
    """A finite real >= 0."""
    v = _as_real(value, name)
    if v < 0.0:
        raise InputError(f"{name} must be >= 0, got {value!r}")
    return v


def _as_int(value, name: str) -> int:
    if isinstance(value, (bool, np.bool_)):
        raise InputError(f"{name} must be an integer, got {value!r}")
    if isinstance(value, (float, np.floating)):
        if not (np.isfinite(value) and float(value).is_integer()):
            raise InputError(f"{name} must be an integer, got {value!r}")
        return int(value)
    try:
        return operator.index(value)
    except TypeError:
        raise InputError(f"{name} must be an integer, got {value!r}") from None


def check_positive_int(value, name: str) -> int:
    """An integer >= 1 (integral floats such as 1e8 are accepted)."""
    v = _as_int(value, name)
    if v < 1:
        raise InputError(f"{name} must be >= 1, got {value!r}")
    return v


def check_seed(seed) -> int:
    """A non-negative integer below 2**64."""
    if isinstance(seed, (bool, np.bool_, float, np.floating)):
        raise InputError(f"seed must be a non-negative integer, got {seed!r}")
    try:
        v = operator.index(seed)
    except TypeError:
        raise InputError(f"seed must be a non-negative integer, got {seed!r}") from None
    if not 0 <= v < 2**64:
        raise InputError(f"seed must be a non-negative integer below 2**64, got {seed!r}")
    return v


def as_checkpoints(checkpoints, n_iter: int) -> tuple[np.ndarray, int | None]:
    """Checkpoint counts: an int (points per decade) or an explicit increasing array.

    Returns the strictly increasing int64 counts in [1, n_iter], ending at
    ``n_iter`` (appended when an explicit array stops short), and the points
    per decade (``None`` for an explicit array).
    """
    from fastbias.loops.schedule import log_schedule

    if np.ndim(checkpoints) == 0 and not isinstance(checkpoints, (bool, np.bool_, str)):
        per_decade = check_positive_int(checkpoints, "checkpoints")
        return log_schedule(n_iter, per_decade), per_decade
    arr = np.asarray(checkpoints)
    if arr.ndim != 1 or arr.size == 0:
        raise InputError(
            "checkpoints must be an int (points per decade) or a non-empty 1-D array of "
            f"iteration counts, got {checkpoints!r}"
        )
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise InputError(f"checkpoints must hold integers, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr) & (arr == np.round(arr))):
        raise InputError("checkpoints must hold whole iteration counts")
    # Range and order are checked before any cast to int64, and by comparison
    # (not np.diff), so nothing can wrap around.
    if np.any(arr < 1):
        i = int(np.argmax(arr < 1))
        raise InputError(f"checkpoints must be >= 1 (t = 0 is always recorded), got {arr[i]} at index {i}")
    if np.any(arr > n_iter):
        i = int(np.argmax(arr > n_iter))
        raise InputError(f"checkpoints go beyond n_iter: {arr[i]} at index {i} > n_iter = {n_iter}")
    order = arr[1:] <= arr[:-1]
    if np.any(order):
        i = int(np.argmax(order))
        raise InputError(
            f"checkpoints must be strictly increasing: entry {i + 1} ({arr[i + 1]}) follows {arr[i]}"
        )
    arr = arr.astype(np.int64)
    if arr[-1] != n_iter:
        arr = np.append(arr, np.int64(n_iter))
    return arr, None
