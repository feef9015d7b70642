"""Figures of runs and claims (PNG, matplotlib; the ``plot`` extra).

matplotlib is imported only when a figure is drawn; without it these functions
raise :class:`PlotUnavailable` saying how to install it. Figures are drawn on
``matplotlib.figure.Figure`` objects (no pyplot state, no GUI backend).

Per run (:func:`run_figures`):

* ``direction.png``: direction error vs t on log axes, to the run's target and
  the other candidate directions, with the theoretical rate curves (C / ln t,
  C ln ln t / ln t; for SGD C / sqrt(ln t)) fitted to the late decades; for SGD
  the spread of the replicates as a band;
* ``loss.png``: L - L* vs t (and L - the limit of the region reached), with the
  1 / (eta gamma^2 t) asymptote for GD and the fitted ln^2 t / t^(1-alpha) of
  Theorem 4.3 for SGD;
* ``norm.png``: ||w_t|| (GD) or ||E wbar_t|| (SGD) vs ln t, with the slope
  1 / gamma (GD) or (1 - alpha) / gamma (SGD);
* ``regions.png``: the Theorem 4.1 region over time and the cumulative
  activation flips (GD) or the regions of wbar (SGD).

Per network run (Section 5.2):

* ``classes.png``: the direction error of each pattern class's effective
  weights w~_h (GD's w, SGD's E[wbar]) to its max-margin direction w^_h, with
  Theorem 5.1's C ln ln t / ln t (GD) or Theorem 5.2's C / sqrt(ln t) (SGD);
* ``loss.png``: the loss of the iterates (and of wbar for SGD);
* ``patterns.png``: the number of pattern classes, whether two classes share a
  unit, and (GD) the cumulative activation flips.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["PlotUnavailable", "line_figure", "loss_limits_figure", "run_figures"]

REGION_COLORS = {"separable": "#2ca02c", "local": "#1f77b4", "dead": "#7f7f7f", "negative-active": "#d62728"}
_DPI = 120


class PlotUnavailable(ImportError):
    """matplotlib is not installed."""


def _figure(nrows: int = 1, ncols: int = 1, size=(8.0, 5.0), **kw):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise PlotUnavailable('matplotlib is needed for figures: pip install "fastbias[plot]"') from None
    fig = Figure(figsize=size, layout="constrained")
    axes = fig.subplots(nrows, ncols, **kw)
    return fig, axes


def _style(ax, title: str, xlabel: str, ylabel: str, *, xlog: bool = True, ylog: bool = True) -> None:
    if xlog:
        ax.set_xscale("log")
    if ylog:
        ax.set_yscale("log")
    ax.set_title(title, fontsize=12)
    ax.set_xlabel(xlabel, fontsize=11)
    ax.set_ylabel(ylabel, fontsize=11)
    ax.grid(True, which="major", alpha=0.3)
    ax.tick_params(labelsize=10)


def _legend(ax, **kw) -> None:
    handles, _ = ax.get_legend_handles_labels()
    if handles:
        ax.legend(fontsize=9, framealpha=0.9, **kw)


def _save(fig, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=_DPI)
    return path


def _band(
    ax,
    t: np.ndarray,
    Y: np.ndarray,
    color: str,
    label: str,
    *,
    what: str = "starts",
    lw: float = 2.0,
    quantiles: tuple[float, float] | None = None,
    **kw,
) -> None:
    """A line (one series) or the median with a min-max (or quantile) band (several)."""
    Y = np.asarray(Y, dtype=np.float64)
    if Y.ndim == 1 or Y.shape[1] == 1:
        ax.plot(t, Y.reshape(len(t), -1)[:, 0], color=color, lw=lw, label=label, **kw)
        return
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(Y, axis=1)
            if quantiles is None:
                lo, hi = np.nanmin(Y, axis=1), np.nanmax(Y, axis=1)
                band = f"min-max over {Y.shape[1]} {what}"
            else:
                lo, hi = np.nanquantile(Y, quantiles[0], axis=1), np.nanquantile(Y, quantiles[1], axis=1)
                band = f"{int(100 * quantiles[0])}-{int(100 * quantiles[1])}% of {Y.shape[1]} {what}"
    ax.plot(t, med, color=color, lw=lw, label=f"{label} (median)", **kw)
    ax.fill_between(t, lo, hi, color=color, alpha=0.2, lw=0, label=band)


def _positive(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64).copy()
    a[~(a > 0)] = np.nan
    return a


def _rate_curves(
    ax,
    t: np.ndarray,
    y: np.ndarray,
    t_min: float,
    curves: Sequence[tuple[str, Any, str, str]],
    *,
    window: bool = True,
) -> None:
    """Draw C rate(t) over t >= 10, C from the fit window t >= t_min (shaded).

    Each curve is ``(label, rate function, color, kind)``: kind ``"fit"`` takes C
    as the geometric mean of y / rate (a sharp rate), ``"bound"`` as its maximum
    (an O() upper bound: the curve lies on or above the data in the window).
    """
    from fastbias.experiment.analysis import late_constant

    tt = t[t >= 10]
    if tt.size < 2 or not np.any(t >= t_min):
        return
    for label, fn, color, kind in curves:
        r = fn(t.clip(min=3.0))
        if kind == "bound":
            sel = (t >= t_min) & np.isfinite(y) & (y > 0)
            c = float(np.max(y[sel] / r[sel])) if sel.any() else math.nan
            how = "bound"
        else:
            c = late_constant(t, y, r, t_min)
            how = "fit"
        if math.isfinite(c):
            ax.plot(tt, c * fn(tt), "--", color=color, lw=1.5, label=f"{how}: {label}, C = {c:.3g}")
    if window:
        ax.axvspan(t_min, t[-1], color="#fdf1c7", alpha=0.6, lw=0, label="window of C: last 3 decades")


def _subtitle(summary: dict[str, Any]) -> str:
    cfg = summary.get("config", {})
    data = summary.get("data", {}).get("description", "")
    slope = cfg.get("slope", 0.0)
    model = "ReLU" if slope == 0 else ("linear" if slope == 1 else f"leaky ReLU a = {slope:g}")
    if summary.get("algorithm") == "gd":
        alg = f"GD, $\\eta$ = {cfg.get('eta'):g}"
        R = summary.get("replicates", 1)
        if R > 1:
            alg += f", {R} starts"
    else:
        alg = (
            f"SGD, $\\eta_k$ = {cfg.get('eta0'):g}(k+1)$^{{-{cfg.get('alpha'):g}}}$, "
            f"{summary.get('replicates')} replicates"
        )
    return f"{alg}; {model}; data {data}"


def _tex_name(name: str) -> str:
    return {
        "global": "$w^+$",
        "local": "$w_J^+$",
        "constrained": "constrained",
        "linear": "linear max margin",
        "leaky": "$w^*$ (leaky)",
        "constrained[J]": "constrained$_J$",
        "target": "target",
    }.get(name, name)


def run_figures(traj, summary: dict[str, Any], out_dir: Path, *, X: np.ndarray, y: np.ndarray) -> list[Path]:
    """Write the figures of one run into ``out_dir`` (see the module docstring); returns their paths.

    Parameters
    ----------
    traj : fastbias.Trajectory
        The run's results.
    summary : dict
        Its summary (``fastbias.experiment.analysis.summarize`` plus config and data).
    out_dir : pathlib.Path
        Where to write ``direction.png``, ``loss.png``, ``norm.png``, ``regions.png``.
    X, y : numpy.ndarray
        The run's data (for the candidate directions).
    """
    out_dir = Path(out_dir)
    if "pattern_id" in traj.arrays:
        return [
            _classes_figure(traj, summary, out_dir / "classes.png", X, y),
            _network_loss_figure(traj, summary, out_dir / "loss.png"),
            _patterns_figure(traj, summary, out_dir / "patterns.png"),
        ]
    return [
        _direction_figure(traj, summary, out_dir / "direction.png", X, y),
        _loss_figure(traj, summary, out_dir / "loss.png", y),
        _norm_figure(traj, summary, out_dir / "norm.png"),
        _regions_figure(traj, summary, out_dir / "regions.png"),
    ]


def _candidates(summary: dict[str, Any]) -> dict[str, np.ndarray]:
    out = {k: np.asarray(v["u"]) for k, v in summary.get("directions", {}).items()}
    tgt = summary.get("target", {})
    if tgt.get("u") is not None:
        out[tgt["name"]] = np.asarray(tgt["u"])
    return out


def _direction_figure(traj, summary, path: Path, X, y) -> Path:
    from fastbias.experiment.analysis import fit_window

    fig, ax = _figure(size=(11.0, 5.5))
    k = traj.t >= 1
    t = traj.t[k].astype(np.float64)
    tgt = summary.get("target", {})
    name = tgt.get("name", "")
    cands = _candidates(summary)
    gd = traj.algorithm == "gd"
    t_min = fit_window(traj.t.astype(np.float64))
    colors = iter(["C2", "C4", "C5", "C6", "C7", "C8"])
    if name in cands:
        u = cands[name]
        if gd:
            err = _positive(traj.direction_error(u)[k])
            _band(ax, t, err, "C0", f"$w_t$ to {_tex_name(name)}")
            main = np.nanmedian(err, axis=1) if err.shape[1] > 1 else err[:, 0]
            curves = [
                ("C / ln t", lambda s: 1.0 / np.log(s), "C3", "fit"),
                ("C ln ln t / ln t (Thm 4.2)", lambda s: np.log(np.log(s)) / np.log(s), "C1", "bound"),
            ]
        else:
            em = _positive(traj.direction_error(u, of="mean_wbar")[k])
            ew = _positive(traj.direction_error(u, of="wbar")[k])
            norm = np.linalg.norm(traj.mean_wbar[k], axis=1)
            se = np.linalg.norm(traj.se_wbar[k], axis=1) / np.maximum(norm, 1e-300)
            _band(
                ax,
                t,
                ew,
                "C7",
                f"$\\bar w_t$ per replicate to {_tex_name(name)}",
                what="replicates",
                lw=1.0,
                quantiles=(0.1, 0.9),
            )
            ax.plot(t, em, color="C0", lw=2.2, label=f"$E[\\bar w_t]$ to {_tex_name(name)}")
            ax.fill_between(
                t,
                np.maximum(em - 2 * se, em * 1e-3),
                em + 2 * se,
                color="C0",
                alpha=0.25,
                lw=0,
                label="$E[\\bar w_t]$ $\\pm$ 2 s.e.",
            )
            main = em
            curves = [
                ("C / sqrt(ln t) (Thm 4.4)", lambda s: 1.0 / np.sqrt(np.log(s)), "C3", "bound"),
                ("C / ln t", lambda s: 1.0 / np.log(s), "C1", "fit"),
            ]
        _rate_curves(ax, t, main, t_min, curves)
        low = np.nanmin(_positive(main)) if np.any(main > 0) else math.nan
        if math.isfinite(low):  # bands reaching far below the main line would squash it
            ax.set_ylim(bottom=0.3 * low)
    drawn = [cands[name]] if name in cands else []
    same = []
    for other, u in cands.items():
        if other == name:
            continue
        if name in cands and np.linalg.norm(u - cands[name]) < 1e-9:
            same.append(_tex_name(other))  # the same direction under another name
            continue
        if any(np.linalg.norm(u - v) < 1e-9 for v in drawn):
            continue
        drawn.append(u)
        of = "w" if gd else "mean_wbar"
        e = traj.direction_error(u, of=of)[k]
        e = np.nanmedian(e, axis=1) if e.ndim == 2 else e
        ax.plot(t, _positive(e), ":", color=next(colors, "C9"), lw=1.5, label=f"to {_tex_name(other)}")
    if same:
        ax.plot([], [], " ", label=f"({_tex_name(name)} = {', '.join(same)} here)")
    what = "$w_t/\\|w_t\\|$" if gd else "$E[\\bar w_t]/\\|E[\\bar w_t]\\|$"
    _style(
        ax,
        f"{summary.get('run', '')}: direction error of {what}\n{_subtitle(summary)}",
        "iteration t",
        "direction error $\\|v/\\|v\\| - u\\|$",
    )
    ax.title.set_fontsize(11)
    _legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return _save(fig, path)


def _loss_figure(traj, summary, path: Path, y) -> Path:
    from fastbias.experiment.analysis import fit_window

    fig, ax = _figure()
    k = traj.t >= 1
    t = traj.t[k].astype(np.float64)
    cfg = summary.get("config", {})
    gamma = summary.get("target", {}).get("gamma")
    t_min = fit_window(traj.t.astype(np.float64))
    if traj.algorithm == "gd":
        _band(ax, t, _positive(traj.excess[k]), "C0", "$L(w_t) - L^*$")
        per = summary.get("per_replicate")
        if isinstance(per, list) and cfg.get("slope", 0.0) == 0.0:
            n_pos = int(np.sum(y > 0))
            lim = np.array(
                [
                    (n_pos - len(p["j_plus"])) / y.size if p["region"] in ("separable", "local") else np.nan
                    for p in per
                ]
            )
            if np.any(lim > 0):
                _band(
                    ax,
                    t,
                    _positive(traj.excess[k] - lim[None, :]),
                    "C1",
                    "$L(w_t) - \\lim$ of its region (Thm 4.1)",
                )
        if gamma:
            ax.plot(
                t[t >= 10],
                1.0 / (cfg["eta"] * gamma**2 * t[t >= 10]),
                "--",
                color="C3",
                lw=1.5,
                label=f"$1/(\\eta\\gamma^2 t)$, $\\gamma$ = {gamma:.3g} (margin of the target)",
            )
        ylabel = "excess loss"
    else:
        alpha = float(cfg.get("alpha", 0.6))
        _band(
            ax,
            t,
            _positive(traj.excess_wbar[k]),
            "C0",
            "$L(\\bar w_t) - L^*$",
            what="replicates",
            quantiles=(0.1, 0.9),
        )
        _band(
            ax,
            t,
            _positive(traj.excess[k]),
            "C1",
            "$L(w_t) - L^*$",
            what="replicates",
            lw=1.0,
            quantiles=(0.1, 0.9),
        )
        mean = np.nanmean(_positive(traj.excess_wbar[k]), axis=1)
        _rate_curves(
            ax,
            t,
            mean,
            t_min,
            [
                (
                    f"C ln$^2$t / t$^{{{1 - alpha:g}}}$ (Thm 4.3)",
                    lambda s: np.log(s) ** 2 / s ** (1 - alpha),
                    "C3",
                    "bound",
                )
            ],
        )
        ylabel = "excess loss ($L^* = n_-/n$ for ReLU)"
    _style(ax, f"{summary.get('run', '')}: loss\n{_subtitle(summary)}", "iteration t", ylabel)
    ax.title.set_fontsize(11)
    _legend(ax, loc="lower left")
    return _save(fig, path)


def _norm_figure(traj, summary, path: Path) -> Path:
    fig, ax = _figure()
    k = traj.t >= 1
    t = traj.t[k].astype(np.float64)
    lt = np.log(t)
    cfg = summary.get("config", {})
    gamma = summary.get("target", {}).get("gamma")
    if traj.algorithm == "gd":
        _band(ax, lt, traj.norm[k], "C0", "$\\|w_t\\|$")
        ref = np.nanmedian(traj.norm[k], axis=1)
        slope = 1.0 / gamma if gamma else None
        lab = "slope $1/\\gamma$"
    else:
        alpha = float(cfg.get("alpha", 0.6))
        ref = np.linalg.norm(traj.mean_wbar[k], axis=1)
        ax.plot(lt, ref, color="C0", lw=2.2, label="$\\|E[\\bar w_t]\\|$")
        _band(
            ax,
            lt,
            traj.norm_wbar[k],
            "C7",
            "$\\|\\bar w_t\\|$",
            what="replicates",
            lw=1.0,
            quantiles=(0.1, 0.9),
        )
        _band(ax, lt, traj.norm[k], "C1", "$\\|w_t\\|$", what="replicates", lw=1.0, quantiles=(0.1, 0.9))
        slope = (1 - alpha) / gamma if gamma else None
        lab = f"slope $(1-\\alpha)/\\gamma$ = {slope:.3g}" if slope else ""
    if slope:
        c = ref[-1] - slope * lt[-1]
        sel = lt >= 1
        ax.plot(
            lt[sel],
            slope * lt[sel] + c,
            "--",
            color="C3",
            lw=1.5,
            label=f"{lab}, $\\gamma$ = {gamma:.3g} (through the last point)",
        )
    _style(
        ax,
        f"{summary.get('run', '')}: norm growth\n{_subtitle(summary)}",
        "ln t",
        "norm",
        xlog=False,
        ylog=False,
    )
    ax.title.set_fontsize(11)
    _legend(ax, loc="upper left")
    return _save(fig, path)


def _stacked_regions(ax, t: np.ndarray, codes: np.ndarray, title: str) -> None:
    from fastbias.loops.record import REGION_NAMES

    R = codes.shape[1]
    fracs = np.stack([(codes == c).mean(axis=1) for c in range(len(REGION_NAMES))])
    ax.stackplot(
        t,
        fracs,
        colors=[REGION_COLORS[n] for n in REGION_NAMES],
        step="post",
        labels=list(REGION_NAMES),
        alpha=0.85,
    )
    ax.set_xscale("log")
    ax.set_ylim(0, 1)
    ax.set_ylabel("fraction of replicates" if R > 1 else "region", fontsize=11)
    if R == 1:
        ax.set_yticks([])
    ax.set_title(title, fontsize=11)
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), framealpha=0.9)


def _regions_figure(traj, summary, path: Path) -> Path:
    fig, (a1, a2) = _figure(2, 1, size=(9.0, 6.0), sharex=True)
    k = traj.t >= 1
    t = traj.t[k].astype(np.float64)
    R = traj.replicates
    who = "" if R == 1 else f" ({R} {'starts' if traj.algorithm == 'gd' else 'replicates'})"
    _stacked_regions(
        a1,
        t,
        traj.region[k],
        f"{summary.get('run', '')}: Theorem 4.1 region of $w_t$ at the checkpoints{who}\n"
        f"{_subtitle(summary)}",
    )
    if traj.algorithm == "gd":
        _band(a2, t, traj.flips[k].astype(np.float64), "C0", "activation flips (cumulative)", lw=1.8)
        _band(
            a2, t, traj.sep_entries[k].astype(np.float64), "C2", "entries into the separable region", lw=1.4
        )
        a2.set_ylabel("count (every iteration)", fontsize=11)
        a2.set_xscale("log")
        a2.grid(True, alpha=0.3)
        a2.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), framealpha=0.9)
    else:
        _stacked_regions(a2, t, traj.region_wbar[k], "region of the running average $\\bar w_t$")
    a2.set_xlabel("iteration t", fontsize=11)
    return _save(fig, path)


def line_figure(
    path: Path,
    title: str,
    series: Sequence[dict[str, Any]],
    *,
    xlabel: str = "iteration t",
    ylabel: str = "",
    xlog: bool = True,
    ylog: bool = True,
    hlines: Sequence[tuple[float, str]] = (),
    note: str | None = None,
) -> Path:
    """A figure of labelled lines: each series is a dict with ``x``, ``y``, ``label`` and optional
    ``style``, ``color``, ``band`` = (lo, hi)."""
    fig, ax = _figure()
    for i, s in enumerate(series):
        color = s.get("color", f"C{i}")
        x = np.asarray(s["x"], dtype=np.float64)
        yv = np.asarray(s["y"], dtype=np.float64)
        if ylog:
            yv = _positive(yv)
        ax.plot(x, yv, s.get("style", "-"), color=color, lw=s.get("lw", 2.0), ms=4, label=s["label"])
        if "band" in s:
            ax.fill_between(x, s["band"][0], s["band"][1], color=color, alpha=0.2, lw=0)
    for val, lab in hlines:
        ax.axhline(val, color="k", ls="--", lw=1.0, label=lab)
    _style(ax, title, xlabel, ylabel, xlog=xlog, ylog=ylog)
    ax.title.set_fontsize(11)
    if note:
        ax.text(
            0.99,
            0.98,
            note,
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=9,
            bbox={"boxstyle": "round", "fc": "white", "alpha": 0.85, "ec": "0.7"},
        )
    _legend(ax)
    return _save(fig, path)


def loss_limits_figure(
    path: Path, X: np.ndarray, y: np.ndarray, title: str, scales: Sequence[float] = (1.0, 3.0, 10.0, 100.0)
) -> Path:
    """Theorem 4.1 on 2-D data: L(s u_theta) against the angle theta for growing s, with the
    region of each direction shaded and its limit drawn."""
    from fastbias.kernels.neuron import loss
    from fastbias.theory import region

    fig, ax = _figure(size=(9.0, 5.0))
    theta = np.linspace(0.0, 2 * np.pi, 1441)
    U = np.stack([np.cos(theta), np.sin(theta)], axis=1)
    regs = [region(u, X, y) for u in U]
    lim = np.array([r.limit for r in regs])
    kinds = [r.kind for r in regs]
    start = 0
    for i in range(1, len(theta) + 1):
        if i == len(theta) or kinds[i] != kinds[start]:
            ax.axvspan(
                np.degrees(theta[start]),
                np.degrees(theta[min(i, len(theta) - 1)]),
                color=REGION_COLORS[kinds[start]],
                alpha=0.15,
                lw=0,
            )
            start = i
    for j, s in enumerate(scales):
        L = np.array([loss(s * u, X, y, 0.0) for u in U])
        ax.plot(np.degrees(theta), L, color=f"C{j}", lw=1.2, label=f"$L(s\\,u_\\theta)$, s = {s:g}")
    ax.plot(
        np.degrees(theta),
        np.where(np.isfinite(lim), lim, np.nan),
        "k--",
        lw=2,
        label="limit of the region (Thm 4.1)",
    )
    for kind, color in REGION_COLORS.items():
        if kind in kinds:
            ax.fill_between([], [], color=color, alpha=0.3, label=f"region: {kind}")
    ax.set_xlim(0, 360)
    ax.set_ylim(0, 1.6)
    ax.set_xticks(range(0, 361, 45))
    _style(ax, title, "direction angle $\\theta$ (degrees)", "loss", xlog=False, ylog=False)
    ax.title.set_fontsize(11)
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), framealpha=0.9)
    return _save(fig, path)


def _network_subtitle(summary: dict[str, Any]) -> str:
    m = summary.get("model", {})
    v = ", ".join(f"{x:g}" for x in m.get("v", []))
    return _subtitle(summary) + f"; network K = {m.get('K')}, v = ({v})"


def _classes_figure(traj, summary, path: Path, X, y) -> Path:
    from fastbias.experiment.analysis import fit_window
    from fastbias.theory import network_outcome

    gd = traj.algorithm == "gd"
    r = int(summary.get("theorem_5", {}).get("replicate", 0))
    o = network_outcome(traj, X, y, replicate=r, of="w" if gd else "mean_wbar")
    fig, ax = _figure(size=(11.0, 5.5))
    k = traj.t >= 1
    t = traj.t[k].astype(np.float64)
    t_min = fit_window(t)
    for i, c in enumerate(o.classes):
        e = c.errors[k] if gd else c.errors[k] ** 2
        lab = f"class {i}: samples {_short(c.samples)}, units {np.flatnonzero(c.pattern).tolist()}"
        if not c.single_label:
            lab += " (mixed labels)"
        # Decreasing widths keep classes visible where symmetric data make their curves coincide.
        ax.plot(t, _positive(e), color=f"C{i}", lw=max(3.2 - 0.8 * i, 1.0), label=lab)
        if c.direction is not None:
            if gd:
                curve = ("$C \\ln\\ln t / \\ln t$", lambda s: np.log(np.log(s)) / np.log(s), f"C{i}", "bound")
            else:
                curve = ("$C / \\ln t$", lambda s: 1.0 / np.log(s), f"C{i}", "bound")
            _rate_curves(ax, t, e, t_min, [curve], window=i == len(o.classes) - 1)
    failed = ", ".join(o.failed) or "none"
    what = "$\\|\\tilde w_h/\\|\\tilde w_h\\| - \\hat w_h\\|$" + ("" if gd else "$^2$ of $E[\\bar W]$")
    _style(
        ax,
        f"{summary.get('run', '')}: Theorem {'5.1' if gd else '5.2'}, per pattern class "
        f"(failed conditions: {failed})\n{_network_subtitle(summary)}",
        "iteration t",
        what,
    )
    ax.title.set_fontsize(11)
    _legend(ax)
    return _save(fig, path)


def _short(idx: np.ndarray) -> str:
    idx = np.asarray(idx).tolist()
    return str(idx) if len(idx) <= 6 else f"[{idx[0]}, {idx[1]}, ... {idx[-1]}] ({len(idx)})"


def _network_loss_figure(traj, summary, path: Path) -> Path:
    fig, ax = _figure()
    k = traj.t >= 1
    t = traj.t[k].astype(np.float64)
    _band(ax, t, _positive(traj.loss[k]), "C0", "$L(W_t)$",
          what="starts" if traj.algorithm == "gd" else "replicates")
    if traj.algorithm == "sgd":
        _band(ax, t, _positive(traj.arrays["loss_wbar"][k]), "C1", "$L(\\bar W_t)$", what="replicates")
    _style(ax, f"{summary.get('run', '')}: loss\n{_network_subtitle(summary)}", "iteration t", "loss")
    ax.title.set_fontsize(11)
    _legend(ax)
    return _save(fig, path)


def _patterns_figure(traj, summary, path: Path) -> Path:
    fig, (a1, a2) = _figure(2, 1, size=(12.0, 6.5), sharex=True)
    k = traj.t >= 1
    t = traj.t[k].astype(np.float64)
    who = "starts" if traj.algorithm == "gd" else "replicates"
    _band(a1, t, traj.arrays["n_classes"][k].astype(np.float64), "C0", "pattern classes", lw=1.8, what=who)
    a1.plot(t, traj.arrays["shared_unit"][k].mean(axis=1), color="C3", lw=1.4, drawstyle="steps-post",
            label="fraction with two classes sharing a unit")
    a1.set_xscale("log")
    a1.grid(True, alpha=0.3)
    a1.set_title(f"{summary.get('run', '')}: activation patterns\n{_network_subtitle(summary)}", fontsize=11)
    a1.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), framealpha=0.9)
    if "flips" in traj.arrays:
        _band(a2, t, traj.arrays["flips"][k].astype(np.float64), "C0", "(sample, unit) flips, cumulative",
              lw=1.8, what=who)
        a2.set_ylabel("count (every iteration)", fontsize=11)
    else:
        ids = traj.arrays["pattern_id"][k]
        changes = np.concatenate([np.zeros((1, ids.shape[1])), np.cumsum(np.diff(ids, axis=0) != 0, axis=0)])
        _band(a2, t, changes, "C0", "pattern changes between checkpoints, cumulative", lw=1.8, what=who)
    a2.set_xscale("log")
    a2.grid(True, alpha=0.3)
    a2.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), framealpha=0.9)
    a2.set_xlabel("iteration t", fontsize=11)
    return _save(fig, path)
