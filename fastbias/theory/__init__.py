"""Theory: max-margin directions, landscape regions, outcomes and rates of the paper's theorems."""

from __future__ import annotations

from fastbias.theory.landscape import (
    LocalCheck,
    Outcome,
    Prediction,
    Region,
    check_local,
    in_local_region,
    outcome,
    predict,
    region,
)
from fastbias.theory.margin import (
    MaxMargin,
    constrained_direction,
    global_direction,
    leaky_direction,
    linear_direction,
    local_direction,
    max_margin,
)
from fastbias.theory.rates import RATES, RateFit, fit_rate, loss_ratio, norm_offset, rate, sgd_norm_ratio

__all__ = [
    "RATES",
    "LocalCheck",
    "MaxMargin",
    "Outcome",
    "Prediction",
    "RateFit",
    "Region",
    "check_local",
    "constrained_direction",
    "fit_rate",
    "global_direction",
    "in_local_region",
    "leaky_direction",
    "linear_direction",
    "local_direction",
    "loss_ratio",
    "max_margin",
    "norm_offset",
    "outcome",
    "predict",
    "rate",
    "region",
    "sgd_norm_ratio",
]
