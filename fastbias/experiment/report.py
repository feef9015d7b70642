"""``fastbias report``: rebuild summaries and figures from saved results, and print tables."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from fastbias.experiment import state as st
from fastbias.experiment.runner import (
    MANIFEST,
    ExperimentError,
    Log,
    finish_run,
    load_manifest,
    run_data,
)
from fastbias.loops.runs import run_from_state
from fastbias.loops.trajectory import Trajectory

__all__ = ["format_table", "report", "rows_from_summaries"]


def _fmt(x: Any, spec: str = ".3g") -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        if not math.isfinite(x):
            return "-"
        return format(x, spec)
    return str(x)


def _median(v: Any) -> float | None:
    if isinstance(v, dict):
        return v.get("median")
    return v


def rows_from_summaries(
    summaries: list[dict[str, Any]], directory: Path | str | None = None
) -> list[dict[str, str]]:
    """One table row per run summary."""
    rows = []
    for s in summaries:
        timing = s.get("timing", {})
        tgt = s.get("target", {})
        finals = s.get("final_direction_errors", {}).get(tgt.get("name"), {})
        if s.get("algorithm") == "sgd":
            err = finals.get("mean_wbar")
            what = "E[wbar]"
        else:
            err = _median(finals.get("w"))
            what = "w" if s.get("replicates", 1) == 1 else "w (median)"
        fit = "-"
        fits = s.get("rates", {}).get("direction", {}).get("fits", [])
        f = next((f for f in fits if "exponent" in f), None)
        if f is not None:
            ci = f.get("exponent_ci95") or [None, None]
            ci_txt = (
                f" [{_fmt(ci[0], '.2f')}, {_fmt(ci[1], '.2f')}]"
                if ci[0] is not None and math.isfinite(ci[0])
                else ""
            )
            sq = "^2" if s.get("algorithm") == "sgd" else ""
            fit = f"err{sq} ~ (1/ln t)^{f['exponent']:.2f}{ci_txt}"
        outcome = "-"
        net = s.get("theorem_5")
        if net is not None:
            err, what, fit, outcome = _network_cells(s, net)
        elif "theorem_4_2" in s and "outcomes" in s["theorem_4_2"]:
            outcome = ", ".join(f"{k} x{v}" if v > 1 else k for k, v in s["theorem_4_2"]["outcomes"].items())
        status = ", ".join(f"{k} x{v}" if v > 1 else k for k, v in s.get("status", {}).items())
        frac = timing.get("save_fraction")
        row = {
            "run": s.get("run", "?"),
            "alg": s.get("algorithm", "?"),
            "data": s.get("data", {}).get("description", "?"),
            "t": _fmt(float(s.get("t_end", math.nan)), ".0e"),
            "R": str(s.get("replicates", "?")),
            "status": status + ("" if s.get("finished", True) else " (unfinished)"),
            "wall s": _fmt(timing.get("wall_seconds"), ".1f"),
            "ns/it": _fmt(timing.get("ns_per_iteration"), ".1f"),
            "saves": f"{timing.get('state_saves', 0)} ({_fmt(100 * frac, '.2f')}%)"
            if frac is not None
            else "-",
            "target": tgt.get("name", "-"),
            "final err": f"{_fmt(err, '.2e')} ({what})",
            "rate fit": fit,
            "outcome": outcome,
        }
        if directory is not None:
            row["dir"] = str(directory)
        rows.append(row)
    return rows


def _network_cells(s: dict[str, Any], net: dict[str, Any]) -> tuple[Any, str, str, str]:
    """Final error (worst class), what it is of, the worst class's rate fit and the Theorem 5 verdict."""
    classes = [c for c in net.get("classes", []) if c.get("final_error") is not None]
    what = "w~_h, worst class" if s.get("algorithm") == "gd" else "E[wbar] w~_h, worst class"
    if not classes:
        err, fit = None, "-"
    else:
        worst = max(classes, key=lambda c: c["final_error"])
        err = worst["final_error"]
        f = next((f for f in worst.get("fits", []) if "exponent" in f), None)
        if f is None:
            fit = "-"
        elif s.get("algorithm") == "gd":
            fit = f"err ~ (lnln t/ln t)^{f['exponent']:.2f}"
        else:
            fit = f"err^2 ~ (1/ln t)^{f['exponent']:.2f}"
    thm = str(net.get("theorem", "5")).split()[0]
    if net.get("holds"):
        outcome = f"Thm {thm}: conditions hold"
    else:
        outcome = f"Thm {thm} fails: {', '.join(net['failed'])}"
    return err, what, fit, outcome


def format_table(rows: list[dict[str, str]], columns: list[str] | None = None) -> str:
    """A plain-text table with aligned columns."""
    if not rows:
        return "(no runs)"
    columns = columns or [c for c in rows[0] if c != "dir"]
    widths = {c: max(len(c), *(len(r.get(c, "")) for r in rows)) for c in columns}
    head = "  ".join(c.ljust(widths[c]) for c in columns)
    lines = [head, "-" * len(head)]
    lines += ["  ".join(r.get(c, "").ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(lines)


def _experiment_dir(path: Path) -> tuple[Path, str | None]:
    """An experiment directory (or a run sub-directory: its parent and the run's name)."""
    if (path / MANIFEST).exists():
        return path, None
    if (path.parent / MANIFEST).exists():
        return path.parent, path.name
    raise ExperimentError(f"{path} is not a fastbias run directory (no {MANIFEST} here or above)")


def report(paths: list[Path], *, figures: bool = True, echo=print) -> list[dict[str, Any]]:
    """Rebuild every run's summary.json and figures from its results and print a table.

    A run without results (stopped before its end) is reported from its last
    good state. With several directories, the table has a ``dir`` column and
    runs of the same name are listed next to each other.

    Parameters
    ----------
    paths : list of pathlib.Path
        Experiment directories, or run sub-directories (only that run).
    figures : bool
        Also redraw the figures.
    echo : callable
        Where the table goes.

    Returns
    -------
    list of dict
        The run summaries, in table order of directories.
    """
    all_rows: list[dict[str, str]] = []
    summaries: list[dict[str, Any]] = []
    for path in paths:
        directory, only = _experiment_dir(Path(path))
        manifest, exp = load_manifest(directory)
        log = Log(None, echo=lambda _line: None)
        dir_summaries = []
        for spec in exp.runs:
            if only is not None and spec.name != only:
                continue
            run_dir = directory / manifest["runs"][spec.name]["dir"]
            X, y, _ = run_data(directory, manifest, spec)
            results = run_dir / "results.npz"
            old = {}
            if (run_dir / "summary.json").exists():
                old = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
            if results.exists():
                traj = Trajectory.load(results)
                timing = traj.meta.get("timing") or old.get("timing", {})
            else:
                loaded = st.load_state(run_dir, quarantine=False)
                if loaded.state is None:
                    echo(f"{directory}/{spec.name}: not started yet")
                    continue
                for m in loaded.messages:
                    echo(f"warning: {m}")
                run = run_from_state(X, y, loaded.state)
                if run.rows < 2:
                    echo(f"{directory}/{spec.name}: no checkpoints recorded yet (t = {run.t})")
                    continue
                traj = run.trajectory()
                timing = {
                    **run.meta(),
                    "state_saves": int(loaded.meta.get("saves", 0)),
                    "save_seconds": float(loaded.meta.get("save_seconds", 0.0)),
                }
                timing = {
                    k: timing[k]
                    for k in (
                        "wall_seconds",
                        "compute_seconds",
                        "compile_seconds",
                        "ns_per_iteration",
                        "state_saves",
                        "save_seconds",
                    )
                }
                w = timing["wall_seconds"]
                timing["save_fraction"] = timing["save_seconds"] / w if w > 0 else None
                spec.n_iter = run.n_iter
            if results.exists():
                s = finish_run(directory, manifest, spec, None, X, y, timing, figures=figures, log=log)
            else:
                # Unfinished: summarised in memory; only its figures are written.
                from fastbias.experiment.analysis import summarize

                s = {
                    "run": spec.name,
                    "algorithm": spec.algorithm,
                    "timing": timing,
                    "data": {"description": spec.data.describe()},
                    "finished": False,
                }
                s.update(summarize(spec, traj, X, y))
                s["config"] = spec.to_dict()
                if figures:
                    from fastbias import plot

                    try:
                        paths = plot.run_figures(traj, s, run_dir / "figures", X=X, y=y)
                        s["figures"] = [str(p.relative_to(directory)) for p in paths]
                    except plot.PlotUnavailable as exc:
                        echo(f"no figures: {exc}")
            dir_summaries.append(s)
        if only is None and dir_summaries:
            from fastbias.experiment.runner import _now, _write_json

            _write_json(
                directory / "summary.json",
                {
                    "experiment": exp.name,
                    "description": exp.description,
                    "directory": str(directory),
                    "updated": _now(),
                    "runs": dir_summaries,
                },
            )
        all_rows += rows_from_summaries(dir_summaries, directory)
        summaries += dir_summaries
    if len(paths) > 1:
        order = {r["run"]: i for i, r in reversed(list(enumerate(all_rows)))}
        all_rows.sort(key=lambda r: order[r["run"]])
        cols = ["run", "dir", *[c for c in all_rows[0] if c not in ("run", "dir")]] if all_rows else None
        echo(format_table(all_rows, cols))
    else:
        echo(format_table(all_rows))
    return summaries
