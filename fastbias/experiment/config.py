"""Experiment configs: TOML schema, validation, and the built-in default experiment.

A config is a TOML file with a few experiment-wide settings and one or more
``[[run]]`` tables. Everything is checked before any work: an unknown key, a
wrong type, a missing data file or an impossible value raises
:class:`ConfigError`, whose message is one line naming the key (``run[1].eta``)
and the problem. The data of every run are built (or read) during validation,
so shape mismatches between ``w0`` and the data are caught too.

The schema (defaults in brackets)::

    name = "headline"            # experiment name ["experiment"]
    description = "..."          # free text [""]
    save_every = 30.0            # seconds between state saves [30]
    chunk_seconds = 1.0          # compiled work between returns to Python [1]
    checkpoints = 10             # default checkpoints per decade [10]
    figures = true               # write PNG figures (needs matplotlib) [true]

    [[run]]
    name = "gd-prop2"            # sub-directory name [<algorithm>-<dataset>]
    algorithm = "gd"             # "gd" or "sgd" (required)
    n_iter = 1e8                 # iterations (required)
    checkpoints = 10             # per decade [the experiment's]
    w0 = [0.1, 0.2]              # start [the dataset's]
    target = "auto"              # direction of the progress lines: auto, global,
                                 # local, constrained, linear, leaky, or a vector
    targets = { x1 = [1, 0] }    # extra named directions to measure against
    # GD only
    eta = 0.5                    # step size (required for gd)
    inits = { count = 4, seed = 1, scale = 0.1, include_w0 = true }
                                 # or an explicit list of starts [[..], [..]]
    # SGD only
    eta0 = 1.0                   # [1.0]
    alpha = 0.6                  # [0.6]
    replicates = 32              # [32]
    seed = 0                     # [0]

    [run.data]
    dataset = "prop2"            # example1, example2, prop2, degenerate, equal_duals,
                                 # slow_convergence, separable, file
    n = 10                       # prop2 / separable parameters: n, d, seed (, margin)
    path = "data.npz"            # file: .npz (X, y), .npy or .csv (last column y);
                                 # relative to the config file

    [run.model]
    slope = 0.0                  # activation slope: 0 ReLU, 1 linear, between leaky
    v = [1.0, -1.0, 1.0]         # output weights: makes the run a one-hidden-layer
                                 # network with K = len(v) units [single neuron]

A network run (``model.v`` given) trains W, d x K: ``w0`` is then an array of
d rows of K numbers (as ``fastbias.gd``'s ``w0``), explicit ``inits`` a list of
such arrays, and random ``inits`` draw each unit's start uniform on the sphere
with norm ``scale``. A dataset's start is used when its shape fits ((d, K), as
``clusters``; a (d,) start serves K = 1). ``target`` / ``targets`` do not apply:
every activation-pattern class is measured against its own max-margin direction
(Theorems 5.1 and 5.2).
"""

from __future__ import annotations

import copy
import hashlib
import math
import numbers
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fastbias import _validate as v
from fastbias.errors import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "DATASETS",
    "DEFAULT_CONFIG",
    "ConfigError",
    "DataSpec",
    "ExperimentSpec",
    "RunSpec",
    "build_data",
    "data_hash",
    "load_config",
    "parse_config",
    "starts",
]


class ConfigError(InputError):
    """A config problem: ``key`` names the setting (``run[0].eta``), ``problem`` says what is wrong."""

    def __init__(self, key: str, problem: str):
        self.key = key
        self.problem = problem
        super().__init__(f"{key}: {problem}" if key else problem)


#: Built-in datasets and their parameters with defaults (``None``: no default).
DATASETS: dict[str, dict[str, Any]] = {
    "example1": {},
    "example2": {},
    "degenerate": {},
    "equal_duals": {},
    "slow_convergence": {},
    "prop2": {"n": 10, "d": 2, "seed": 0},
    "separable": {"n": 20, "d": 2, "seed": 0, "margin": 0.1},
    "clusters": {"offset": -10.0, "scale": 0.1},
    "file": {"path": None},
}

_TOP_KEYS = ("name", "description", "save_every", "chunk_seconds", "checkpoints", "figures", "run")
_RUN_KEYS = ("name", "algorithm", "n_iter", "checkpoints", "w0", "target", "targets", "data", "model")
_GD_KEYS = ("eta", "inits")
_SGD_KEYS = ("eta0", "alpha", "replicates", "seed")
_MODEL_KEYS = ("slope", "v")
_INIT_KEYS = ("count", "seed", "scale", "include_w0")
TARGET_NAMES = ("auto", "global", "local", "constrained", "linear", "leaky")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class DataSpec:
    """Where a run's data come from: a built-in dataset and its parameters, or a file."""

    dataset: str
    params: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """A short human-readable name, e.g. ``prop2(n=10, d=2, seed=0)``."""
        if self.dataset == "file":
            return f"file {Path(self.params['path']).name}"
        if not self.params:
            return self.dataset
        args = ", ".join(f"{k}={val}" for k, val in self.params.items())
        return f"{self.dataset}({args})"


@dataclass
class RunSpec:
    """One validated ``[[run]]`` table, defaults filled in."""

    name: str
    algorithm: str
    n_iter: int
    checkpoints: int
    data: DataSpec
    slope: float = 0.0
    v: list[float] | None = None
    w0: list[float] | list[list[float]] | None = None
    target: str | list[float] = "auto"
    targets: dict[str, list[float]] = field(default_factory=dict)
    eta: float | None = None
    inits: list[list[float]] | list[list[list[float]]] | dict[str, Any] | None = None
    eta0: float = 1.0
    alpha: float = 0.6
    replicates: int = 32
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (inverse of :meth:`from_dict`)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RunSpec:
        """Rebuild from :meth:`to_dict` output."""
        d = copy.deepcopy(d)
        d["data"] = DataSpec(**d["data"])
        return cls(**d)

    @property
    def network(self) -> bool:
        """A one-hidden-layer network run (``model.v`` given), not the single neuron."""
        return self.v is not None

    def shape(self, d: int) -> tuple[int, ...]:
        """Shape of one start: (d,) for the neuron, (d, K) for a network."""
        return (d,) if self.v is None else (d, len(self.v))

    def v_array(self) -> np.ndarray | None:
        """The output weights as an array (``None`` for the neuron)."""
        return None if self.v is None else np.asarray(self.v, dtype=np.float64)

    def algorithm_params(self) -> dict[str, Any]:
        """The parameters of the run's algorithm."""
        if self.algorithm == "gd":
            return {"eta": self.eta, "inits": self.inits}
        return {"eta0": self.eta0, "alpha": self.alpha, "replicates": self.replicates, "seed": self.seed}


@dataclass
class ExperimentSpec:
    """A validated config: experiment-wide settings and its runs."""

    name: str
    runs: list[RunSpec]
    description: str = ""
    save_every: float = 30.0
    chunk_seconds: float = 1.0
    checkpoints: int = 10
    figures: bool = True
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (inverse of :meth:`from_dict`)."""
        d = asdict(self)
        d["runs"] = [r.to_dict() for r in self.runs]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ExperimentSpec:
        """Rebuild from :meth:`to_dict` output."""
        d = copy.deepcopy(d)
        d["runs"] = [RunSpec.from_dict(r) for r in d["runs"]]
        return cls(**d)


# ---------------------------------------------------------------------- checks
def _wrap(key: str, fn, *args):
    """Call a ``fastbias._validate`` check and turn its InputError into a ConfigError naming ``key``."""
    try:
        return fn(*args)
    except InputError as exc:
        msg = str(exc)
        for prefix in (key, key.rsplit(".", 1)[-1]):
            if msg.startswith(prefix + " "):
                msg = msg[len(prefix) + 1 :]
                break
        raise ConfigError(key, msg) from None


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return f"{type(value).__name__} {value!r}"


def _check_keys(
    table: Any, key: str, allowed: tuple[str, ...], extra_hint: dict[str, str] | None = None
) -> None:
    if not isinstance(table, dict):
        raise ConfigError(key, f"must be a table, got {_type_name(table)}")
    for k in table:
        if k not in allowed:
            where = f"{key}.{k}" if key else k
            hint = (extra_hint or {}).get(k)
            if hint:
                raise ConfigError(where, hint)
            raise ConfigError(where, f"unknown key (expected one of: {', '.join(allowed)})")


def _string(value: Any, key: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(key, f"must be a string, got {_type_name(value)}")
    return value


def _choice(value: Any, key: str, choices: tuple[str, ...] | list[str]) -> str:
    s = _string(value, key)
    if s not in choices:
        raise ConfigError(key, f"must be one of {', '.join(choices)}; got {s!r}")
    return s


def _bool(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(key, f"must be true or false, got {_type_name(value)}")
    return value


def _real(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ConfigError(key, f"must be a number, got {_type_name(value)}")
    x = float(value)
    if not math.isfinite(x):
        raise ConfigError(key, f"must be finite, got {value!r}")
    return x


def _pos_real(value: Any, key: str) -> float:
    x = _real(value, key)
    if not x > 0:
        raise ConfigError(key, f"must be > 0, got {value!r}")
    return x


def _int(value: Any, key: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ConfigError(key, f"must be an integer, got {_type_name(value)}")
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise ConfigError(key, f"must be a whole number, got {value!r}")
    n = int(value)
    if n < minimum:
        raise ConfigError(key, f"must be >= {minimum}, got {value!r}")
    return n


def _vector(value: Any, key: str, d: int | None = None) -> list[float]:
    if not isinstance(value, list) or not value:
        raise ConfigError(key, f"must be a non-empty array of numbers, got {_type_name(value)}")
    out = [_real(x, f"{key}[{i}]") for i, x in enumerate(value)]
    if d is not None and len(out) != d:
        raise ConfigError(key, f"has length {len(out)} but the data have {d} columns")
    return out


# ---------------------------------------------------------------------- data
def _data_spec(table: Any, key: str, base: Path) -> DataSpec:
    if not isinstance(table, dict):
        raise ConfigError(key, f"must be a table with a 'dataset' key, got {_type_name(table)}")
    if "dataset" not in table:
        raise ConfigError(f"{key}.dataset", f"missing (one of: {', '.join(DATASETS)})")
    name = _choice(table["dataset"], f"{key}.dataset", list(DATASETS))
    allowed = ("dataset", *DATASETS[name])
    _check_keys(table, key, allowed)
    params: dict[str, Any] = {}
    for p, default in DATASETS[name].items():
        k = f"{key}.{p}"
        val = table.get(p, default)
        if val is None:
            raise ConfigError(k, f"missing (required for dataset {name!r})")
        if p in ("n", "d"):
            params[p] = _int(val, k, 2 if p == "n" else 1)
        elif p == "seed":
            params[p] = _int(val, k, 0)
            if params[p] >= 2**64:
                raise ConfigError(k, f"must be below 2**64, got {val!r}")
        elif p in ("margin", "scale"):
            params[p] = _pos_real(val, k)
        elif p == "offset":
            params[p] = _real(val, k)
        elif p == "path":
            path = Path(_string(val, k)).expanduser()
            if not path.is_absolute():
                path = (base / path).resolve()
            if not path.exists():
                raise ConfigError(k, f"file '{path}' does not exist")
            if not path.is_file():
                raise ConfigError(k, f"'{path}' is not a file")
            params[p] = str(path)
    return DataSpec(name, params)


def build_data(spec: DataSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Build ``(X, y, w0)`` for a data spec (``w0`` is ``None`` for user files).

    Built-in datasets are deterministic functions of their parameters, so a run
    rebuilt from its config sees bit-identical data (checked by :func:`data_hash`).
    """
    from fastbias import datasets

    if spec.dataset == "file":
        X, y = datasets.load(spec.params["path"])
        return X, y, None
    X, y, w0 = getattr(datasets, spec.dataset)(**spec.params)
    return X, y, w0


def data_hash(X: np.ndarray, y: np.ndarray) -> str:
    """sha256 of the data (shapes and float64 bytes)."""
    h = hashlib.sha256()
    for a in (np.ascontiguousarray(X, dtype=np.float64), np.ascontiguousarray(y, dtype=np.float64)):
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def dataset_start(spec: RunSpec, d: int, w0: np.ndarray | None) -> np.ndarray | None:
    """The dataset's start when its shape fits the run's model ((d,) serves a network with K = 1)."""
    if w0 is None:
        return None
    shape = spec.shape(d)
    w0 = np.asarray(w0, dtype=np.float64)
    if w0.shape == shape:
        return w0
    if w0.size == d and shape == (d, 1):
        return w0.reshape(d, 1)
    return None


def starts(spec: RunSpec, X: np.ndarray, w0: np.ndarray | None) -> np.ndarray:
    """The (R, *shape) starts of a GD run, or the (1, *shape) start of an SGD run.

    ``shape`` is (d,) for the neuron and (d, K) for a network. Random inits are
    ``count`` starts whose vectors (the neuron's w, or each unit's column of W)
    are uniform on the sphere with norm ``scale``, from
    ``numpy.random.default_rng(seed)``; with ``include_w0`` the run's ``w0``
    comes first.
    """
    shape = spec.shape(X.shape[1])
    if spec.w0 is not None:
        base = np.asarray(spec.w0, dtype=np.float64)
    else:
        base = dataset_start(spec, X.shape[1], w0)
    if spec.algorithm == "sgd" or spec.inits is None:
        return np.asarray(base, dtype=np.float64).reshape((1, *shape)).copy()
    if isinstance(spec.inits, list):
        return np.asarray(spec.inits, dtype=np.float64).reshape((-1, *shape))
    rng = np.random.default_rng(int(spec.inits["seed"]))
    G = rng.standard_normal((int(spec.inits["count"]), *shape))
    norms = np.linalg.norm(G, axis=1, keepdims=True)
    G = float(spec.inits["scale"]) * G / np.where(norms > 0, norms, 1.0)
    if spec.inits["include_w0"]:
        G = np.concatenate([np.asarray(base, dtype=np.float64).reshape((1, *shape)), G])
    return np.ascontiguousarray(G)


def _matrix(value: Any, key: str, d: int, K: int) -> list[list[float]]:
    """A network start: d rows of K numbers (W, d x K)."""
    if not isinstance(value, list) or len(value) != d or not all(isinstance(r, list) for r in value):
        raise ConfigError(
            key, f"must be an array of {d} rows of {K} numbers (W, d x K: row j holds input j's weights "
            f"into the K units), got {_type_name(value)}" + (f" of length {len(value)}" if isinstance(
                value, list) else "")
        )
    out = []
    for j, row in enumerate(value):
        r = _vector(row, f"{key}[{j}]")
        if len(r) != K:
            raise ConfigError(f"{key}[{j}]", f"has {len(r)} entries but the network has K = {K} units")
        out.append(r)
    return out


def _start(value: Any, key: str, d: int, K: int | None) -> list[float] | list[list[float]]:
    return _vector(value, key, d) if K is None else _matrix(value, key, d, K)


def _inits(value: Any, key: str, d: int, K: int | None, have_w0: bool) -> list[Any] | dict[str, Any]:
    if isinstance(value, list):
        if not value:
            raise ConfigError(key, "must list at least one start")
        return [_start(row, f"{key}[{i}]", d, K) for i, row in enumerate(value)]
    if isinstance(value, dict):
        _check_keys(value, key, _INIT_KEYS)
        if "count" not in value:
            raise ConfigError(f"{key}.count", "missing (how many random starts)")
        out = {
            "count": _int(value["count"], f"{key}.count", 1),
            "seed": _int(value.get("seed", 0), f"{key}.seed", 0),
            "scale": _pos_real(value.get("scale", 0.1), f"{key}.scale"),
            "include_w0": _bool(value.get("include_w0", False), f"{key}.include_w0"),
        }
        if out["include_w0"] and not have_w0:
            raise ConfigError(f"{key}.include_w0", "the data file has no start: give w0 in the run table")
        return out
    raise ConfigError(
        key,
        f"must be an array of starts or a table {{count, seed, scale, include_w0}}, got {_type_name(value)}",
    )


# ---------------------------------------------------------------------- runs
def _run_spec(table: Any, key: str, base: Path, default_checkpoints: int) -> RunSpec:
    hints = {}
    alg = None
    if isinstance(table, dict) and table.get("algorithm") in ("gd", "sgd"):
        alg = table["algorithm"]
        other = _SGD_KEYS if alg == "gd" else _GD_KEYS
        for k in other:
            hints[k] = f"only applies to algorithm = '{'sgd' if alg == 'gd' else 'gd'}', not '{alg}'"
    hints["slope"] = "belongs in the [run.model] table (model = { slope = ... })"
    _check_keys(
        table,
        key,
        _RUN_KEYS + _GD_KEYS + _SGD_KEYS
        if alg is None
        else _RUN_KEYS + (_GD_KEYS if alg == "gd" else _SGD_KEYS),
        hints,
    )
    for req in ("algorithm", "n_iter", "data"):
        if req not in table:
            raise ConfigError(f"{key}.{req}", "missing (required)")
    algorithm = _choice(table["algorithm"], f"{key}.algorithm", ("gd", "sgd"))
    n_iter = _int(table["n_iter"], f"{key}.n_iter", 1)
    checkpoints = _int(table.get("checkpoints", default_checkpoints), f"{key}.checkpoints", 1)
    data = _data_spec(table["data"], f"{key}.data", base)
    model = table.get("model", {})
    _check_keys(model, f"{key}.model", _MODEL_KEYS)
    slope = _wrap(f"{key}.model.slope", v.check_slope, model.get("slope", 0.0))
    outputs = None
    if "v" in model:
        outputs = _vector(model["v"], f"{key}.model.v")
        zero = [i for i, x in enumerate(outputs) if x == 0.0]
        if zero:
            raise ConfigError(f"{key}.model.v[{zero[0]}]", "must be non-zero (an output weight of 0 "
                              "removes its unit)")
    name = table.get("name", f"{algorithm}-{data.dataset}")
    name = _string(name, f"{key}.name")
    if not _NAME_RE.match(name):
        raise ConfigError(
            f"{key}.name", f"must be 1-64 letters, digits, '_', '.', '-' (a directory name), got {name!r}"
        )
    spec = RunSpec(
        name=name, algorithm=algorithm, n_iter=n_iter, checkpoints=checkpoints, data=data, slope=slope,
        v=outputs,
    )
    K = None if outputs is None else len(outputs)

    # Data are built here, so dimension errors surface before any work.
    try:
        X, y, w0_data = build_data(data)
    except InputError as exc:
        k = f"{key}.data.path" if data.dataset == "file" else f"{key}.data"
        raise ConfigError(k, str(exc)) from None
    d = X.shape[1]
    if "w0" in table:
        spec.w0 = _start(table["w0"], f"{key}.w0", d, K)
    have_w0 = spec.w0 is not None or dataset_start(spec, d, w0_data) is not None

    if algorithm == "gd":
        if "eta" not in table:
            raise ConfigError(f"{key}.eta", "missing (the GD step size is required)")
        spec.eta = _pos_real(table["eta"], f"{key}.eta")
        if "inits" in table:
            spec.inits = _inits(table["inits"], f"{key}.inits", d, K, have_w0)
            if isinstance(spec.inits, list) and "w0" in table:
                raise ConfigError(f"{key}.inits", "give either w0 or an explicit list of inits, not both")
    else:
        spec.eta0 = _pos_real(table.get("eta0", 1.0), f"{key}.eta0")
        spec.alpha = _real(table.get("alpha", 0.6), f"{key}.alpha")
        if not 0.0 <= spec.alpha < 1.0:
            raise ConfigError(
                f"{key}.alpha", f"must lie in [0, 1) (eta_k = eta0 (k+1)^-alpha), got {table.get('alpha')!r}"
            )
        spec.replicates = _int(table.get("replicates", 32), f"{key}.replicates", 1)
        spec.seed = _int(table.get("seed", 0), f"{key}.seed", 0)
        if spec.seed >= 2**64:
            raise ConfigError(f"{key}.seed", "must be below 2**64")
    if not have_w0 and not (algorithm == "gd" and spec.inits is not None):
        if w0_data is None:
            raise ConfigError(f"{key}.w0", "missing: a data file has no start, give w0 = [...]")
        raise ConfigError(
            f"{key}.w0",
            f"missing: the start of dataset {data.dataset!r} has shape {np.shape(w0_data)}, not the "
            f"{spec.shape(d)} this model needs; give w0"
            + (" (d rows of K numbers)" if K is not None else "")
            + (" or random inits = { count = ... }" if algorithm == "gd" else ""),
        )
    if K is not None:
        for k in ("target", "targets"):
            if k in table:
                raise ConfigError(
                    f"{key}.{k}",
                    "does not apply to a network run: each activation-pattern class is measured against "
                    "its own max-margin direction (Theorems 5.1 and 5.2)",
                )

    tgt = table.get("target", "auto")
    if isinstance(tgt, str):
        spec.target = _choice(tgt, f"{key}.target", TARGET_NAMES)
        if spec.target == "leaky" and not 0.0 < slope < 1.0:
            raise ConfigError(f"{key}.target", f"'leaky' needs 0 < model.slope < 1, got slope {slope:g}")
    else:
        spec.target = _vector(tgt, f"{key}.target", d)
        if not any(spec.target):
            raise ConfigError(f"{key}.target", "must be a non-zero vector")
    targets = table.get("targets", {})
    if not isinstance(targets, dict):
        raise ConfigError(f"{key}.targets", f"must be a table of name = [vector], got {_type_name(targets)}")
    for tname, vec in targets.items():
        if not _NAME_RE.match(tname) or tname in TARGET_NAMES:
            raise ConfigError(
                f"{key}.targets.{tname}",
                f"must be a plain name other than the built-in directions ({', '.join(TARGET_NAMES)})",
            )
        spec.targets[tname] = _vector(vec, f"{key}.targets.{tname}", d)
        if not any(spec.targets[tname]):
            raise ConfigError(f"{key}.targets.{tname}", "must be a non-zero vector")

    # The starts must have a finite loss (nothing finite to keep otherwise).
    from fastbias.loops.gd import loss_of

    W = starts(spec, X, w0_data)
    for r in range(W.shape[0]):
        if not np.isfinite(loss_of(X, y, W[r].ravel(), slope, spec.v_array())):
            where = "w0" if W.shape[0] == 1 else f"inits (start {r})"
            raise ConfigError(
                f"{key}.{where.split()[0]}", "the loss exp(-y f(x)) overflows float64 at this start"
            )
    return spec


def parse_config(text: str, *, source: str = "<config>", base: Path | None = None) -> ExperimentSpec:
    """Parse and validate config text; raises :class:`ConfigError` on the first problem.

    Parameters
    ----------
    text : str
        TOML text.
    source : str
        Where it came from (for messages and the run directory's record).
    base : pathlib.Path, optional
        Directory that relative data paths are taken from (default: the cwd).
    """
    base = Path.cwd() if base is None else base
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("", f"not valid TOML: {exc}") from None
    _check_keys(raw, "", _TOP_KEYS)
    name = _string(raw.get("name", "experiment"), "name")
    description = _string(raw.get("description", ""), "description")
    save_every = _pos_real(raw.get("save_every", 30.0), "save_every")
    chunk_seconds = _pos_real(raw.get("chunk_seconds", 1.0), "chunk_seconds")
    checkpoints = _int(raw.get("checkpoints", 10), "checkpoints", 1)
    figures = _bool(raw.get("figures", True), "figures")
    if "run" not in raw:
        raise ConfigError("run", "missing: add at least one [[run]] table")
    tables = raw["run"]
    if isinstance(tables, dict):
        tables = [tables]
    if not isinstance(tables, list) or not tables:
        raise ConfigError("run", f"must be one or more [[run]] tables, got {_type_name(raw['run'])}")
    runs = []
    for i, t in enumerate(tables):
        runs.append(_run_spec(t, f"run[{i}]", base, checkpoints))
    seen: dict[str, int] = {}
    for i, r in enumerate(runs):
        if r.name in seen:
            raise ConfigError(
                f"run[{i}].name",
                f"{r.name!r} is already the name of run[{seen[r.name]}]; run names must be unique",
            )
        seen[r.name] = i
    return ExperimentSpec(
        name=name,
        runs=runs,
        description=description,
        save_every=save_every,
        chunk_seconds=chunk_seconds,
        checkpoints=checkpoints,
        figures=figures,
        source=source,
    )


def load_config(path: str | Path | None) -> tuple[ExperimentSpec, str]:
    """Read and validate a config file (``None``: the built-in default); returns ``(spec, text)``."""
    if path is None:
        return parse_config(DEFAULT_CONFIG, source="built-in default"), DEFAULT_CONFIG
    p = Path(path)
    if not p.exists():
        raise ConfigError("", f"config file '{p}' does not exist")
    if not p.is_file():
        raise ConfigError("", f"config '{p}' is not a file")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("", f"config file '{p}' could not be read: {exc}") from None
    return parse_config(text, source=str(p.resolve()), base=p.resolve().parent), text


#: The built-in default experiment (``fastbias run`` with no config), also what
#: ``fastbias init-config`` writes: the paper's headline experiment.
DEFAULT_CONFIG = """\
# fastbias experiment config (TOML). Run it with:  fastbias run THIS_FILE.toml
#
# The paper's headline experiment: GD and SGD on Proposition 2 data, and GD on
# Examples 1 and 2 (Xu, Zhou, Ji and Liang, "When will gradient methods converge
# to max-margin classifier under ReLU models?").

name = "headline"
description = "GD and SGD on Proposition 2 data; GD on Examples 1 and 2"
save_every = 30       # seconds between crash-safe state saves (also saved at the end and on Ctrl-C)
chunk_seconds = 1.0   # compiled work between returns to Python (progress, Ctrl-C); no effect on results
checkpoints = 10      # recorded checkpoints per decade of t (log-spaced)
figures = true        # write PNG figures into each run's figures/ (needs matplotlib: fastbias[plot])

# GD from the dataset's start and 3 random starts on Proposition 2 data
# (x_i.x_j > 0 within a class, < 0 across): every start converges in direction
# to w^+, the max-margin direction of the positives. (Seed 3 has a single support
# vector, so the convergence shows within 10^8 steps; seeds with very unequal dual
# coefficients, e.g. 0, converge far more slowly: see examples/slow_convergence.py.)
[[run]]
name = "gd-prop2"
algorithm = "gd"
n_iter = 1e8
eta = 0.5                                  # step size (constant)
inits = { count = 3, seed = 1, scale = 0.1, include_w0 = true }   # or a list [[w1, w2], ...]
data = { dataset = "prop2", n = 10, d = 2, seed = 3 }
model = { slope = 0.0 }                    # 0 ReLU, 1 linear, between leaky ReLU
target = "auto"                            # or "global", "local", "constrained", "linear", or [u1, u2]

# SGD on the same data, 32 independent streams to estimate E[wbar_t] (Theorem 4.4).
[[run]]
name = "sgd-prop2"
algorithm = "sgd"
n_iter = 1e8
eta0 = 1.0          # step eta_k = eta0 (k + 1)^-alpha
alpha = 0.6
replicates = 32
seed = 0
data = { dataset = "prop2", n = 10, d = 2, seed = 3 }

# Example 1: GD from w0 = (1, -0.2) converges to the local max-margin direction x1/||x1||.
[[run]]
name = "gd-example1"
algorithm = "gd"
n_iter = 1e8
eta = 1.0
data = { dataset = "example1" }

# Example 2: the region oscillates for ever, yet the direction converges to the
# constrained direction (2, -1)/sqrt 5 (the paper: "oscillates around x2/||x2||").
[[run]]
name = "gd-example2"
algorithm = "gd"
n_iter = 1e8
eta = 0.5
data = { dataset = "example2" }
targets = { x2 = [1.0, 2.0] }              # also measure the distance to x2/||x2||
"""
