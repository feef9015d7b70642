"""fastbias: Numba-compiled kernels for the implicit bias of GD and SGD under ReLU models.

Public API
----------
gd, sgd
    Run gradient descent / SGD on a single neuron with activation slope a
    (0 ReLU, 1 linear, between leaky ReLU) and exponential loss.
log_schedule
    Log-spaced checkpoint counts.
Trajectory
    The recorded result.
kernels
    Compiled kernels, callable from users' own ``@numba.njit`` code.
"""

from __future__ import annotations

__version__ = "0.1.0"

from fastbias.errors import FastbiasError, InputError, ModelWarning, NotSeparableError, StepSizeWarning
from fastbias.loops import Trajectory, gd, log_schedule, sgd
from fastbias.models import Network

__all__ = [
    "FastbiasError",
    "InputError",
    "ModelWarning",
    "Network",
    "NotSeparableError",
    "StepSizeWarning",
    "Trajectory",
    "__version__",
    "gd",
    "log_schedule",
    "sgd",
]
