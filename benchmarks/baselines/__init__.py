"""Baselines the benchmarks compare fastbias with: NumPy, C (ctypes) and JAX.

They are implemented in ``fastbias/_baselines.py``, so that ``python -m
fastbias.bench`` has them in an installed package; here they are loaded from
the working tree (see :func:`benchmarks._common.load_baselines`), so that asv
measures every commit against the same yardstick.

* NumPy: :func:`numpy_gd` (per-step loop, two BLAS passes per step),
  :func:`numpy_sgd` (per-step loop, tuned), :func:`numpy_sgd_plain` (per-step loop as written
  from the formulae), :func:`numpy_loss_grad` (two BLAS passes).
* C: :func:`load_c` compiles :data:`C_SOURCE` with the system compiler
  (``cc -O3 -march=native -shared -fPIC``; variants ``"fastmath"`` adds
  ``-ffast-math``, ``"openmp"`` adds ``-fopenmp``) into a temporary directory
  and loads it with ctypes; it raises :class:`BaselineUnavailable` with the
  reason when there is no compiler.
* JAX: :func:`load_jax` (``jit`` + ``lax.fori_loop``, float64) when
  ``import jax`` works; :class:`BaselineUnavailable` otherwise.
"""

from __future__ import annotations

from .._common import load_baselines

_impl = load_baselines()

C_SOURCE = _impl.C_SOURCE
C_VARIANTS = _impl.C_VARIANTS
BaselineUnavailable = _impl.BaselineUnavailable
draw_indices = _impl.draw_indices
find_compiler = _impl.find_compiler
load_c = _impl.load_c
load_jax = _impl.load_jax
numpy_gd = _impl.numpy_gd
numpy_loss_grad = _impl.numpy_loss_grad
numpy_sgd = _impl.numpy_sgd
numpy_sgd_plain = _impl.numpy_sgd_plain
planted_problem = _impl.planted_problem
replicate_keys = _impl.replicate_keys

__all__ = [
    "C_SOURCE",
    "C_VARIANTS",
    "BaselineUnavailable",
    "draw_indices",
    "find_compiler",
    "load_c",
    "load_jax",
    "numpy_gd",
    "numpy_loss_grad",
    "numpy_sgd",
    "numpy_sgd_plain",
    "planted_problem",
    "replicate_keys",
]
