"""Datasets of the paper and helpers."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["Dataset", "example1"]


class Dataset(NamedTuple):
    """Samples ``X`` (n, d), labels ``y`` and the start ``w0`` used in the paper's argument."""

    X: np.ndarray
    y: np.ndarray
    w0: np.ndarray


def example1() -> Dataset:
    """The paper's Example 1: GD converges to the local max-margin direction x1/||x1||.

    Two positives x1, x2 and one negative x3 with x1.x2 < 0 and x1.x3 < 0,
    separable by w = (0.5, 1) (and x2.x3 != 0, so no direction sits exactly on a
    region boundary). The start w0 = (1, -0.2) activates x1 only, as in
    the proof: then w_t = w0 + c_t x1 for all t, so x2 stays misclassified
    (w_t.x2 < 0) and the direction tends to x1 / ||x1|| = (1, 0); the loss tends
    to n_-/n + 1/n = 2/3.
    """
    X = np.array([[1.0, 0.0], [-0.5, 1.0], [-1.0, -0.6]])
    y = np.array([1.0, 1.0, -1.0])
    w0 = np.array([1.0, -0.2])
    return Dataset(X, y, w0)
