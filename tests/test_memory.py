"""Memory does not grow with the number of iterations (only with the checkpoints)."""

from __future__ import annotations

import tracemalloc

import numpy as np

import fastbias as fb
from fastbias.datasets import example1


def _peak(n_iter: int, checkpoints) -> int:
    X, y, w0 = example1()
    tracemalloc.start()
    try:
        fb.gd(X, y, w0, eta=1.0, n_iter=n_iter, checkpoints=checkpoints)
        fb.sgd(X, y, w0, n_iter=n_iter, replicates=4, checkpoints=checkpoints)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_iterations():
    fb.gd(*example1()[:2], example1().w0, eta=1.0, n_iter=10)  # compile outside the measurement
    fb.sgd(*example1()[:2], example1().w0, n_iter=10, replicates=4)
    # The same number of checkpoints, 10^5 vs 10^7 iterations (past the SGD step-size table size).
    small = _peak(10**5, np.array([10, 1000, 10**5]))
    large = _peak(10**7, np.array([10, 10**5, 10**7]))
    assert large < small + 64 * 1024, (small, large)
