"""Trajectory: the arrays recorded at each checkpoint, with the run's metadata."""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fastbias.errors import InputError
from fastbias.loops.record import REGION_NAMES

__all__ = ["Trajectory"]

_FORMAT = "fastbias-trajectory-1"


@dataclass
class Trajectory:
    """Result of :func:`fastbias.gd` or :func:`fastbias.sgd`.

    Every recorded array has the checkpoint axis first (length C, matching
    ``t``) and, where it is per replicate, the replicate axis second (length R;
    a single run has R = 1). Recorded arrays are reachable as attributes,
    e.g. ``traj.w`` (C, R, d) or ``traj.loss`` (C, R); ``traj.arrays`` lists them.

    Arrays of both algorithms (of the iterate w_t):
        ``w``, ``loss`` L(w_t), ``excess`` L(w_t) - L*, ``norm`` ||w_t||,
        ``region`` (codes into :attr:`REGION_NAMES`), ``region_margin`` (min
        over active positives of w.x / ||w||), ``linear_margin`` (min_i
        y_i w.x_i / ||w||), ``mask`` (activation bits, packed little-endian
        along the sample axis; see :meth:`active`).
    GD also records cumulative counters, counted at every iteration:
        ``flips`` (samples crossing w.x = 0), ``sep_entries``, ``sep_exits``
        (entries into / exits from the separable region).
    Networks (``model=Network(v)``) record ``w`` as (C, R, d, K) matrices,
        ``loss``, ``excess``, ``norm`` (Frobenius), ``output_margin``
        (min_i y_i f(x_i) / ||W||), ``separable`` (every y_i f(x_i) > 0),
        ``pattern_id`` (C, R) indexing ``patterns`` (activation patterns
        (n, ceil(K/8)) packed along units, stored only when they change),
        ``n_classes`` and ``shared_unit`` (two pattern classes share an
        active unit), and ``v``.
    SGD also records, for the running average wbar_t:
        ``wbar``, ``mean_w``, ``mean_wbar``, ``se_w``, ``se_wbar`` (replicate
        means and standard errors, (C, d)), and ``loss_wbar``, ``excess_wbar``, ``norm_wbar``,
        ``region_wbar``, ``region_margin_wbar``, ``linear_margin_wbar``, ``mask_wbar``.

    Attributes
    ----------
    algorithm : str
        ``"gd"`` or ``"sgd"``.
    t : numpy.ndarray
        Iteration counts of the checkpoints (int64), starting at 0.
    status : numpy.ndarray
        Per replicate: ``"ok"``, ``"overflow"`` (stopped at the last finite
        iterate) or ``"dead"`` (no active sample: frozen).
    t_stop : numpy.ndarray
        Per replicate, the iteration at which it stopped, or -1.
    labels : numpy.ndarray
        The labels y (n,), so that masks can be read as J+ sets.
    meta : dict
        Arguments, seed, versions, wall time, ns per iteration, ...
    """

    algorithm: str
    t: np.ndarray
    status: np.ndarray
    t_stop: np.ndarray
    labels: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    REGION_NAMES = REGION_NAMES

    def __getattr__(self, name: str) -> np.ndarray:
        arrays = self.__dict__.get("arrays", {})
        if name in arrays:
            return arrays[name]
        raise AttributeError(f"Trajectory has no attribute or recorded array {name!r}")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.arrays))

    def __repr__(self) -> str:
        counts = {s: int(np.sum(self.status == s)) for s in np.unique(self.status)}
        return (
            f"Trajectory({self.algorithm}, checkpoints={self.t.size}, t_end={int(self.t[-1])}, "
            f"replicates={self.status.size}, status={counts})"
        )

    @property
    def n_samples(self) -> int:
        """Number of samples n."""
        return int(self.labels.size)

    @property
    def replicates(self) -> int:
        """Number of replicates R."""
        return int(self.status.size)

    def _per_replicate(self, prefix: str, of: str) -> np.ndarray:
        key = prefix if of == "w" else f"{prefix}_{of}"
        if of not in ("w", "wbar") or key not in self.arrays:
            raise InputError(f"of must be 'w' or (for SGD) 'wbar', got {of!r} for a {self.algorithm} run")
        return self.arrays[key]

    def region_names(self, of: str = "w") -> np.ndarray:
        """Region names (C, R) of ``w`` or ``wbar``."""
        codes = self._per_replicate("region", of)
        return np.asarray(REGION_NAMES, dtype=object)[codes]

    def active(self, of: str = "w") -> np.ndarray:
        """Boolean activation pattern (C, R, n): w.x_i > 0 at each checkpoint."""
        packed = self._per_replicate("mask", of)
        return np.unpackbits(packed, axis=-1, count=self.n_samples, bitorder="little").astype(bool)

    def j_plus(self, of: str = "w") -> np.ndarray:
        """J+ at each checkpoint: boolean (C, R, n), the active positive samples.

        In the region W_J of Theorem 4.1 these are the samples whose local
        max-margin direction w_J^+ the iterate is drawn to.
        """
        return self.active(of) & (self.labels > 0)

    def direction_error(self, target, of: str = "w") -> np.ndarray:
        """|| v / ||v|| - target / ||target|| || for the recorded vectors v.

        Computed as a distance, not an angle: arccos loses half the digits near 0.

        Parameters
        ----------
        target : array_like, shape (d,)
            The direction to compare with (normalised here).
        of : {"w", "wbar", "mean_w", "mean_wbar"}
            Which recorded vectors: the iterates, SGD's running averages, or
            their replicate means (``mean_wbar`` estimates E[wbar_t]).

        Returns
        -------
        numpy.ndarray
            (C, R) for ``w`` and ``wbar``, (C,) for the means; NaN where v = 0
            (no direction).
        """
        if of not in ("w", "wbar", "mean_w", "mean_wbar") or of not in self.arrays:
            raise InputError(f"of must name a recorded vector array of this run, got {of!r}")
        V = self.arrays[of]
        try:
            u = np.asarray(target, dtype=np.float64)
        except (TypeError, ValueError):
            raise InputError(f"target must be a vector of real numbers, got {target!r}") from None
        if u.shape != (V.shape[-1],) or not np.all(np.isfinite(u)) or not np.any(u):
            raise InputError(f"target must be a finite non-zero vector of length {V.shape[-1]}")
        u = u / np.max(np.abs(u))  # rescale first: the norm of 1e-200 or 1e200 vectors under/overflows
        u = u / np.linalg.norm(u)
        norms = np.linalg.norm(V, axis=-1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            err = np.linalg.norm(V / norms - u, axis=-1)
        return np.where(norms[..., 0] > 0, err, np.nan)

    # ------------------------------------------------------------------ I/O
    def save(self, path: str | os.PathLike) -> Path:
        """Write the trajectory to an ``.npz`` file (lossless; no pickles)."""
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_name(path.name + ".npz")
        header = {
            "format": _FORMAT,
            "algorithm": self.algorithm,
            "meta": self.meta,
        }
        payload = {f"array_{k}": v for k, v in self.arrays.items()}
        # Atomic: a crash mid-write leaves the previous file (or none), never a torn one.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as fh:
                np.savez(
                    fh,
                    header=np.array(json.dumps(header)),
                    t=self.t,
                    status=self.status.astype(str),
                    t_stop=self.t_stop,
                    labels=self.labels,
                    **payload,
                )
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> Trajectory:
        """Read a trajectory written by :meth:`save`."""
        try:
            fh = open(path, "rb")  # opened here so that a corrupt file cannot leak the handle
        except OSError as exc:
            raise InputError(f"path {path!s} cannot be read: {exc}") from None
        with fh:
            try:
                f = np.load(fh, allow_pickle=False)
            except (ValueError, OSError, zipfile.BadZipFile) as exc:
                raise InputError(f"path {path!s} is not a fastbias trajectory file: {exc}") from None
            return cls._from_npz(f, path)

    @classmethod
    def _from_npz(cls, f, path) -> Trajectory:
        with f:
            try:
                header = json.loads(str(f["header"]))
                fmt = header.get("format")
            except (KeyError, ValueError, AttributeError):
                fmt = None
            if fmt != _FORMAT:
                raise InputError(f"path {path!s} is not a fastbias trajectory file")
            arrays = {k[len("array_") :]: f[k] for k in f.files if k.startswith("array_")}
            return cls(
                algorithm=header["algorithm"],
                t=f["t"],
                status=f["status"].astype(object),
                t_stop=f["t_stop"],
                labels=f["labels"],
                meta=header["meta"],
                arrays=arrays,
            )
