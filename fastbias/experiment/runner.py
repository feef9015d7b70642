"""Run directories: create, execute, save crash-safely, resume, extend, and write results.

Layout of an experiment directory::

    DIR/
      config.toml        the config as given (the built-in default's text for `fastbias run`)
      experiment.json    the validated config with every default filled in, data hashes, versions
      log.txt            what happened: starts, decade lines, saves (with their cost), resumes
      summary.json       one entry per run (rebuilt by `fastbias report DIR`)
      <run>/             one sub-directory per [[run]]
        state.npz        crash-safe state (see fastbias.experiment.state); state.prev.npz
        data.npz         a copy of user-file data (built-in datasets are rebuilt and hash-checked)
        results.npz      all recorded arrays (fastbias.Trajectory.load reads it)
        summary.json     config, versions, machine, timing, statuses, errors, fits, outcome
        figures/*.png    direction error, loss, norms, regions
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import shlex
import shutil
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from fastbias.experiment import state as st
from fastbias.experiment.analysis import Directions, nearest, network_line, rate_ratio, summarize
from fastbias.experiment.config import ExperimentSpec, RunSpec, build_data, data_hash, starts
from fastbias.loops.runs import GDRun, Run, SGDRun, run_from_state
from fastbias.loops.schedule import log_schedule
from fastbias.loops.trajectory import Trajectory

__all__ = [
    "MANIFEST",
    "ExperimentError",
    "Interrupts",
    "create_experiment",
    "execute",
    "load_manifest",
    "make_run",
    "run_data",
]

MANIFEST = "experiment.json"
_FORMAT = "fastbias-experiment-1"
EXIT_INTERRUPTED = 130


class ExperimentError(RuntimeError):
    """A run directory cannot be created, read or resumed (the message says why)."""


def _now() -> str:
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _finite(obj: Any) -> Any:
    """NaN and infinities become null (strict JSON)."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    if isinstance(obj, np.generic):
        return _finite(obj.item())
    if isinstance(obj, np.ndarray):
        return _finite(obj.tolist())
    return obj


def _write_json(path: Path, obj: Any) -> None:
    text = json.dumps(_finite(obj), indent=2, default=_json_default, allow_nan=False)
    st.atomic_write_bytes(path, (text + "\n").encode())


def _json_default(o: Any) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def machine() -> dict[str, Any]:
    """The machine a run used."""
    import numba

    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "numba_threads": numba.get_num_threads(),
        "python": platform.python_implementation() + " " + platform.python_version(),
    }


# ---------------------------------------------------------------------- runs
def make_run(spec: RunSpec, X: np.ndarray, y: np.ndarray, w0: np.ndarray | None) -> Run:
    """A fresh GD or SGD run for a validated spec (the state ``fastbias.gd`` / ``sgd`` build).

    Parameters
    ----------
    spec : RunSpec
        A validated run.
    X, y : numpy.ndarray
        Its data.
    w0 : numpy.ndarray or None
        The dataset's start (``None`` for user files: ``spec.w0`` or ``spec.inits`` then).

    Returns
    -------
    fastbias.loops.runs.Run
        A :class:`~fastbias.loops.runs.GDRun` or :class:`~fastbias.loops.runs.SGDRun` at t = 0.
    """
    from fastbias.loops.gd import PARALLEL_MIN_ROWS

    times = np.concatenate(([0], log_schedule(spec.n_iter, spec.checkpoints))).astype(np.int64)
    W = starts(spec, X, w0)
    if spec.algorithm == "gd":
        parallel = W.shape[0] == 1 and X.shape[0] >= PARALLEL_MIN_ROWS
        return GDRun(
            X,
            y,
            W,
            eta=float(spec.eta),
            slope=spec.slope,
            times=times,
            per_decade=spec.checkpoints,
            parallel=parallel,
            v=spec.v_array(),
        )
    return SGDRun(
        X,
        y,
        W[0],
        R=spec.replicates,
        eta0=spec.eta0,
        alpha=spec.alpha,
        seed=spec.seed,
        slope=spec.slope,
        times=times,
        per_decade=spec.checkpoints,
        v=spec.v_array(),
    )


def step_bound(
    X: np.ndarray, y: np.ndarray, W: np.ndarray, slope: float, v: np.ndarray | None = None
) -> float:
    """2 / (max ||x_i||^2 max_r L(w_r)) (times 1/||v||^2 for a network): the bound on a constant GD step."""
    from fastbias.loops.gd import step_bound as bound

    return float(bound(X, y, np.reshape(W, (W.shape[0], -1)), slope, v))


# ---------------------------------------------------------------------- Ctrl-C
class Interrupts:
    """SIGINT / SIGTERM handling: the first one asks the current run to stop at its next chunk boundary.

    Compiled chunks last about ``chunk_seconds``, so the run stops within about a
    second, with a consistent state that is then saved. A second Ctrl-C raises
    KeyboardInterrupt at once (state files stay intact: saves are atomic).
    """

    SIGNALS = ("SIGINT", "SIGTERM")

    def __init__(self) -> None:
        self.requested = False
        self._old: dict[int, Any] = {}

    def _handler(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        what = b"Ctrl-C" if signum == signal.SIGINT else b"SIGTERM"
        os.write(
            2,
            b"\n" + what + b": stopping at the next chunk boundary and saving state "
            b"(press Ctrl-C again to abort at once)\n",
        )

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is threading.main_thread():
            for name in self.SIGNALS:
                sig = getattr(signal, name, None)
                if sig is not None:
                    self._old[sig] = signal.getsignal(sig)
                    signal.signal(sig, self._handler)
        return self

    def __exit__(self, *exc) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)
        self._old = {}


class DirectoryLock:
    """An exclusive lock on an experiment directory (released when the process ends, even by SIGKILL)."""

    def __init__(self, directory: Path):
        self.path = Path(directory) / ".lock"
        self._fh: Any = None

    def __enter__(self) -> DirectoryLock:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no lock
            return self
        self._fh = open(self.path, "a+")  # held until __exit__
        try:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._fh.close()
            self._fh = None
            raise ExperimentError(f"{self.path.parent} is in use by another fastbias process") from None
        return self

    def __exit__(self, *exc) -> None:
        if self._fh is not None:
            self._fh.close()  # closing releases the lock
            self._fh = None


# ---------------------------------------------------------------------- log
class Log:
    """Lines to stdout (above any progress bar) and appended to ``log.txt``."""

    def __init__(self, path: Path | None, echo: Callable[[str], None] | None = None):
        self.path = path
        self.echo = echo if echo is not None else _print

    def __call__(self, line: str, *, quiet: bool = False) -> None:
        if not quiet:
            self.echo(line)
        if self.path is not None:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')}  {line}\n")


def _print(line: str) -> None:
    from tqdm import tqdm

    tqdm.write(line, file=sys.stdout)
    sys.stdout.flush()


# ---------------------------------------------------------------------- directories
def create_experiment(
    out: Path, spec: ExperimentSpec, config_text: str, *, force: bool, command: str
) -> Path:
    """Create an experiment directory: config copy, manifest, one sub-directory per run.

    Parameters
    ----------
    out : pathlib.Path
        The directory to create.
    spec : ExperimentSpec
        The validated config.
    config_text : str
        The config as given (copied to ``config.toml``).
    force : bool
        Replace an existing run directory (never a directory without ``experiment.json``).
    command : str
        The command line, recorded in the manifest.

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    ExperimentError
        ``out`` exists and is not empty (without ``force``), or is not a run directory.
    """
    out = Path(out)
    if out.exists():
        if not out.is_dir():
            raise ExperimentError(f"{out} exists and is not a directory")
        if any(out.iterdir()):
            if not force:
                raise ExperimentError(
                    f"run directory {out} already exists: pass --force to overwrite it, "
                    f"or continue it with: fastbias resume {shlex.quote(str(out))}"
                )
            if not (out / MANIFEST).exists():
                raise ExperimentError(
                    f"{out} is not empty and not a fastbias run directory (no {MANIFEST}); "
                    "not removing it, even with --force"
                )
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    st.atomic_write_bytes(out / "config.toml", config_text.encode())
    runs = {}
    for r in spec.runs:
        rd = out / r.name
        rd.mkdir()
        X, y, _ = build_data(r.data)
        entry = {"dir": r.name, "data_sha256": data_hash(X, y), "data_file": None}
        if r.data.dataset == "file":
            # A copy, so that resuming never depends on the original file staying put.
            import io

            buf = io.BytesIO()
            np.savez(buf, X=X, y=y)
            st.atomic_write_bytes(rd / "data.npz", buf.getvalue())
            entry["data_file"] = "data.npz"
        runs[r.name] = entry
    from fastbias.loops.driver import versions

    manifest = {
        "format": _FORMAT,
        "created": _now(),
        "command": command,
        "spec": spec.to_dict(),
        "runs": runs,
        "versions": versions(),
    }
    _write_json(out / MANIFEST, manifest)
    return out


def load_manifest(directory: Path) -> tuple[dict[str, Any], ExperimentSpec]:
    """Read ``experiment.json`` of an experiment directory."""
    directory = Path(directory)
    path = directory / MANIFEST
    if not path.exists():
        raise ExperimentError(f"{directory} is not a fastbias run directory (no {MANIFEST})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("format") != _FORMAT:
            raise ValueError(f"unknown format {manifest.get('format')!r}")
        spec = ExperimentSpec.from_dict(manifest["spec"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ExperimentError(f"{path} could not be read: {exc}") from None
    return manifest, spec


def run_data(
    directory: Path, manifest: dict[str, Any], spec: RunSpec
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The data of a run, rebuilt (or read from its copy) and checked against the recorded hash."""
    entry = manifest["runs"][spec.name]
    if entry.get("data_file"):
        path = Path(directory) / entry["dir"] / entry["data_file"]
        try:
            with np.load(path, allow_pickle=False) as f:
                X, y = f["X"], f["y"]
        except (OSError, ValueError, KeyError) as exc:
            raise ExperimentError(f"the data copy {path} could not be read: {exc}") from None
        w0 = None
    else:
        X, y, w0 = build_data(spec.data)
    if data_hash(X, y) != entry["data_sha256"]:
        raise ExperimentError(
            f"the data of run {spec.name!r} ({spec.data.describe()}) differ from those it started with "
            "(changed fastbias version or data copy): refusing to resume"
        )
    return X, y, w0


# ---------------------------------------------------------------------- monitor
class Monitor:
    """``on_chunk`` of a run: honours Ctrl-C, prints decade lines, saves state every ``save_every`` s."""

    def __init__(
        self,
        spec: RunSpec,
        run: Run,
        run_dir: Path,
        log: Log,
        interrupts: Interrupts,
        save_every: float,
        dirs: Directions | None,
        saves: dict[str, float],
        current_good: bool,
    ):
        self.spec, self.run, self.dir, self.log = spec, run, run_dir, log
        self.interrupts, self.save_every, self.dirs = interrupts, save_every, dirs
        self.saves = saves
        self.current_good = current_good
        self.printed = run.rows
        self.last_save = time.perf_counter()

    def __call__(self, run: Run) -> None:
        if self.interrupts.requested:
            raise KeyboardInterrupt
        while self.printed < run.rows:
            c = self.printed
            self.printed += 1
            t = int(run.times[c])
            if (t >= 10 and _is_power_of_ten(t)) or c == run.times.size - 1:
                self.log(self.decade_line(c))
        if time.perf_counter() - self.last_save >= self.save_every:
            self.save()

    def save(self) -> None:
        """Save the run's state atomically and time it."""
        run = self.run
        meta = {
            "run": self.spec.name,
            "t": int(run.t),
            "rows": int(run.rows),
            "n_iter": int(run.n_iter),
            "saved_at": _now(),
            "save_seconds": self.saves["seconds"],
            "saves": int(self.saves["count"]),
        }
        dt = st.save_state(self.dir, run.state_dict(), meta, rotate=self.current_good)
        self.current_good = True
        self.saves["seconds"] += dt
        self.saves["count"] += 1
        self.last_save = time.perf_counter()
        self.log(f"  {self.spec.name}: state saved at t = {run.t} ({dt * 1e3:.1f} ms)", quiet=True)

    def decade_line(self, c: int) -> str:
        """One line: t, loss - L*, direction error, current rate ratio, region (network: per class)."""
        run, spec = self.run, self.spec
        t = int(run.times[c])
        rec = run.rec
        y = run.y
        if spec.network:
            d, K = run.X.shape[1], run.K
            gd = run.algorithm == "gd"
            W = (rec["w"][c, 0] if gd else rec["mean_wbar"][c]).reshape(d, K)
            loss = float(rec["loss"][c, 0] if gd else rec["loss_wbar"][c, 0])
            return f"  {spec.name}  " + network_line(W, run.v, run.X, y, t, loss, gd)
        if run.algorithm == "gd":
            V = rec["w"][c]
            excess = rec["excess"][c]
            regions = rec["region"][c]
        else:
            V = rec["mean_wbar"][c][None, :]
            excess = rec["excess_wbar"][c]
            regions = rec["region_wbar"][c]
        errs, names = [], []
        for r in range(V.shape[0]):
            if isinstance(spec.target, list):
                u = np.asarray(spec.target, dtype=np.float64)
                name, e = "target", float(np.linalg.norm(V[r] / np.linalg.norm(V[r]) - u / np.linalg.norm(u)))
            else:
                J = np.flatnonzero((run.X @ V[r] > 0) & (y > 0))
                cands = self.dirs.candidates(J)
                if spec.target != "auto" and spec.target in cands:
                    cands = {spec.target: cands[spec.target]}
                name, e = nearest(V[r], cands) if cands else ("", math.nan)
            errs.append(e)
            names.append(name)
        err = float(np.nanmedian(errs)) if np.any(np.isfinite(errs)) else math.nan
        name = Counter(names).most_common(1)[0][0]
        from fastbias.loops.record import REGION_NAMES

        region = REGION_NAMES[Counter(regions.tolist()).most_common(1)[0][0]]
        what = (
            "E[wbar]" if run.algorithm == "sgd" else (f"w, median of {V.shape[0]}" if V.shape[0] > 1 else "w")
        )
        ratio_name = "err*ln t" if run.algorithm == "gd" else "err^2*ln t"
        ratio = rate_ratio(run.algorithm, t, err)
        return (
            f"  {spec.name}  t = {t:<9.3g} L-L* = {float(np.median(excess)):<10.3e} "
            f"err({what}) = {err:.3e} to {name or '-'}  {ratio_name} = {ratio:.3f}"
            f"  region {region}"
        )


def _is_power_of_ten(t: int) -> bool:
    while t >= 10 and t % 10 == 0:
        t //= 10
    return t == 1


# ---------------------------------------------------------------------- execute
def _timing(run: Run, saves: dict[str, float]) -> dict[str, Any]:
    m = run.meta()
    wall = m["wall_seconds"]
    return {
        "wall_seconds": wall,
        "compute_seconds": m["compute_seconds"],
        "compile_seconds": m["compile_seconds"],
        "ns_per_iteration": m["ns_per_iteration"],
        "state_saves": int(saves["count"]),
        "save_seconds": saves["seconds"],
        "save_fraction": saves["seconds"] / wall if wall > 0 else None,
    }


def finish_run(
    directory: Path,
    manifest: dict[str, Any],
    spec: RunSpec,
    traj: Trajectory,
    X: np.ndarray,
    y: np.ndarray,
    timing: dict[str, Any],
    *,
    figures: bool,
    log: Log,
) -> dict[str, Any]:
    """Write results.npz, figures and summary.json of one run; returns the summary."""
    from fastbias.loops.driver import versions

    run_dir = Path(directory) / manifest["runs"][spec.name]["dir"]
    if traj is not None:
        tmp = run_dir / "results.tmp.npz"
        traj.save(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, run_dir / "results.npz")
    else:
        traj = Trajectory.load(run_dir / "results.npz")
    summary: dict[str, Any] = {
        "run": spec.name,
        "experiment": manifest["spec"]["name"],
        "algorithm": spec.algorithm,
        "config": spec.to_dict(),
        "data": {
            "description": spec.data.describe(),
            "sha256": manifest["runs"][spec.name]["data_sha256"],
            "n": int(X.shape[0]),
            "d": int(X.shape[1]),
            "positives": int(np.sum(y > 0)),
            "negatives": int(np.sum(y < 0)),
        },
        "versions": versions(),
        "machine": machine(),
        "timing": timing,
        "finished": bool(traj.t[-1] == _end(traj)),
        "interrupted": bool(traj.meta.get("interrupted", False)),
    }
    summary.update(summarize(spec, traj, X, y))
    if figures:
        try:
            from fastbias import plot

            paths = plot.run_figures(traj, summary, run_dir / "figures", X=X, y=y)
            summary["figures"] = [str(p.relative_to(directory)) for p in paths]
        except plot.PlotUnavailable as exc:
            log(f"  {spec.name}: no figures: {exc}")
            summary["figures"] = []
    _write_json(run_dir / "summary.json", summary)
    return summary


def _end(traj: Trajectory) -> int:
    return int(traj.meta.get("args", {}).get("n_iter", traj.t[-1]))


def execute(
    directory: Path,
    *,
    extend_to: int | None = None,
    progress: bool | None = None,
    echo: Callable[[str], None] | None = None,
    interrupts: Interrupts | None = None,
    resumed: bool = False,
) -> int:
    """Run (or continue) every run of an experiment directory.

    Runs are taken in order; each continues from its last good state (or starts
    at t = 0), prints a line per decade, saves its state every ``save_every``
    seconds, at its end and on Ctrl-C / SIGTERM, then writes ``results.npz``,
    its figures and ``summary.json``.

    Parameters
    ----------
    directory : pathlib.Path
        An experiment directory made by :func:`create_experiment`.
    extend_to : int, optional
        Extend every run to this many iterations (``fastbias resume --n-iter``);
        the recorded checkpoints stay and the grid continues.
    progress : bool, optional
        Progress bars (default: when stderr is a terminal).
    echo : callable, optional
        Where lines go (default: stdout, above any progress bar).
    interrupts : Interrupts, optional
        A signal handler already installed by the caller.
    resumed : bool
        Only changes the first log line.

    Returns
    -------
    int
        0 when every run finished, 130 when stopped by a signal (state saved;
        the exact resume command is printed).

    Raises
    ------
    ExperimentError
        The directory is not a run directory, is in use by another process, its
        data changed, or ``extend_to`` would shorten a run.
    fastbias.experiment.state.StateError
        State files exist but none is good.
    """
    directory = Path(directory)
    manifest, exp = load_manifest(directory)
    log = Log(directory / "log.txt", echo)
    if progress is None:
        progress = sys.stderr.isatty()
    own = interrupts is None
    interrupts = interrupts or Interrupts()
    resume_cmd = f"fastbias resume {shlex.quote(str(directory))}"
    with DirectoryLock(directory):
        if own:
            interrupts.__enter__()
        try:
            return _execute(
                directory, manifest, exp, log, interrupts, extend_to, progress, resumed, resume_cmd
            )
        finally:
            if own:
                interrupts.__exit__(None, None, None)


def _execute(
    directory: Path,
    manifest: dict[str, Any],
    exp: ExperimentSpec,
    log: Log,
    interrupts: Interrupts,
    extend_to: int | None,
    progress: bool,
    resumed: bool,
    resume_cmd: str,
) -> int:
    summaries: list[dict[str, Any]] = []
    log(
        f"{'resuming' if resumed else 'experiment'} {exp.name!r} in {directory} ({len(exp.runs)} "
        f"run{'s' * (len(exp.runs) > 1)}; state saved every {exp.save_every:g} s)"
    )
    for k, spec in enumerate(exp.runs, 1):
        if interrupts.requested:
            log(f"interrupted before {spec.name}: resume with\n  {resume_cmd}")
            return EXIT_INTERRUPTED
        status = _one_run(directory, manifest, exp, spec, k, log, interrupts, extend_to, progress, resume_cmd)
        if isinstance(status, int):
            return status
        summaries.append(status)
    _write_json(
        directory / "summary.json",
        {
            "experiment": exp.name,
            "description": exp.description,
            "directory": str(directory),
            "updated": _now(),
            "runs": summaries,
        },
    )
    from fastbias.experiment.report import format_table, rows_from_summaries

    log("")
    for line in format_table(rows_from_summaries(summaries, directory)).splitlines():
        log(line)
    figs = sorted({str(Path(p).parent) for s in summaries for p in s.get("figures", [])})
    log(
        f"\nresults: {directory}/<run>/results.npz and summary.json"
        + (f"; figures: {directory}/<run>/figures/*.png" if figs else "")
    )
    return 0


def _one_run(
    directory: Path,
    manifest: dict[str, Any],
    exp: ExperimentSpec,
    spec: RunSpec,
    k: int,
    log: Log,
    interrupts: Interrupts,
    extend_to: int | None,
    progress: bool,
    resume_cmd: str,
) -> dict[str, Any] | int:
    run_dir = directory / manifest["runs"][spec.name]["dir"]
    X, y, w0 = run_data(directory, manifest, spec)
    loaded = st.load_state(run_dir)
    for m in loaded.messages:
        log(f"  warning: {m}")
    saves = {"seconds": 0.0, "count": 0}
    if loaded.state is None:
        run = make_run(spec, X, y, w0)
        if run.algorithm == "gd":
            bound = step_bound(X, y, starts(spec, X, w0), spec.slope, spec.v_array())
            if spec.eta > bound:
                log(
                    f"  warning: {spec.name}: eta = {spec.eta:g} exceeds the local smoothness bound "
                    f"2 / (max ||x||^2 L(w0)) = {bound:.3g}: the run may leave the small-step regime"
                )
    else:
        run = run_from_state(X, y, loaded.state)
        saves["seconds"] = float(loaded.meta.get("save_seconds", 0.0))
        saves["count"] = int(loaded.meta.get("saves", 0))
    extended = False
    if extend_to is not None and extend_to < run.n_iter:
        raise ExperimentError(
            f"--n-iter {extend_to} is below the end of run {spec.name!r} ({run.n_iter}): "
            "a run can be extended, not shortened"
        )
    if extend_to is not None and extend_to > run.n_iter:
        old = run.n_iter
        run.extend(extend_to)
        extended = True
        log(f"[{k}/{len(exp.runs)}] {spec.name}: extending from n_iter = {old:.3g} to {extend_to:.3g}")
        # Record the new end in the manifest too (the state saved below is the authority).
        for entry in manifest["spec"]["runs"]:
            if entry["name"] == spec.name:
                entry["n_iter"] = int(extend_to)
        manifest["runs"][spec.name].setdefault("extended", []).append(
            {"from": int(old), "to": int(extend_to), "at": _now()}
        )
        _write_json(directory / MANIFEST, manifest)
    spec.n_iter = run.n_iter
    done = run.finished and (run_dir / "summary.json").exists() and not extended
    if done:
        log(f"[{k}/{len(exp.runs)}] {spec.name}: finished at t = {run.t} (nothing to do)")
        return json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    dirs = None if spec.network else Directions(X, y, spec.slope, spec.targets)
    mon = Monitor(spec, run, run_dir, log, interrupts, exp.save_every, dirs, saves, loaded.current_good)
    if extended:
        mon.save()  # the new end is on disk before any work
    if not run.finished:
        what = (
            f"GD, eta = {spec.eta:g}, {run.R} start{'s' * (run.R > 1)}"
            if spec.algorithm == "gd"
            else f"SGD, eta0 = {spec.eta0:g}, alpha = {spec.alpha:g}, {run.R} replicates, seed {spec.seed}"
        )
        if spec.network:
            what += f"; network, K = {run.K} units, v = {np.array2string(run.v, precision=3)}"
        start = "from the start" if run.t == 0 else f"resuming at t = {run.t}"
        log(
            f"[{k}/{len(exp.runs)}] {spec.name}: {what} on {spec.data.describe()}, slope {spec.slope:g}, "
            f"to t = {run.n_iter:.3g} ({start})"
        )
    run.run(chunk_seconds=exp.chunk_seconds, progress=progress, on_chunk=mon, catch_interrupt=True)
    mon.save()
    m = _timing(run, saves)
    if run.interrupted:
        log(f"  {spec.name}: stopped at t = {run.t} of {run.n_iter}; state saved in {run_dir}")
        log(f"resume with:\n  {resume_cmd}")
        return EXIT_INTERRUPTED
    log(
        f"  {spec.name}: done in {m['wall_seconds']:.1f} s wall ({m['ns_per_iteration']:.1f} ns per "
        f"iteration and replicate; {m['state_saves']} state saves, {m['save_seconds'] * 1e3:.1f} ms = "
        f"{100 * (m['save_fraction'] or 0):.3f}% of the run)"
    )
    traj = run.trajectory()
    traj.meta.update({"run": spec.name, "timing": m})
    return finish_run(directory, manifest, spec, traj, X, y, m, figures=exp.figures, log=log)
