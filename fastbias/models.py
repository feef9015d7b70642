"""Models other than the single neuron, passed to :func:`fastbias.gd` / :func:`fastbias.sgd` as ``model=``."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from fastbias.errors import InputError, ModelWarning

__all__ = ["Network"]


@dataclass(frozen=True)
class Network:
    """One hidden layer, f(x) = sum_k v_k sigma(w_k . x), with fixed output weights ``v``.

    The trained weights are W = [w_1 .. w_K] (d x K); the activation slope is
    the ``slope`` argument of :func:`fastbias.gd` / :func:`fastbias.sgd`.

    Parameters
    ----------
    v : array_like, shape (K,)
        Non-zero output weights. The paper assumes both signs; all of one sign
        runs (K = 1, v = (1) is the single neuron) with a :class:`ModelWarning`.
    """

    v: np.ndarray = field()

    def __post_init__(self) -> None:
        try:
            v = np.asarray(self.v, dtype=np.float64)
        except (TypeError, ValueError):
            raise InputError(f"v must be a vector of real numbers, got {self.v!r}") from None
        if v.ndim != 1 or v.size == 0:
            raise InputError(f"v must be a non-empty 1-D array of output weights, got shape {v.shape}")
        if not np.all(np.isfinite(v)):
            raise InputError("v has a non-finite entry")
        if np.any(v == 0):
            raise InputError(f"v must have non-zero entries, got 0 at index {int(np.argmax(v == 0))}")
        if np.all(v > 0) or np.all(v < 0):
            warnings.warn(
                "all output weights v have the same sign: the paper's network theorems assume both signs",
                ModelWarning,
                stacklevel=3,
            )
        object.__setattr__(self, "v", np.ascontiguousarray(v))

    @property
    def K(self) -> int:
        """Number of hidden units."""
        return int(self.v.size)
