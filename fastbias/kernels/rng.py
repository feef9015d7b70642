"""Counter-based sampling: index k of replicate r is a pure function of (seed, r, k).

The generator is splitmix64's output function applied to a Weyl sequence:
``u_k = mix64(key_r + (k + 1) * GOLDEN)`` (mod 2**64), with a per-replicate key
``key_r = mix64(mix64(seed) + (r + 1) * GOLDEN)``. Consequences:

* results do not depend on thread count or on how a run is split into chunks;
* a run restarts from (seed, t) alone;
* for a fixed replicate the map k -> state is a bijection of 2**64 states, so a
  stream does not repeat within 2**64 steps (far beyond 10**12).

``u_k`` is reduced to [0, n) by Lemire's multiply-shift on its high 32 bits
with rejection (no modulo bias); on the rare rejection the low 32 bits are
tried, then the word is re-mixed. Hence n must be below 2**32.
A pure-Python twin lives in ``tests/reference.py``.
"""

from __future__ import annotations

import numpy as np

from fastbias._jit import jit

__all__ = ["GOLDEN", "MAX_SAMPLES", "draw_index", "mix64", "replicate_key"]

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_LOW32 = np.uint64(0xFFFFFFFF)

#: Largest number of samples the index reduction supports.
MAX_SAMPLES = 2**32 - 1


@jit
def mix64(z: np.uint64) -> np.uint64:
    """splitmix64 finaliser: a bijective mix of a 64-bit word."""
    z = np.uint64(z)
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@jit
def replicate_key(seed: int, r: int) -> np.uint64:
    """Key of replicate ``r`` for a run with non-negative integer ``seed``."""
    return mix64(mix64(np.uint64(seed)) + np.uint64(r + 1) * GOLDEN)


@jit
def _reduce32(x: np.uint64, n: np.uint64) -> np.uint64:
    # Lemire: (x * n) >> 32 for a 32-bit x; returns n (out of range) to ask for
    # a rejection when the low half falls below 2**32 mod n.
    m = x * n
    lo = m & _LOW32
    if lo < n:
        threshold = (np.uint64(2**32) - n) % n
        if lo < threshold:
            return n
    return m >> np.uint64(32)


@jit
def draw_index(key: np.uint64, k: int, n: int) -> int:
    """Sample index in [0, n) of step ``k`` (0-based) of the stream ``key``."""
    nn = np.uint64(n)
    u = mix64(key + np.uint64(k + 1) * GOLDEN)
    while True:
        i = _reduce32(u >> np.uint64(32), nn)
        if i < nn:
            return np.int64(i)
        i = _reduce32(u & _LOW32, nn)
        if i < nn:
            return np.int64(i)
        u = mix64(u)
