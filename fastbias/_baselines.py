"""Baselines that fastbias is measured against: NumPy, C (through ctypes) and JAX.

Not part of the public API. Every baseline computes exactly what the matching
fastbias loop computes (same model, same step rule, same random stream), so
results agree to rounding and every speed claim can be a ratio measured in one
run:

* **NumPy**: a per-step GD loop (two BLAS passes per step: ``X @ w``, then
  ``X.T @ coef``), a per-step SGD loop (indices and step sizes drawn in
  vectorised blocks, one Python iteration per step) and the two-pass gradient.
* **C**: the straightforward reference loops, in :data:`C_SOURCE`, written to a
  ``.c`` file and compiled at run time with the system compiler
  (``cc -O3 -march=native -shared -fPIC``, plus ``-ffast-math`` and
  ``-fopenmp`` variants) into a temporary directory and loaded with
  :mod:`ctypes`. GD computes every ``exp`` (no ReLU-mask shortcut), SGD computes
  its step size with ``pow`` at every step and keeps a plain running sum, the
  gradient is one fused pass over ``X``.
* **JAX** (optional, only when ``import jax`` works): ``jit`` + ``lax.fori_loop``
  in float64.

This module imports nothing from fastbias, so the asv suite can load it from
the working tree while it benchmarks older commits of the package.
"""

from __future__ import annotations

import atexit
import ctypes
import functools
import math
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "C_SOURCE",
    "C_VARIANTS",
    "BaselineUnavailable",
    "CBaselines",
    "JaxBaselines",
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

_MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB


class BaselineUnavailable(RuntimeError):
    """A baseline cannot run here (no compiler, no JAX); the message says why."""


def planted_problem(n: int, d: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A separable benchmark problem whose GD and SGD runs stay alive.

    Rows are Gaussian with norm about 1 (so eta = 1 is a small step), labels
    alternate and rows are flipped so that ``u``, a random unit vector,
    separates them; the start is ``u / 2``:
    every positive is active and every negative inactive under ReLU, so no run
    dies and about half the samples cost no ``exp`` in fastbias' loops.

    Returns
    -------
    (X, y, w0)
        C-contiguous float64 arrays of shapes (n, d), (n,), (d,).
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X *= 1.0 / math.sqrt(d)
    u = rng.standard_normal(d)
    u /= np.linalg.norm(u)
    # Labels alternate (both classes for any n >= 2); each row is flipped to
    # the side of u its label says.
    y = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    X *= np.where(y * (X @ u) >= 0.0, 1.0, -1.0)[:, None]
    return X, y, 0.5 * u


# ---------------------------------------------------------------- random stream
# The counter-based stream of fastbias.kernels.rng, re-implemented here so the
# baselines draw the same indices: u_k = mix64(key + (k + 1) * GOLDEN), reduced
# to [0, n) by Lemire's multiply-shift on the high, then the low, 32 bits.


def _mix64_int(z: int) -> int:
    z &= _MASK64
    z = ((z ^ (z >> 30)) * _M1) & _MASK64
    z = ((z ^ (z >> 27)) * _M2) & _MASK64
    return z ^ (z >> 31)


def replicate_keys(seed: int, replicates: int) -> np.ndarray:
    """Stream keys of replicates 0..R-1 of a run with integer ``seed`` (uint64 array)."""
    base = _mix64_int(seed)
    keys = [_mix64_int(base + (r + 1) * _GOLDEN) for r in range(replicates)]
    return np.array(keys, dtype=np.uint64)


def _draw_index_int(key: int, k: int, n: int) -> int:
    """Scalar draw; the slow path of :func:`draw_indices` (rejections are rare)."""
    threshold = (2**32 - n) % n
    u = _mix64_int(key + (k + 1) * _GOLDEN)
    while True:
        for half in (u >> 32, u & 0xFFFFFFFF):
            m = half * n
            if (m & 0xFFFFFFFF) >= threshold:
                return m >> 32
        u = _mix64_int(u)


def _mix64_array(z: np.ndarray) -> np.ndarray:
    # uint64 array arithmetic wraps modulo 2**64 without warnings.
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_M1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_M2)
    return z ^ (z >> np.uint64(31))


def draw_indices(key: int, k0: int, count: int, n: int) -> np.ndarray:
    """Sample indices of steps k0..k0+count-1 of the stream ``key``, vectorised.

    Parameters
    ----------
    key : int
        Replicate key (see :func:`replicate_keys`).
    k0 : int
        First global step.
    count : int
        Number of steps.
    n : int
        Number of samples, 1 <= n < 2**32.

    Returns
    -------
    numpy.ndarray of int64, shape (count,)
    """
    key = int(key)
    k = np.arange(k0 + 1, k0 + count + 1, dtype=np.uint64)
    u = _mix64_array(np.full(count, key, dtype=np.uint64) + k * np.uint64(_GOLDEN))
    threshold = np.uint64((2**32 - n) % n)
    nn = np.uint64(n)
    low = np.uint64(0xFFFFFFFF)
    m = (u >> np.uint64(32)) * nn
    idx = (m >> np.uint64(32)).astype(np.int64)
    bad = np.flatnonzero((m & low) < threshold)
    for j in bad.tolist():
        idx[j] = _draw_index_int(key, k0 + j, n)
    return idx


# ---------------------------------------------------------------- NumPy


def _terms(m: np.ndarray, y: np.ndarray, slope: float) -> tuple[np.ndarray, np.ndarray]:
    on = m > 0.0
    s = np.where(on, m, slope * m)
    ds = np.where(on, 1.0, slope)
    e = np.exp(-y * s)
    return e, -y * ds * e


def numpy_loss_grad(
    w: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float = 0.0
) -> tuple[float, np.ndarray]:
    """Mean loss and gradient with two BLAS passes: ``X @ w``, then ``X.T @ coef``.

    Parameters
    ----------
    w : numpy.ndarray, shape (d,)
    X : numpy.ndarray, shape (n, d)
    y : numpy.ndarray, shape (n,)
    slope : float
        Activation slope (0: ReLU).

    Returns
    -------
    (float, numpy.ndarray)
        L(w) and its gradient.
    """
    inv_n = 1.0 / X.shape[0]
    e, coef = _terms(X @ w, y, slope)
    return float(e.sum()) * inv_n, (X.T @ coef) * inv_n


def numpy_gd(
    X: np.ndarray, y: np.ndarray, w0: np.ndarray, eta: float, n_iter: int, slope: float = 0.0
) -> np.ndarray:
    """``n_iter`` GD steps w <- w - eta grad L(w), one Python iteration per step.

    Returns
    -------
    numpy.ndarray
        The last iterate (``w0`` is not modified).
    """
    w = np.array(w0, dtype=np.float64)
    scale = eta / X.shape[0]
    for _ in range(n_iter):
        _, coef = _terms(X @ w, y, slope)
        w -= scale * (X.T @ coef)
    return w


def numpy_sgd(
    X: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    n_iter: int,
    eta0: float,
    alpha: float,
    key: int,
    slope: float = 0.0,
    k0: int = 0,
    block: int = 65536,
) -> tuple[np.ndarray, np.ndarray]:
    """SGD steps k0..k0+n_iter-1 of one replicate, one Python iteration per step.

    Indices and step sizes eta_k = eta0 (k + 1)^-alpha are drawn in vectorised
    blocks; the step itself is scalar Python plus one small dot product.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The last iterate w and the running sum sum_k w_k over the steps taken
        (plain, not compensated).
    """
    n = X.shape[0]
    w = np.array(w0, dtype=np.float64)
    wsum = np.zeros_like(w)
    yl = y.tolist()
    for b0 in range(k0, k0 + n_iter, block):
        count = min(block, k0 + n_iter - b0)
        idx = draw_indices(key, b0, count, n).tolist()
        if alpha == 0.0:
            etas = [eta0] * count
        else:
            etas = (eta0 * (np.arange(b0, b0 + count) + 1.0) ** (-alpha)).tolist()
        for j in range(count):
            i = idx[j]
            x = X[i]
            wsum += w
            m = float(x @ w)
            yi = yl[i]
            if m > 0.0:
                coef = -yi * math.exp(-yi * m)
            elif slope == 0.0:
                continue
            else:
                coef = -yi * slope * math.exp(-yi * slope * m)
            w -= (etas[j] * coef) * x
    return w, wsum


def numpy_sgd_plain(
    X: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    n_iter: int,
    eta0: float,
    alpha: float,
    key: int,
    slope: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """SGD written straight from the formulae, every step in NumPy: the loop a user writes first.

    Per step: draw i_k (scalar stream), eta_k = eta0 (k + 1)^-alpha, the sample's
    loss term through the same array expressions as :func:`numpy_gd`, and the
    update ``w - eta_k coef x`` even when ``coef`` is 0. :func:`numpy_sgd` is the
    tuned loop (draws and step sizes in vectorised blocks, scalar arithmetic, no
    update for an inactive sample); fastbias' targets are judged against that
    one, this one is reported for scale.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The last iterate and the plain running sum sum_k w_k.
    """
    n = X.shape[0]
    key = int(key)
    w = np.array(w0, dtype=np.float64)
    wsum = np.zeros_like(w)
    for k in range(n_iter):
        i = _draw_index_int(key, k, n)
        eta = eta0 * (k + 1.0) ** (-alpha)
        x = X[i]
        _, coef = _terms(x @ w, y[i], slope)
        wsum += w
        w = w - eta * coef * x
    return w, wsum


# ---------------------------------------------------------------- C

#: The reference loops in C. ``ref_gd`` evaluates ``exp`` for every sample,
#: ``ref_sgd`` calls ``pow`` at every step.
C_SOURCE = r"""
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define GOLDEN 0x9E3779B97F4A7C15ULL
#define LOW32 0xFFFFFFFFULL

static inline uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Lemire's multiply-shift of a 32-bit word; -1 asks for a rejection. */
static inline int64_t reduce32(uint64_t x, uint64_t n) {
    uint64_t m = x * n;
    uint64_t lo = m & LOW32;
    if (lo < n && lo < (4294967296ULL - n) % n) return -1;
    return (int64_t)(m >> 32);
}

static inline int64_t draw_index(uint64_t key, int64_t k, uint64_t n) {
    uint64_t u = mix64(key + (uint64_t)(k + 1) * GOLDEN);
    for (;;) {
        int64_t i = reduce32(u >> 32, n);
        if (i >= 0) return i;
        i = reduce32(u & LOW32, n);
        if (i >= 0) return i;
        u = mix64(u);
    }
}

static inline double dot(const double *w, const double *x, int64_t d) {
    double s = 0.0;
    for (int64_t j = 0; j < d; j++) s += w[j] * x[j];
    return s;
}

/* Loss term e and gradient coefficient c of one sample, exp always evaluated. */
static inline double term(double m, double yi, double slope, double *c) {
    double s = m > 0.0 ? m : slope * m;
    double ds = m > 0.0 ? 1.0 : slope;
    double e = exp(-yi * s);
    *c = -yi * ds * e;
    return e;
}

int64_t ref_gd(const double *X, const double *y, int64_t n, int64_t d, double slope, double eta,
               double *w, double *g, int64_t n_iter) {
    double scale = eta / (double)n;
    for (int64_t t = 0; t < n_iter; t++) {
        for (int64_t j = 0; j < d; j++) g[j] = 0.0;
        for (int64_t i = 0; i < n; i++) {
            const double *x = X + i * d;
            double c;
            term(dot(w, x, d), y[i], slope, &c);
            for (int64_t j = 0; j < d; j++) g[j] += c * x[j];
        }
        for (int64_t j = 0; j < d; j++) w[j] -= scale * g[j];
    }
    return n_iter;
}

void ref_sgd(const double *X, const double *y, int64_t n, int64_t d, double slope, double eta0,
             double alpha, const uint64_t *keys, int64_t R, double *W, double *S, int64_t k0,
             int64_t n_iter) {
    for (int64_t r = 0; r < R; r++) {
        double *w = W + r * d;
        double *s = S + r * d;
        for (int64_t k = k0; k < k0 + n_iter; k++) {
            for (int64_t j = 0; j < d; j++) s[j] += w[j];
            int64_t i = draw_index(keys[r], k, (uint64_t)n);
            double eta = eta0 * pow((double)k + 1.0, -alpha);
            const double *x = X + i * d;
            double c;
            term(dot(w, x, d), y[i], slope, &c);
            double step = eta * c;
            for (int64_t j = 0; j < d; j++) w[j] -= step * x[j];
        }
    }
}

double ref_loss_grad(const double *X, const double *y, int64_t n, int64_t d, double slope,
                     const double *w, double *g) {
    double total = 0.0;
    for (int64_t j = 0; j < d; j++) g[j] = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const double *x = X + i * d;
        double c;
        total += term(dot(w, x, d), y[i], slope, &c);
        for (int64_t j = 0; j < d; j++) g[j] += c * x[j];
    }
    double inv_n = 1.0 / (double)n;
    for (int64_t j = 0; j < d; j++) g[j] *= inv_n;
    return total * inv_n;
}

#ifdef _OPENMP
int64_t ref_threads(void) { return omp_get_max_threads(); }

double ref_loss_grad_omp(const double *X, const double *y, int64_t n, int64_t d, double slope,
                         const double *w, double *g) {
    double total = 0.0;
    for (int64_t j = 0; j < d; j++) g[j] = 0.0;
    #pragma omp parallel
    {
        double *gl = calloc((size_t)d, sizeof(double));
        double tl = 0.0;
        #pragma omp for schedule(static)
        for (int64_t i = 0; i < n; i++) {
            const double *x = X + i * d;
            double c;
            tl += term(dot(w, x, d), y[i], slope, &c);
            for (int64_t j = 0; j < d; j++) gl[j] += c * x[j];
        }
        #pragma omp critical
        {
            total += tl;
            for (int64_t j = 0; j < d; j++) g[j] += gl[j];
        }
        free(gl);
    }
    double inv_n = 1.0 / (double)n;
    for (int64_t j = 0; j < d; j++) g[j] *= inv_n;
    return total * inv_n;
}
#endif
"""

#: Compiler flags of each C variant (besides ``-shared -fPIC``).
C_VARIANTS: dict[str, tuple[str, ...]] = {
    "O3": ("-O3", "-march=native"),
    "fastmath": ("-O3", "-march=native", "-ffast-math"),
    "openmp": ("-O3", "-march=native", "-fopenmp"),
}

_F64 = np.ctypeslib.ndpointer(dtype=np.float64, flags="C_CONTIGUOUS")
_U64 = np.ctypeslib.ndpointer(dtype=np.uint64, flags="C_CONTIGUOUS")
_I64 = ctypes.c_int64
_DBL = ctypes.c_double


def find_compiler() -> str | None:
    """The C compiler to use: ``$CC``, else ``cc``, ``gcc`` or ``clang`` on PATH; None if none."""
    for name in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


@dataclass
class CBaselines:
    """The compiled reference loops of one variant (see :data:`C_VARIANTS`).

    Attributes
    ----------
    variant : str
        Key of :data:`C_VARIANTS`.
    command : list of str
        The compiler command that built the library.
    path : pathlib.Path
        The shared library.
    """

    variant: str
    command: list[str]
    path: Path
    lib: Any = field(repr=False)

    def __post_init__(self) -> None:
        lib = self.lib
        lib.ref_gd.restype = _I64
        lib.ref_gd.argtypes = [_F64, _F64, _I64, _I64, _DBL, _DBL, _F64, _F64, _I64]
        lib.ref_sgd.restype = None
        lib.ref_sgd.argtypes = [_F64, _F64, _I64, _I64, _DBL, _DBL, _DBL, _U64, _I64, _F64, _F64, _I64, _I64]
        lib.ref_loss_grad.restype = _DBL
        lib.ref_loss_grad.argtypes = [_F64, _F64, _I64, _I64, _DBL, _F64, _F64]
        self.has_openmp = hasattr(lib, "ref_loss_grad_omp")
        if self.has_openmp:
            lib.ref_loss_grad_omp.restype = _DBL
            lib.ref_loss_grad_omp.argtypes = lib.ref_loss_grad.argtypes
            lib.ref_threads.restype = _I64

    @property
    def threads(self) -> int:
        """OpenMP threads of :meth:`loss_grad_parallel` (1 without OpenMP)."""
        return int(self.lib.ref_threads()) if self.has_openmp else 1

    def gd(
        self, X: np.ndarray, y: np.ndarray, w0: np.ndarray, eta: float, n_iter: int, slope: float = 0.0
    ) -> np.ndarray:
        """``n_iter`` GD steps from ``w0`` (not modified); returns the last iterate."""
        w = np.array(w0, dtype=np.float64)
        g = np.empty_like(w)
        self.lib.ref_gd(X, y, X.shape[0], X.shape[1], slope, eta, w, g, n_iter)
        return w

    def sgd(
        self,
        X: np.ndarray,
        y: np.ndarray,
        W0: np.ndarray,
        n_iter: int,
        eta0: float,
        alpha: float,
        keys: np.ndarray,
        slope: float = 0.0,
        k0: int = 0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """SGD steps k0..k0+n_iter-1 of R replicates, one after the other (one thread).

        Parameters
        ----------
        W0 : numpy.ndarray, shape (R, d)
            Start of each replicate (not modified).
        keys : numpy.ndarray of uint64, shape (R,)
            Stream keys (:func:`replicate_keys`).

        Returns
        -------
        (numpy.ndarray, numpy.ndarray)
            Last iterates (R, d) and plain running sums (R, d).
        """
        W = np.array(W0, dtype=np.float64, ndmin=2)
        S = np.zeros_like(W)
        keys = np.ascontiguousarray(keys, dtype=np.uint64)
        self.lib.ref_sgd(
            X, y, X.shape[0], X.shape[1], slope, eta0, alpha, keys, W.shape[0], W, S, k0, n_iter
        )
        return W, S

    def loss_grad(
        self, w: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float = 0.0
    ) -> tuple[float, np.ndarray]:
        """Mean loss and gradient in one fused pass over ``X`` (one thread)."""
        g = np.empty(X.shape[1])
        return self.lib.ref_loss_grad(X, y, X.shape[0], X.shape[1], slope, w, g), g

    def loss_grad_parallel(
        self, w: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float = 0.0
    ) -> tuple[float, np.ndarray]:
        """:meth:`loss_grad` with OpenMP threads (``openmp`` variant only)."""
        if not self.has_openmp:
            raise BaselineUnavailable(f"the C variant {self.variant!r} was built without OpenMP")
        g = np.empty(X.shape[1])
        return self.lib.ref_loss_grad_omp(X, y, X.shape[0], X.shape[1], slope, w, g), g


_BUILD_DIR: list[str] = []


def _build_dir() -> str:
    if not _BUILD_DIR:
        path = tempfile.mkdtemp(prefix="fastbias-cref-")
        atexit.register(shutil.rmtree, path, True)
        _BUILD_DIR.append(path)
    return _BUILD_DIR[0]


@functools.cache
def load_c(variant: str = "O3") -> CBaselines:
    """Compile (once per process) and load the C reference loops.

    Parameters
    ----------
    variant : {"O3", "fastmath", "openmp"}
        Flag set of :data:`C_VARIANTS`. If the compiler rejects
        ``-march=native``, the build is retried without it (the command used is
        recorded in :attr:`CBaselines.command`).

    Raises
    ------
    BaselineUnavailable
        No C compiler, or the build or load failed (the message says why).
    """
    if variant not in C_VARIANTS:
        raise ValueError(f"unknown C variant {variant!r}; choose from {sorted(C_VARIANTS)}")
    cc = find_compiler()
    if cc is None:
        raise BaselineUnavailable("no C compiler found ($CC, cc, gcc, clang): C baselines skipped")
    directory = Path(_build_dir())
    src = directory / "fastbias_ref.c"
    if not src.exists():
        src.write_text(C_SOURCE)
    so = directory / f"fastbias_ref_{variant}.so"
    flags = list(C_VARIANTS[variant])
    attempts = [flags, [f for f in flags if f != "-march=native"]]
    errors = []
    obj = directory / f"fastbias_ref_{variant}.o"
    for attempt in attempts:
        # Compile with the variant's flags, link without them: linking with
        # -ffast-math pulls in crtfastmath.o, whose constructor turns on
        # flush-to-zero for the whole process as soon as the library loads.
        cmd = [cc, *attempt, "-fPIC", "-c", "-o", str(obj), str(src)]
        link = [cc, "-shared", *(f for f in attempt if f != "-ffast-math"), "-o", str(so), str(obj), "-lm"]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
            if proc.returncode == 0:
                proc = subprocess.run(link, capture_output=True, text=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BaselineUnavailable(f"C compiler {cc} failed to run: {exc}") from None
        if proc.returncode == 0:
            try:
                lib = ctypes.CDLL(str(so))
            except OSError as exc:
                raise BaselineUnavailable(f"built {so} but could not load it: {exc}") from None
            return CBaselines(variant=variant, command=cmd, path=so, lib=lib)
        errors.append(f"$ {' '.join(cmd)}\n{proc.stderr.strip()}")
    raise BaselineUnavailable(f"C baseline {variant!r} did not compile:\n" + "\n".join(errors))


# ---------------------------------------------------------------- JAX


@dataclass
class JaxBaselines:
    """``jit`` + ``lax.fori_loop`` versions of the loops, in float64.

    The random stream is computed in the graph (same indices as fastbias).
    Each method returns NumPy arrays after ``block_until_ready``.
    """

    jax: Any = field(repr=False)
    _gd: Any = field(repr=False)
    _sgd: Any = field(repr=False)
    _loss_grad: Any = field(repr=False)

    @property
    def version(self) -> str:
        """The JAX version."""
        return str(self.jax.__version__)

    def device(self, a: np.ndarray) -> Any:
        """``a`` as a JAX array (convert large inputs once, outside timed calls)."""
        return self.jax.numpy.asarray(a)

    def gd(
        self, X: np.ndarray, y: np.ndarray, w0: np.ndarray, eta: float, n_iter: int, slope: float = 0.0
    ) -> np.ndarray:
        """``n_iter`` GD steps; returns the last iterate."""
        out = self._gd(X, y, np.asarray(w0, dtype=np.float64), eta, slope, n_iter)
        return np.asarray(out.block_until_ready())

    def sgd(
        self,
        X: np.ndarray,
        y: np.ndarray,
        w0: np.ndarray,
        n_iter: int,
        eta0: float,
        alpha: float,
        key: int,
        slope: float = 0.0,
        k0: int = 0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """SGD steps k0..k0+n_iter-1 of one replicate; returns (w, plain running sum)."""
        w, s = self._sgd(
            X, y, np.asarray(w0, dtype=np.float64), eta0, alpha, np.uint64(key), slope, k0, k0 + n_iter
        )
        return np.asarray(w.block_until_ready()), np.asarray(s)

    def loss_grad(
        self, w: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float = 0.0
    ) -> tuple[float, np.ndarray]:
        """Mean loss and gradient (XLA decides the passes)."""
        loss, g = self._loss_grad(w, X, y, slope)
        return float(loss), np.asarray(g.block_until_ready())


@functools.cache
def load_jax() -> JaxBaselines:
    """Build the JAX baselines (enables ``jax_enable_x64`` for the process).

    Raises
    ------
    BaselineUnavailable
        When ``import jax`` fails.
    """
    try:
        import jax
        import jax.numpy as jnp
        from jax import lax
    except Exception as exc:  # ImportError, or a broken jaxlib
        raise BaselineUnavailable(f"JAX baselines skipped: import jax failed ({exc})") from None
    jax.config.update("jax_enable_x64", True)

    golden = jnp.uint64(_GOLDEN)
    m1 = jnp.uint64(_M1)
    m2 = jnp.uint64(_M2)
    low = jnp.uint64(0xFFFFFFFF)

    def mix64(z):
        z = (z ^ (z >> jnp.uint64(30))) * m1
        z = (z ^ (z >> jnp.uint64(27))) * m2
        return z ^ (z >> jnp.uint64(31))

    def reduce32(x, n, threshold):
        m = x * n
        ok = (m & low) >= threshold
        return jnp.where(ok, (m >> jnp.uint64(32)).astype(jnp.int64), -1)

    def draw(key, k, n):
        nn = jnp.uint64(n)
        threshold = jnp.uint64((2**32 - n) % n)

        def attempt(u):
            i = reduce32(u >> jnp.uint64(32), nn, threshold)
            return jnp.where(i >= 0, i, reduce32(u & low, nn, threshold))

        u0 = mix64(key + (k + 1).astype(jnp.uint64) * golden)
        _, i = lax.while_loop(lambda c: c[1] < 0, lambda c: (mix64(c[0]), attempt(mix64(c[0]))),
                              (u0, attempt(u0)))
        return i

    def terms(m, y, slope):
        on = m > 0.0
        s = jnp.where(on, m, slope * m)
        ds = jnp.where(on, 1.0, slope)
        e = jnp.exp(-y * s)
        return e, -y * ds * e

    @jax.jit
    def gd(X, y, w0, eta, slope, n_iter):
        scale = eta / X.shape[0]

        def body(_, w):
            _, coef = terms(X @ w, y, slope)
            return w - scale * (X.T @ coef)

        return lax.fori_loop(0, n_iter, body, w0)

    @jax.jit
    def sgd(X, y, w0, eta0, alpha, key, slope, k0, k1):
        n = X.shape[0]

        def body(k, state):
            w, s = state
            s = s + w
            i = draw(key, k, n)
            x = X[i]
            eta = eta0 * jnp.power(k + 1.0, -alpha)
            _, coef = terms(jnp.dot(w, x), y[i], slope)
            return w - (eta * coef) * x, s

        return lax.fori_loop(k0, k1, body, (w0, jnp.zeros_like(w0)))

    @jax.jit
    def loss_grad(w, X, y, slope):
        inv_n = 1.0 / X.shape[0]
        e, coef = terms(X @ w, y, slope)
        return e.sum() * inv_n, (X.T @ coef) * inv_n

    return JaxBaselines(jax=jax, _gd=gd, _sgd=sgd, _loss_grad=loss_grad)
