"""Runs: the state of a GD or SGD run, advanced by compiled steppers between checkpoints.

A run holds everything needed to continue it: iterates, running sums,
counters, statuses, the checkpoint grid and what has been recorded so far.
``state_dict()`` / ``from_state()`` round-trip it through plain arrays (for
crash-safe saving), ``extend()`` moves the end further out, and ``run()``
advances to the end in chunks of about ``chunk_seconds``.

Recording happens only at the points of the checkpoint grid, and every state
change outside the steppers (GD's step back from an overflowing iterate,
SGD's roll-back and dead detection) happens only when recording. Steppers are
exact under splitting, so a run interrupted anywhere and resumed from its
state gives results bitwise equal to one never interrupted.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from fastbias.errors import InputError
from fastbias.kernels.neuron import margins as _margins
from fastbias.kernels.rng import replicate_key
from fastbias.loops.driver import status_names, versions
from fastbias.loops.netrecord import count_changed, net_record_states, unpack_patterns
from fastbias.loops.record import DEAD as REGION_DEAD
from fastbias.loops.record import record_states
from fastbias.loops.schedule import log_schedule
from fastbias.loops.steppers import (
    DEAD,
    NETWORK,
    NEURON,
    OK,
    OVERFLOW,
    SGD_BLOCK,
    gd_advance,
    gd_advance_parallel,
    sgd_advance,
)
from fastbias.loops.trajectory import Trajectory

__all__ = ["GDRun", "Run", "SGDRun", "run_from_state"]

_STATS = ("loss", "excess", "norm", "mask", "region", "region_margin", "linear_margin")


def _stat_arrays(C: int, R: int, n: int, suffix: str = "") -> dict[str, np.ndarray]:
    nbytes = (n + 7) // 8
    return {
        f"loss{suffix}": np.zeros((C, R)),
        f"excess{suffix}": np.zeros((C, R)),
        f"norm{suffix}": np.zeros((C, R)),
        f"mask{suffix}": np.zeros((C, R, nbytes), dtype=np.uint8),
        f"region{suffix}": np.zeros((C, R), dtype=np.int8),
        f"region_margin{suffix}": np.zeros((C, R)),
        f"linear_margin{suffix}": np.zeros((C, R)),
    }


def _net_arrays(C: int, R: int, suffix: str = "") -> dict[str, np.ndarray]:
    return {
        f"loss{suffix}": np.zeros((C, R)),
        f"excess{suffix}": np.zeros((C, R)),
        f"norm{suffix}": np.zeros((C, R)),
        f"output_margin{suffix}": np.zeros((C, R)),
        f"separable{suffix}": np.zeros((C, R), dtype=np.bool_),
    }


@contextlib.contextmanager
def _defer_sigint():
    """Hold a Ctrl-C that arrives while a checkpoint is recorded until the record is complete.

    Recording also changes state (step-backs, roll-backs, dead detection); an
    interrupt half-way would leave it inconsistent. Outside the main thread
    signals cannot be handled, and nothing is deferred.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple] = []
    previous = signal.signal(signal.SIGINT, lambda *a: caught.append(a))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        if callable(previous):
            previous(*caught[0])
        else:
            raise KeyboardInterrupt


class _Patterns:
    """Activation patterns (n, ceil(K/8)) per replicate, stored only when they change."""

    def __init__(self, R: int, n: int, K: int):
        self.store: list[np.ndarray] = []
        self.last = np.full(R, -1, dtype=np.int64)
        self.scratch = np.zeros((R, n, (K + 7) // 8), dtype=np.uint8)

    def ids(self, store: bool = True) -> np.ndarray:
        """Ids of the current scratch patterns, appending those that changed (when ``store``)."""
        out = self.last.copy()
        for r in range(self.last.size):
            if out[r] < 0 or not np.array_equal(self.store[out[r]], self.scratch[r]):
                if not store:
                    return np.full_like(out, -1)
                self.store.append(self.scratch[r].copy())
                out[r] = len(self.store) - 1
        self.last = out
        return out

    def stacked(self, n: int, K: int) -> np.ndarray:
        kb = (K + 7) // 8
        return np.stack(self.store) if self.store else np.zeros((0, n, kb), dtype=np.uint8)


def _class_stats(packed: np.ndarray, K: int) -> tuple[int, bool]:
    """Number of pattern classes and whether two classes share an active unit."""
    classes = np.unique(packed, axis=0)
    units = np.unpackbits(classes, axis=1, count=K, bitorder="little")
    return int(classes.shape[0]), bool(np.any(units.sum(axis=0) > 1))


class Run:
    """Common machinery of :class:`GDRun` and :class:`SGDRun`.

    Attributes
    ----------
    t : int
        Iterations done.
    times : numpy.ndarray
        The checkpoint grid, starting at 0 and ending at the run's end.
    rows : int
        How many checkpoints have been recorded (times[:rows]).
    """

    algorithm: ClassVar[str] = ""
    _state_arrays: ClassVar[tuple[str, ...]] = ()
    _params: ClassVar[tuple[str, ...]] = ()

    def __init__(self, X: np.ndarray, y: np.ndarray, R: int, times: np.ndarray, per_decade: int | None,
                 v: np.ndarray | None = None):
        self.X, self.y = X, y
        self.model = NEURON if v is None else NETWORK
        self.v = np.ones(1) if v is None else np.ascontiguousarray(v, dtype=np.float64)
        self.K = 1 if v is None else self.v.size
        self.patterns = _Patterns(R, X.shape[0], self.K) if v is not None else None
        self.R = R
        self.times = np.asarray(times, dtype=np.int64)
        self.per_decade = per_decade
        self.t = 0
        self.rows = 0
        self.status = np.full(R, OK, dtype=np.int8)
        self.t_stop = np.full(R, -1, dtype=np.int64)
        self.compute_seconds = 0.0
        self.compile_seconds = 0.0
        self.wall_seconds = 0.0
        self.interrupted = False
        self.rec = self._allocate(self.times.size)

    # ------------------------------------------------------------ subclass API
    def _allocate(self, C: int) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def _advance(self, t0: int, t1: int) -> None:
        raise NotImplementedError

    def _record(self, c: int, t: int) -> None:
        raise NotImplementedError

    def _stats(self, target: dict[str, np.ndarray], c: int, t: int) -> None:
        raise NotImplementedError

    def _args(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._params}

    # ------------------------------------------------------------ running
    @property
    def n_iter(self) -> int:
        """The run's end."""
        return int(self.times[-1])

    @property
    def finished(self) -> bool:
        """Whether every checkpoint has been recorded."""
        return self.rows == self.times.size

    def all_stopped(self) -> bool:
        """Whether no replicate is still running (overflow or dead everywhere)."""
        return bool(np.all(self.status != OK))

    def run(
        self,
        *,
        chunk_seconds: float = 1.0,
        progress: bool = False,
        on_chunk: Callable[[Run], None] | None = None,
        catch_interrupt: bool = True,
    ) -> Run:
        """Advance to the end, recording each checkpoint; returns self.

        ``on_chunk(run)`` is called after every chunk and every checkpoint
        (for saving state, printing progress). A Ctrl-C between chunks stops
        the run with ``interrupted = True`` and its state intact (when
        ``catch_interrupt``; otherwise the KeyboardInterrupt propagates after
        the state is made consistent).
        """
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=self.n_iter, initial=self.t, desc=self.algorithm, unit="it", unit_scale=True,
                       dynamic_ncols=True)
        chunk = 1024
        start = time.perf_counter()
        self.interrupted = False
        try:
            tic = time.perf_counter()
            self._advance(self.t, self.t)  # an empty interval: compiles or loads from cache
            self.compile_seconds = max(self.compile_seconds, time.perf_counter() - tic)
            if self.rows == 0:
                with _defer_sigint():
                    self._record(0, int(self.times[0]))
                    self.rows = 1
            while self.rows < self.times.size:
                target = int(self.times[self.rows])
                while self.t < target:
                    if self.all_stopped():
                        self.t = target
                        break
                    t1 = min(target, self.t + chunk)
                    tic = time.perf_counter()
                    self._advance(self.t, t1)
                    elapsed = time.perf_counter() - tic
                    self.compute_seconds += elapsed
                    if bar is not None:
                        bar.update(t1 - self.t)
                    if elapsed < 0.5 * chunk_seconds:
                        chunk = min(chunk * 2, 1 << 40)
                    elif elapsed > 2.0 * chunk_seconds and chunk > 1:
                        chunk //= 2
                    self.t = t1
                    if on_chunk is not None and self.t < target:
                        on_chunk(self)
                with _defer_sigint():
                    self._record(self.rows, target)
                    self.rows += 1
                if on_chunk is not None:
                    on_chunk(self)
        except KeyboardInterrupt:
            self.interrupted = True
            if not catch_interrupt:
                raise
        finally:
            self.wall_seconds += time.perf_counter() - start
            if bar is not None:
                bar.close()
        return self

    def extend(self, n_iter: int) -> None:
        """Move the end to ``n_iter`` (> the current end) on the same checkpoint grid.

        Recorded rows stay; the grid continues past the last recorded point, so
        the checkpoints equal those of a run made long from the start wherever
        both have a point.
        """
        if n_iter <= self.n_iter:
            raise InputError(f"n_iter must exceed the run's end {self.n_iter}, got {n_iter}")
        last = int(self.times[self.rows - 1]) if self.rows else 0
        if self.per_decade is not None:
            grid = log_schedule(n_iter, self.per_decade)
        else:
            grid = np.array([n_iter], dtype=np.int64)
        new = np.concatenate((self.times[: max(self.rows, 1)], grid[grid > max(last, self.t)]))
        new = np.unique(new)
        rec = self._allocate(new.size)
        for k, a in self.rec.items():
            rec[k][: self.rows] = a[: self.rows]
        self.rec = rec
        self.times = new

    # ------------------------------------------------------------ results
    def meta(self) -> dict[str, Any]:
        """Arguments, versions and timing."""
        done = max(self.t, 0) * self.R
        return {
            "algorithm": self.algorithm,
            "args": {**self._args(), "replicates": self.R, "n_iter": self.n_iter,
                     "checkpoints_per_decade": self.per_decade,
                     "model": "network" if self.model == NETWORK else "neuron",
                     **({"v": self.v.tolist()} if self.model == NETWORK else {})},
            "versions": versions(),
            "wall_seconds": self.wall_seconds,
            "compute_seconds": self.compute_seconds,
            "compile_seconds": self.compile_seconds,
            "ns_per_iteration": (self.compute_seconds / done * 1e9) if done else float("nan"),
            "interrupted": self.interrupted,
        }

    def trajectory(self, *, include_current: bool = False) -> Trajectory:
        """The recorded checkpoints as a :class:`Trajectory`.

        With ``include_current``, a run stopped between checkpoints (Ctrl-C)
        adds its current state as a last row, when all its values are finite.
        """
        rows = self.rows
        arrays = {k: a[:rows].copy() for k, a in self.rec.items()}
        extra_arrays: dict[str, np.ndarray] = {}
        if self.model == NETWORK:
            extra_arrays["patterns"] = self.patterns.stacked(self.X.shape[0], self.K)
            extra_arrays["v"] = self.v.copy()
        t = self.times[:rows].copy()
        if include_current and rows and self.t > t[-1]:
            extra = self._allocate(1)
            self._stats(extra, 0, self.t, store=False)
            if all(np.all(np.isfinite(a)) for a in extra.values() if a.dtype.kind == "f") and (
                self.model != NETWORK or np.all(extra["pattern_id"] >= 0)
            ):
                arrays = {k: np.concatenate((arrays[k], extra[k])) for k in arrays}
                t = np.append(t, np.int64(self.t))
        return Trajectory(
            algorithm=self.algorithm,
            t=t,
            status=status_names(self.status),
            t_stop=self.t_stop.copy(),
            labels=self.y.copy(),
            meta=self.meta(),
            arrays={**self._shaped(arrays), **extra_arrays},
        )

    def _shaped(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Network parameter arrays as (..., d, K) matrices instead of flat vectors."""
        if self.model != NETWORK:
            return arrays
        d, K = self.X.shape[1], self.K
        return {k: (a.reshape((*a.shape[:-1], d, K)) if k in ("w", "wbar", "mean_w", "mean_wbar", "se_w",
                                                             "se_wbar") else a)
                for k, a in arrays.items()}

    def _net_rows(self, target: dict[str, np.ndarray], c: int, V: np.ndarray, suffix: str) -> None:
        """Network statistics of the R flat parameter vectors ``V``; patterns land in the scratch."""
        floor = 0
        if self.slope == 0.0 and np.all(self.v > 0):
            floor = 1
        elif self.slope == 0.0 and np.all(self.v < 0):
            floor = 2
        net_record_states(
            V, self.v, self.X, self.y, self.slope, floor, target[f"loss{suffix}"][c],
            target[f"excess{suffix}"][c], target[f"norm{suffix}"][c], target[f"output_margin{suffix}"][c],
            target[f"separable{suffix}"][c], self.patterns.scratch,
        )

    def _net_patterns(self, target: dict[str, np.ndarray], c: int, store: bool) -> None:
        """Pattern ids (stored on change), class counts and shared-unit flags of the iterates."""
        target["pattern_id"][c] = self.patterns.ids(store)
        for r in range(self.R):
            classes, shared = _class_stats(self.patterns.scratch[r], self.K)
            target["n_classes"][c, r], target["shared_unit"][c, r] = classes, shared

    def _net_current_active(self) -> np.ndarray:
        """The scratch patterns as (R, n*K) booleans, built in place (no n K temporaries)."""
        out = np.empty((self.R, self.X.shape[0] * self.K), dtype=np.bool_)
        unpack_patterns(self.patterns.scratch, self.K, out)
        return out

    def _net_changed_units(self) -> np.ndarray:
        """Per replicate, how many (sample, unit) flags differ between the stepper's and the scratch."""
        out = np.empty(self.R, dtype=np.int64)
        count_changed(self.patterns.scratch, self.K, self.active, out)
        return out

    # ------------------------------------------------------------ state
    def state_dict(self) -> dict[str, np.ndarray]:
        """Everything needed to continue the run, as plain arrays (no data X, y)."""
        out: dict[str, np.ndarray] = {
            "algorithm": np.array(self.algorithm),
            "t": np.array(self.t, dtype=np.int64),
            "rows": np.array(self.rows, dtype=np.int64),
            "times": self.times.copy(),
            "per_decade": np.array(-1 if self.per_decade is None else self.per_decade, dtype=np.int64),
            "R": np.array(self.R, dtype=np.int64),
            "status": self.status.copy(),
            "t_stop": self.t_stop.copy(),
            "timing": np.array([self.compute_seconds, self.compile_seconds, self.wall_seconds]),
        }
        for name in self._params:
            out[f"param_{name}"] = np.array(getattr(self, name))
        for name in self._state_arrays:
            out[f"state_{name}"] = getattr(self, name).copy()
        for k, a in self.rec.items():
            out[f"rec_{k}"] = a[: self.rows].copy()
        if self.model == NETWORK:
            out["v"] = self.v.copy()
            out["patterns_store"] = self.patterns.stacked(self.X.shape[0], self.K)
            out["patterns_last"] = self.patterns.last.copy()
        return out

    @classmethod
    def _restore(cls, run: Run, state: dict[str, np.ndarray]) -> Run:
        run.t = int(state["t"])
        run.rows = int(state["rows"])
        run.status = state["status"].copy()
        run.t_stop = state["t_stop"].copy()
        run.compute_seconds, run.compile_seconds, run.wall_seconds = (float(x) for x in state["timing"])
        for name in cls._state_arrays:
            setattr(run, name, state[f"state_{name}"].copy())
        for k in run.rec:
            run.rec[k][: run.rows] = state[f"rec_{k}"]
        if run.model == NETWORK:
            run.patterns.store = list(state["patterns_store"])
            run.patterns.last = state["patterns_last"].copy()
        return run


class GDRun(Run):
    """State of a GD run over R starts (see :func:`fastbias.gd`)."""

    algorithm = "gd"
    _state_arrays = ("W", "W_prev", "active", "counts", "sep")
    _params = ("eta", "slope", "parallel")

    def __init__(self, X, y, W, *, eta: float, slope: float, times, per_decade, parallel: bool, v=None):
        super().__init__(X, y, W.shape[0], times, per_decade, v)
        self.eta, self.slope, self.parallel = float(eta), float(slope), bool(parallel)
        R, n = W.shape[0], X.shape[0]
        self.W = np.ascontiguousarray(W.reshape(R, -1), dtype=np.float64).copy()
        self.W_prev = self.W.copy()
        self.counts = np.zeros((R, 3), dtype=np.int64)
        self._extra_flips = np.empty(R, dtype=np.int64)
        self._sep_now = np.empty(R, dtype=np.bool_)
        if self.model == NETWORK:
            tmp = _net_arrays(1, R)
            self._net_rows(tmp, 0, self.W, "")
            self.active = self._net_current_active()
            self.sep = tmp["separable"][0].copy()
            return
        self.active = np.empty((R, n), dtype=np.bool_)
        self.sep = np.empty(R, dtype=np.bool_)
        m = np.empty(n)
        for r in range(R):
            _margins(self.W[r], X, m)
            self.active[r] = m > 0.0
            self.sep[r] = bool(np.all(y * m > 0.0))

    def _allocate(self, C: int) -> dict[str, np.ndarray]:
        R, n = self.R, self.X.shape[0]
        P = self.X.shape[1] * self.K
        counters = {
            "flips": np.zeros((C, R), dtype=np.int64),
            "sep_entries": np.zeros((C, R), dtype=np.int64),
            "sep_exits": np.zeros((C, R), dtype=np.int64),
        }
        if self.model == NETWORK:
            return {"w": np.zeros((C, R, P)), **_net_arrays(C, R), **counters,
                    "pattern_id": np.zeros((C, R), dtype=np.int64),
                    "n_classes": np.zeros((C, R), dtype=np.int64),
                    "shared_unit": np.zeros((C, R), dtype=np.bool_)}
        return {"w": np.zeros((C, R, P)), **_stat_arrays(C, R, n), **counters}

    def _advance(self, t0: int, t1: int) -> None:
        step = gd_advance_parallel if self.parallel else gd_advance
        step(self.model, self.X, self.y, self.slope, self.v, self.eta, self.W, self.W_prev, self.active,
             self.counts, self.sep, self.status, self.t_stop, t0, t1)

    def _stats(self, target: dict[str, np.ndarray], c: int, t: int, store: bool = True) -> None:
        target["w"][c] = self.W
        if self.model == NETWORK:
            self._net_rows(target, c, self.W, "")
            self._net_patterns(target, c, store)
            self._extra_flips[:] = self._net_changed_units()
            self._sep_now[:] = target["separable"][c]
        else:
            record_states(
                self.W, self.X, self.y, self.slope, self.active, True,
                target["loss"][c], target["excess"][c], target["norm"][c], target["mask"][c],
                target["region"][c], target["region_margin"][c], target["linear_margin"][c],
                self._extra_flips, self._sep_now,
            )
        # Counters cover w_0..w_t: the stepper has counted up to the last
        # evaluated iterate; the recorder adds the step to w_t itself.
        target["flips"][c] = self.counts[:, 0] + self._extra_flips
        target["sep_entries"][c] = self.counts[:, 1] + (self._sep_now & ~self.sep)
        target["sep_exits"][c] = self.counts[:, 2] + (~self._sep_now & self.sep)

    def _record(self, c: int, t: int) -> None:
        self._stats(self.rec, c, t)
        # The stepper's last step produced w_t without evaluating its loss; if
        # that overflows, step back to w_{t-1} here, exactly as the stepper
        # would at its next pass (so how the run is split changes nothing).
        bad = (self.status == OK) & ~np.isfinite(self.rec["loss"][c])
        if bad.any():
            self.W[bad] = self.W_prev[bad]
            self.status[bad] = OVERFLOW
            self.t_stop[bad] = t - 1
            self._stats(self.rec, c, t)

    @classmethod
    def from_state(cls, X, y, state: dict[str, np.ndarray]) -> GDRun:
        """Rebuild a run saved by :meth:`state_dict` (with the same X, y)."""
        W = state["state_W"]
        pd = int(state["per_decade"])
        run = cls(X, y, W, eta=float(state["param_eta"]), slope=float(state["param_slope"]),
                  times=state["times"], per_decade=None if pd < 0 else pd,
                  parallel=bool(state["param_parallel"]), v=state.get("v"))
        return cls._restore(run, state)


class SGDRun(Run):
    """State of an SGD run with R replicates (see :func:`fastbias.sgd`)."""

    algorithm = "sgd"
    _state_arrays = ("W", "S", "C", "good_W", "good_S", "good_C", "good_t", "rolled")
    _params = ("eta0", "alpha", "seed", "slope")

    def __init__(self, X, y, w0, *, R: int, eta0: float, alpha: float, seed: int, slope: float, times,
                 per_decade, v=None):
        super().__init__(X, y, R, times, per_decade, v)
        self.eta0, self.alpha, self.seed, self.slope = float(eta0), float(alpha), int(seed), float(slope)
        self.W = np.tile(np.ravel(w0), (R, 1)).astype(np.float64)
        P = self.W.shape[1]
        self.S = np.zeros((R, P))
        self.C = np.zeros((R, P))
        # State at the last checkpoint whose statistics were all finite: an
        # overflowing replicate goes back there (the stepper sees only the
        # sampled term, so it cannot know that another sample's loss overflowed).
        self.good_W, self.good_S, self.good_C = self.W.copy(), self.S.copy(), self.C.copy()
        self.good_t = np.zeros(R, dtype=np.int64)
        self.rolled = np.zeros(R, dtype=np.bool_)
        self.keys = np.array([replicate_key(np.uint64(self.seed), r) for r in range(R)], dtype=np.uint64)
        self._table = np.empty(SGD_BLOCK)
        self._no_prev = np.zeros((R, 1), dtype=np.bool_)
        self._scratch_i = np.empty(R, dtype=np.int64)
        self._scratch_b = np.empty(R, dtype=np.bool_)

    def _allocate(self, C: int) -> dict[str, np.ndarray]:
        R, n = self.R, self.X.shape[0]
        P = self.X.shape[1] * self.K
        params = {
            "w": np.zeros((C, R, P)),
            "wbar": np.zeros((C, R, P)),
            "mean_w": np.zeros((C, P)),
            "se_w": np.zeros((C, P)),
            "mean_wbar": np.zeros((C, P)),
            "se_wbar": np.zeros((C, P)),
        }
        if self.model == NETWORK:
            return {**params, **_net_arrays(C, R), **_net_arrays(C, R, "_wbar"),
                    "pattern_id": np.zeros((C, R), dtype=np.int64),
                    "n_classes": np.zeros((C, R), dtype=np.int64),
                    "shared_unit": np.zeros((C, R), dtype=np.bool_)}
        return {**params, **_stat_arrays(C, R, n), **_stat_arrays(C, R, n, "_wbar")}

    def _advance(self, t0: int, t1: int) -> None:
        sgd_advance(self.model, self.X, self.y, self.slope, self.v, self.eta0, self.alpha, self.keys, self.W,
                    self.S, self.C, self.status, self.t_stop, self._table, t0, t1)

    def _averages(self, t: int) -> np.ndarray:
        if t == 0:
            return self.W.copy()
        # A stopped replicate's sum ends at t_stop; a dead one's iterate stays
        # put after that, so its average continues exactly.
        stopped = self.status != OK
        upto = np.where(stopped, self.t_stop, t).astype(np.float64)
        total = self.S - self.C
        dead = self.status == DEAD
        total[dead] += (t - upto[dead])[:, None] * self.W[dead]
        denom = np.where(dead, t, upto).astype(np.float64)
        out = total / np.maximum(denom, 1.0)[:, None]
        out[denom == 0] = self.W[denom == 0]  # stopped at its first step: wbar_0 = w_0
        return out

    def _stat_rows(self, target: dict[str, np.ndarray], c: int, V: np.ndarray, suffix: str) -> None:
        record_states(
            V, self.X, self.y, self.slope, self._no_prev, False,
            target[f"loss{suffix}"][c], target[f"excess{suffix}"][c], target[f"norm{suffix}"][c],
            target[f"mask{suffix}"][c], target[f"region{suffix}"][c], target[f"region_margin{suffix}"][c],
            target[f"linear_margin{suffix}"][c], self._scratch_i, self._scratch_b,
        )

    def _stats(self, target: dict[str, np.ndarray], c: int, t: int, store: bool = True) -> None:
        wbar = self._averages(t)
        target["w"][c] = self.W
        target["wbar"][c] = wbar
        if self.model == NETWORK:
            self._net_rows(target, c, wbar, "_wbar")
            self._net_rows(target, c, self.W, "")  # last: the scratch keeps the iterates' patterns
            self._net_patterns(target, c, store)
        else:
            self._stat_rows(target, c, self.W, "")
            self._stat_rows(target, c, wbar, "_wbar")
        for name in ("w", "wbar"):
            target[f"mean_{name}"][c] = target[name][c].mean(axis=0)
            target[f"se_{name}"][c] = (
                target[name][c].std(axis=0, ddof=1) / np.sqrt(self.R) if self.R > 1 else 0.0
            )

    def _record(self, c: int, t: int) -> None:
        rec = self.rec
        self._stats(rec, c, t)
        finite = (
            np.isfinite(rec["loss"][c]) & np.isfinite(rec["loss_wbar"][c])
            & np.isfinite(rec["norm"][c]) & np.isfinite(rec["norm_wbar"][c])
        )
        bad = ~self.rolled & ((self.status == OVERFLOW) | ~finite)
        if bad.any():
            self.rolled[bad] = True
            self.W[bad], self.S[bad], self.C[bad] = self.good_W[bad], self.good_S[bad], self.good_C[bad]
            self.status[bad] = OVERFLOW
            self.t_stop[bad] = self.good_t[bad]
        if self.slope == 0.0:
            if self.model == NETWORK:
                no_unit = ~self.patterns.scratch.reshape(self.R, -1).any(axis=1)
            else:
                no_unit = rec["region"][c] == REGION_DEAD
            dead = (self.status == OK) & no_unit
            self.status[dead] = DEAD
            self.t_stop[dead] = t
        if bad.any():
            self._stats(rec, c, t)
        ok = self.status == OK
        self.good_W[ok], self.good_S[ok], self.good_C[ok] = self.W[ok], self.S[ok], self.C[ok]
        self.good_t[ok] = t

    @classmethod
    def from_state(cls, X, y, state: dict[str, np.ndarray]) -> SGDRun:
        """Rebuild a run saved by :meth:`state_dict` (with the same X, y)."""
        pd = int(state["per_decade"])
        run = cls(X, y, state["state_W"][0], R=int(state["R"]), eta0=float(state["param_eta0"]),
                  alpha=float(state["param_alpha"]), seed=int(state["param_seed"]),
                  slope=float(state["param_slope"]), times=state["times"], per_decade=None if pd < 0 else pd,
                  v=state.get("v"))
        return cls._restore(run, state)


def run_from_state(X, y, state: dict[str, np.ndarray]) -> Run:
    """Rebuild a GD or SGD run from :meth:`Run.state_dict` output."""
    kind = str(state["algorithm"])
    if kind == "gd":
        return GDRun.from_state(X, y, state)
    if kind == "sgd":
        return SGDRun.from_state(X, y, state)
    raise InputError(f"state holds an unknown algorithm {kind!r}")
