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
from fastbias.theory.network import (
    ClassReport,
    NetworkOutcome,
    Partition,
    effective_weights,
    network_outcome,
    partition_directions,
    partitions,
)
from fastbias.theory.rates import RATES, RateFit, fit_rate, loss_ratio, norm_offset, rate, sgd_norm_ratio

__all__ = [
    "RATES",
    "ClassReport",
    "LocalCheck",
    "MaxMargin",
    "NetworkOutcome",
    "Outcome",
    "Partition",
    "Prediction",
    "RateFit",
    "Region",
    "check_local",
    "constrained_direction",
    "effective_weights",
    "fit_rate",
    "global_direction",
    "in_local_region",
    "leaky_direction",
    "linear_direction",
    "local_direction",
    "loss_ratio",
    "max_margin",
    "network_outcome",
    "norm_offset",
    "outcome",
    "partition_directions",
    "partitions",
    "predict",
    "rate",
    "region",
    "sgd_norm_ratio",
]
