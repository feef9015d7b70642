"""The counter-based stream: equals its pure-Python twin, is uniform and independent."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from fastbias.kernels import draw_index, mix64, replicate_key
from tests import reference as ref


@numba.njit
def _draws(seed, r, k0, count, n):
    key = replicate_key(seed, r)
    out = np.empty(count, dtype=np.int64)
    for j in range(count):
        out[j] = draw_index(key, k0 + j, n)
    return out


@given(
    st.integers(0, 2**64 - 1),
    st.integers(0, 10**6),
    st.integers(0, 2**62),
    st.integers(1, 2**32 - 1),
)
def test_stream_equals_pure_python(seed, r, k0, n):
    got = _draws(np.uint64(seed), r, k0, 20, n)
    key = ref.replicate_key(seed, r)
    assert int(replicate_key(np.uint64(seed), r)) == key
    assert got.tolist() == [ref.draw_index(key, k0 + j, n) for j in range(20)]


def test_rejection_path_equals_pure_python():
    # n = 2**31 + 1 rejects about half the 32-bit words: both halves and the re-mix are exercised.
    n = 2**31 + 1
    got = _draws(3, 0, 0, 2000, n)
    key = ref.replicate_key(3, 0)
    assert got.tolist() == [ref.draw_index(key, j, n) for j in range(2000)]
    assert got.min() >= 0 and got.max() < n


def test_mix64_is_splitmix64():
    # splitmix64 seeded with 0 yields mix64(GOLDEN) first (published reference output).
    assert int(mix64(np.uint64(0x9E3779B97F4A7C15))) == 0xE220A8397B1DCDAF
    assert int(mix64(np.uint64(12345))) == ref.mix64(12345)


@pytest.mark.parametrize("n", [2, 3, 7, 1000])
def test_indices_are_uniform(n):
    draws = _draws(11, 0, 0, 200_000, n)
    counts = np.bincount(draws, minlength=n)
    p = stats.chisquare(counts).pvalue
    assert p > 1e-4, (n, p)


def test_late_counters_are_uniform():
    # Far into the stream (k ~ 10**12) the indices are still uniform.
    draws = _draws(5, 2, 10**12, 100_000, 5)
    assert stats.chisquare(np.bincount(draws, minlength=5)).pvalue > 1e-4


def test_replicates_are_independent():
    # Joint distribution of (i_k of replicate 0, i_k of replicate 1) is uniform on n x n,
    # and neighbouring replicates' streams are not shifted copies of each other.
    n = 6
    a = _draws(0, 0, 0, 120_000, n)
    b = _draws(0, 1, 0, 120_000, n)
    table = np.zeros((n, n))
    np.add.at(table, (a, b), 1)
    assert stats.chi2_contingency(table).pvalue > 1e-4
    assert stats.chisquare(table.ravel()).pvalue > 1e-4
    for lag in range(-50, 51):
        x, y = (a[lag:], b[: b.size - lag]) if lag >= 0 else (a[:lag], b[-lag:])
        assert np.mean(x == y) < 1.0 / n + 0.02


def test_serial_correlation_is_absent():
    a = _draws(9, 0, 0, 200_000, 4)
    table = np.zeros((4, 4))
    np.add.at(table, (a[:-1], a[1:]), 1)
    assert stats.chi2_contingency(table).pvalue > 1e-4


def test_seeds_give_different_streams():
    assert not np.array_equal(_draws(0, 0, 0, 64, 1000), _draws(1, 0, 0, 64, 1000))
    assert not np.array_equal(_draws(0, 0, 0, 64, 1000), _draws(0, 1, 0, 64, 1000))
