"""Compiled kernels, callable from Python and from users' own ``@numba.njit`` code.

All are module-level ``@njit`` functions with outputs passed in; see
:mod:`fastbias.kernels.neuron` for the calling conventions.
"""

from fastbias.kernels.activation import dsigma, sigma
from fastbias.kernels.neuron import (
    excess_loss,
    loss,
    loss_grad,
    loss_grad_parallel,
    margins,
    sample_loss_grad,
)
from fastbias.kernels.rng import draw_index, mix64, replicate_key

__all__ = [
    "draw_index",
    "dsigma",
    "excess_loss",
    "loss",
    "loss_grad",
    "loss_grad_parallel",
    "margins",
    "mix64",
    "replicate_key",
    "sample_loss_grad",
    "sigma",
]
