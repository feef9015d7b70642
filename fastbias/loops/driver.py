"""Small helpers shared by the drivers: versions of what produced a result, status names."""

from __future__ import annotations

import platform
import sys

import numpy as np

from fastbias.loops.steppers import STATUS_NAMES

__all__ = ["status_names", "versions"]


def versions() -> dict[str, str]:
    """Versions of what produced a result."""
    import numba
    import scipy

    from fastbias import __version__

    return {
        "fastbias": __version__,
        "numba": numba.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
    }


def status_names(status: np.ndarray) -> np.ndarray:
    """Status codes to names."""
    return np.asarray(STATUS_NAMES, dtype=object)[status]
