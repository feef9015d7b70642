from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "fastbias", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("fastbias")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261203)
