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

import hashlib
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numba

__all__ = ["N_BLOCKS", "jit", "jit_inline", "jit_parallel", "package_stamp"]

_OPTIONS = dict(cache=True, nogil=True, error_model="numpy", fastmath=False)
_ROOT = Path(__file__).resolve().parent
_STAMP: str | None = None


def package_stamp(root: Path = _ROOT) -> str:
    """sha256 of every ``.py`` file under ``root`` (names and contents): the cache's source stamp.

    numba keys a cached function on its own file only. The loops inline kernels
    from other modules (``inline="always"``), so editing ``kernels/neuron.py``
    would leave the cached steppers running the old kernel: silently different
    bits. Stamping every cached fastbias function with the whole package makes
    any source change recompile everything, as a version upgrade does.
    """
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _package_cache(dispatcher: Any) -> Any:
    """Give a ``cache=True`` dispatcher a cache whose source stamp is :func:`package_stamp`.

    Uses numba's cache classes (``numba.core.caching``, not a public API): if
    they change shape, fastbias warns once and keeps numba's own per-file cache.
    """
    global _STAMP
    try:
        from numba.core.caching import CompileResultCacheImpl, FunctionCache

        if _STAMP is None:
            _STAMP = package_stamp()
        stamp = _STAMP

        class _Impl(CompileResultCacheImpl):
            def __init__(self, py_func):
                super().__init__(py_func)
                self._locator.get_source_stamp = lambda: stamp

        class _Cache(FunctionCache):
            _impl_class = _Impl

        dispatcher._cache = _Cache(dispatcher.py_func)
    except Exception as exc:  # pragma: no cover - depends on numba internals
        warnings.warn(f"fastbias: package-wide numba cache stamp unavailable ({exc}); "
                      "after editing fastbias sources, clear its __pycache__", RuntimeWarning, stacklevel=3)
    return dispatcher


def _decorator(**options: Any) -> Callable[[Callable], Any]:
    def wrap(func: Callable) -> Any:
        return _package_cache(numba.njit(**options)(func))

    return wrap


#: Serial kernels and loops.
jit = _decorator(**_OPTIONS)

#: Small helpers of the hot loops, inlined into their callers at numba-IR level:
#: LLVM alone does not inline a row pass that returns a tuple, and the call plus
#: the tuple's trip through memory cost about as much as the work at n = 3.
jit_inline = _decorator(inline="always", **_OPTIONS)

#: Kernels with ``prange``.
jit_parallel = _decorator(parallel=True, **_OPTIONS)

#: Number of row blocks of the parallel reductions. Fixed, so that the
#: summation order (and therefore every bit of the result) does not depend on
#: the number of threads.
N_BLOCKS = 64
