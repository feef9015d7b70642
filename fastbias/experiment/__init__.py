"""Config-driven experiments: run directories, crash-safe state, resume, results, reports, reproduction.

See ``fastbias.cli`` for the command line (``fastbias run | resume | report |
reproduce | init-config``) and the submodules:

* :mod:`fastbias.experiment.config`: TOML schema and validation, the default experiment;
* :mod:`fastbias.experiment.state`: atomic, checksummed state files;
* :mod:`fastbias.experiment.runner`: run directories, execution, saving, resume and extension;
* :mod:`fastbias.experiment.analysis`: direction errors, rate fits, Theorem 4.2 outcomes;
* :mod:`fastbias.experiment.report`: summaries and tables from saved results;
* :mod:`fastbias.experiment.reproduce`: every checkable claim of the paper.
"""

from __future__ import annotations

from fastbias.experiment.config import (
    DEFAULT_CONFIG,
    ConfigError,
    DataSpec,
    ExperimentSpec,
    RunSpec,
    load_config,
    parse_config,
)
from fastbias.experiment.runner import ExperimentError, create_experiment, execute, make_run
from fastbias.experiment.state import StateError, load_state, save_state

__all__ = [
    "DEFAULT_CONFIG",
    "ConfigError",
    "DataSpec",
    "ExperimentError",
    "ExperimentSpec",
    "RunSpec",
    "StateError",
    "create_experiment",
    "execute",
    "load_config",
    "load_state",
    "make_run",
    "parse_config",
    "save_state",
]
