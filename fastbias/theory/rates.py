"""Convergence rates: the theorems' rate functions, sharp asymptotics, and rate fits.

Over 10^2..10^7 ln t moves only 3.5-fold, so a fitted exponent alone proves
little. The sharp forms below have limits that a run either approaches or
does not:

* ``norm_offset``: ||w_t|| - ln(t) / gamma tends to a constant (w_t = w^ ln t + w~ + o(1));
* ``loss_ratio``: eta t (L(w_t) - L_limit) gamma^2 tends to 1 from below;
* ``sgd_norm_ratio``: ||E wbar_t|| gamma / ((1 - alpha) ln t) tends to 1.

:func:`fit_rate` fits err ~ C rate(t)^p over the late checkpoints of each
replicate separately and takes confidence intervals across replicates (or
initialisations): consecutive checkpoints of one trajectory are strongly
autocorrelated, so least-squares intervals over them would be meaningless.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy import stats

from fastbias.errors import InputError

__all__ = [
    "RATES",
    "RateFit",
    "fit_rate",
    "loss_ratio",
    "norm_offset",
    "rate",
    "sgd_norm_ratio",
]


def _lnln_over_ln(t: np.ndarray, alpha: float) -> np.ndarray:
    return np.log(np.log(t)) / np.log(t)


def _inv_ln(t: np.ndarray, alpha: float) -> np.ndarray:
    return 1.0 / np.log(t)


def _inv_sqrt_ln(t: np.ndarray, alpha: float) -> np.ndarray:
    return 1.0 / np.sqrt(np.log(t))


def _ln2_over_power(t: np.ndarray, alpha: float) -> np.ndarray:
    return np.log(t) ** 2 / t ** (1.0 - alpha)


#: The rate functions of the paper's theorems (t > e so that ln ln t > 0).
RATES: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    "lnln/ln": _lnln_over_ln,  # Theorem 4.2 and 5.1: GD direction (upper bound)
    "1/ln": _inv_ln,  # GD direction on generic data (sharp); squared SGD direction (Thm 4.4)
    "1/sqrt(ln)": _inv_sqrt_ln,  # SGD direction (Theorem 4.4, not squared)
    "ln2/t^(1-alpha)": _ln2_over_power,  # SGD loss (Theorem 4.3)
}


def rate(name: str, t, alpha: float = 0.0) -> np.ndarray:
    """Evaluate a named rate function at iteration counts ``t`` (> e)."""
    if name not in RATES:
        raise InputError(f"rate must be one of {sorted(RATES)}, got {name!r}")
    t = np.asarray(t, dtype=np.float64)
    if np.any(t <= np.e):
        raise InputError("rates are defined for t > e (ln ln t > 0); pass t_min > 2")
    return RATES[name](t, alpha)


class RateFit(NamedTuple):
    """Result of :func:`fit_rate`.

    ``err ~ constant * rate(t) ** exponent`` over t >= t_min, fitted per
    replicate. ``constant`` and ``exponent`` are the means over replicates;
    ``*_ci`` are 95% t-intervals across replicates (NaN with one replicate).
    ``ratio`` is err / rate(t) for every checkpoint t >= t_min (shape
    (k,) or (k, R)): bounded and settling when the rate is right.
    """

    rate: str
    t: np.ndarray
    constant: float
    exponent: float
    constant_ci: tuple[float, float]
    exponent_ci: tuple[float, float]
    ratio: np.ndarray
    per_replicate: np.ndarray


def _ci(values: np.ndarray) -> tuple[float, float]:
    k = values.size
    if k < 2:
        return (float("nan"), float("nan"))
    half = stats.t.ppf(0.975, k - 1) * values.std(ddof=1) / np.sqrt(k)
    m = values.mean()
    return (float(m - half), float(m + half))


def fit_rate(t, err, rate_name: str, *, t_min: float = 100.0, alpha: float = 0.0) -> RateFit:
    """Fit err ~ C rate(t)^p over the checkpoints with t >= t_min.

    Parameters
    ----------
    t : array_like, shape (C,)
        Checkpoint iteration counts.
    err : array_like, shape (C,) or (C, R)
        Errors (e.g. ``traj.direction_error(u)``, or its square for Theorem
        4.4's squared form), one column per replicate or initialisation.
    rate_name : str
        A key of :data:`RATES`.
    t_min : float
        Fit only t >= t_min (the asymptotic regime; > e).
    alpha : float
        The SGD step exponent, for ``"ln2/t^(1-alpha)"``.

    Returns
    -------
    RateFit
    """
    t = np.asarray(t, dtype=np.float64)
    e = np.asarray(err, dtype=np.float64)
    if e.shape[0] != t.shape[0] or e.ndim not in (1, 2):
        raise InputError(f"err must have shape (C,) or (C, R) with C = {t.size}, got {e.shape}")
    if t_min <= np.e:
        raise InputError(f"t_min must be > e, got {t_min}")
    sel = t >= t_min
    if sel.sum() < 3:
        raise InputError(f"fewer than 3 checkpoints with t >= t_min = {t_min}")
    ts, es = t[sel], e[sel]
    if np.any(~np.isfinite(es)) or np.any(es <= 0):
        raise InputError("err must be positive and finite over the fitted checkpoints")
    r = rate(rate_name, ts, alpha)
    cols = es if es.ndim == 2 else es[:, None]
    x = np.log(r)
    fits = np.array([np.polyfit(x, np.log(cols[:, j]), 1) for j in range(cols.shape[1])])
    exponents, constants = fits[:, 0], np.exp(fits[:, 1])
    ratio = es / (r if es.ndim == 1 else r[:, None])
    return RateFit(
        rate_name,
        ts,
        float(constants.mean()),
        float(exponents.mean()),
        _ci(constants),
        _ci(exponents),
        ratio,
        fits,
    )


def norm_offset(t, norm, gamma: float) -> np.ndarray:
    """||w_t|| - ln(t) / gamma: tends to a constant when w_t = w^ ln t + w~ + o(1).

    ``gamma`` is the margin of the direction reached (1 / ||w^||).
    """
    t = np.asarray(t, dtype=np.float64)
    with np.errstate(divide="ignore"):
        log_t = np.where(t > 0, np.log(t), np.nan)  # undefined at t = 0
    return np.asarray(norm) - log_t.reshape((-1,) + (1,) * (np.ndim(norm) - 1)) / gamma


def loss_ratio(t, loss, eta: float, gamma: float, limit: float = 0.0) -> np.ndarray:
    """eta t (L(w_t) - limit) gamma^2: tends to 1 from below (exponential loss, mean scaling).

    ``limit`` is the loss limit of the region (0 for the linear model, n_-/n in
    the separable region under ReLU, n_-/n + (n_+ - |J+|)/n in W_J); pass the
    recorded *excess* and ``limit = 0`` when that keeps more digits.
    """
    t = np.asarray(t, dtype=np.float64)
    shape = (-1,) + (1,) * (np.ndim(loss) - 1)
    return eta * t.reshape(shape) * (np.asarray(loss) - limit) * gamma**2


def sgd_norm_ratio(t, mean_wbar, alpha: float, gamma: float) -> np.ndarray:
    """||E wbar_t|| gamma / ((1 - alpha) ln t): tends to 1 for eta_k = eta0 (k+1)^(-alpha)."""
    t = np.asarray(t, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.linalg.norm(mean_wbar, axis=-1) * gamma / ((1.0 - alpha) * np.log(t))
