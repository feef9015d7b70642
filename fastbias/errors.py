"""Exceptions and warnings raised by fastbias.

Every error about user input is a :class:`ValueError` subclass, so callers that
already catch ``ValueError`` keep working.
"""

from __future__ import annotations

__all__ = ["FastbiasError", "InputError", "ModelWarning", "NotSeparableError", "StepSizeWarning"]


class FastbiasError(ValueError):
    """Base class of every error fastbias raises on bad input or data."""


class InputError(FastbiasError):
    """An argument has the wrong shape, type or value."""


class NotSeparableError(FastbiasError):
    """The data admit no direction with a positive margin."""


class StepSizeWarning(UserWarning):
    """The step size exceeds the local smoothness bound the theory assumes."""


class ModelWarning(UserWarning):
    """A model is valid but outside the assumptions of the paper's theorems."""
