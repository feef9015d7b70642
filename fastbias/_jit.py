"""Compilation options, in one place.

Every kernel of fastbias is a module-level function compiled with these
decorators, so that

* ``cache=True`` works across processes (no closures over jitted functions,
  which numba cannot cache: PERF_NOTES 7);
* ``fastmath`` stays off: it changes bits (breaking same-seed-same-result
  across builds of the reference) and its ``nnan``/``ninf`` flags would let
  LLVM delete the finiteness checks that detect overflow;
* ``error_model="numpy"``: division follows IEEE rules instead of raising
  ``ZeroDivisionError``, which would need a Python exception path in hot loops.
  Kernels never raise on user data: validation happens before, in Python.
"""

from __future__ import annotations

import numba

__all__ = ["N_BLOCKS", "jit", "jit_parallel"]

_OPTIONS = dict(cache=True, nogil=True, error_model="numpy", fastmath=False)

#: Serial kernels and loops.
jit = numba.njit(**_OPTIONS)

#: Small helpers of the hot loops, inlined into their callers at numba-IR level:
#: LLVM alone does not inline a row pass that returns a tuple, and the call plus
#: the tuple's trip through memory cost about as much as the work at n = 3.
jit_inline = numba.njit(inline="always", **_OPTIONS)

#: Kernels with ``prange``.
jit_parallel = numba.njit(parallel=True, **_OPTIONS)

#: Number of row blocks of the parallel reductions. Fixed, so that the
#: summation order (and therefore every bit of the result) does not depend on
#: the number of threads.
N_BLOCKS = 64
