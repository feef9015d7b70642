"""Compiled kernels, callable from Python and from users' own ``@numba.njit`` code.

All are module-level ``@njit`` functions with outputs passed in; see
:mod:`fastbias.kernels.neuron` for the calling conventions (and
:mod:`fastbias.kernels.network` for the one-hidden-layer network's).
"""

from fastbias.kernels.activation import dsigma, sigma
from fastbias.kernels.network import (
    net_forward,
    net_loss,
    net_loss_grad,
    net_loss_grad_parallel,
    net_sample_loss_grad,
)
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
    "net_forward",
    "net_loss",
    "net_loss_grad",
    "net_loss_grad_parallel",
    "net_sample_loss_grad",
    "replicate_key",
    "sample_loss_grad",
    "sigma",
]
