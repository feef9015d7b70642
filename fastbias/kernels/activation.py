"""The leaky-ReLU family: sigma(v) = v for v > 0, slope * v otherwise.

``slope = 0`` is ReLU, ``slope = 1`` the linear model, in between leaky ReLU.
At ``v = 0`` the derivative is ``slope`` (ReLU inactive at w.x = 0, as in the
paper's Theorem 4.1).
"""

from __future__ import annotations

from fastbias._jit import jit

__all__ = ["dsigma", "sigma"]


@jit
def sigma(v: float, slope: float) -> float:
    """Activation sigma(v) for activation slope ``slope`` in [0, 1]."""
    return v if v > 0.0 else slope * v


@jit
def dsigma(v: float, slope: float) -> float:
    """Derivative sigma'(v): 1 for v > 0, ``slope`` otherwise."""
    return 1.0 if v > 0.0 else slope
