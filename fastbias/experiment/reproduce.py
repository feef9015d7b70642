"""``fastbias reproduce``: run every checkable claim of the paper and judge it by a fixed criterion.

Each claim states what the paper says, the numeric criterion (written here, in
code, before any run; the criteria follow what the test suite verifies, and
never change after seeing a measurement), what was measured, a verdict
(``holds`` / ``fails`` / ``inconclusive``) and a figure. Where a careful run
departs from the paper's *text* the claim row checks what actually happens and
says plainly how it departs (``departs``), e.g. Example 2, whose direction
converges although the paper says it does not.

``--quick`` uses 10^6 to 10^7 iterations (under 3 minutes on 2 cores); the
full run uses 10^8 for the GD and SGD headline claims. Exit status 1 when any
claim fails (inconclusive is reported, but is not a failure).
"""

from __future__ import annotations

import json
import math
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fastbias import datasets, plot, theory
from fastbias.experiment.runner import MANIFEST, ExperimentError, Interrupts, step_bound
from fastbias.kernels.neuron import loss as _loss
from fastbias.loops.runs import GDRun, Run, SGDRun
from fastbias.loops.schedule import log_schedule
from fastbias.loops.trajectory import Trajectory

__all__ = ["CLAIMS", "Claim", "Result", "reproduce"]

HOLDS, FAILS, INCONCLUSIVE = "holds", "fails", "inconclusive"


@dataclass
class Result:
    """The outcome of checking one claim."""

    verdict: str
    measured: str
    figure: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Claim:
    """A checkable claim: what the paper says, the criterion, and the check that measures it."""

    id: str
    title: str
    paper: str
    criterion: str
    check: Callable[[Context], Result]
    departs: str | None = None


class _Stop(Exception):
    pass


class Context:
    """What a check can use: quick or full sizes, runs with progress and Ctrl-C, figure paths."""

    def __init__(self, out: Path, quick: bool, progress: bool, interrupts: Interrupts):
        self.out, self.quick, self.progress, self.interrupts = out, quick, progress, interrupts
        self.seconds = 0.0
        self.cache: dict[str, Trajectory] = {}

    def n(self, quick: float, full: float) -> int:
        """Iterations for the current mode."""
        return int(quick if self.quick else full)

    def figure(self, claim_id: str, slug: str) -> Path:
        """Where a claim's figure goes."""
        return self.out / "figures" / f"{claim_id}-{slug}.png"

    def _go(self, run: Run, name: str) -> Trajectory:
        def on_chunk(_run: Run) -> None:
            if self.interrupts.requested:
                raise KeyboardInterrupt

        tic = time.perf_counter()
        run.run(chunk_seconds=1.0, progress=self.progress, on_chunk=on_chunk)
        self.seconds += time.perf_counter() - tic
        if run.interrupted:
            raise _Stop
        traj = run.trajectory()
        (self.out / "results").mkdir(parents=True, exist_ok=True)
        traj.save(self.out / "results" / f"{name}.npz")
        return traj

    def gd(
        self,
        name: str,
        X,
        y,
        W,
        *,
        eta: float,
        n_iter: int,
        slope: float = 0.0,
        per_decade: int = 10,
        v: np.ndarray | None = None,
    ) -> Trajectory:
        """GD from the rows of W, or a network's (d, K) start W when ``v`` is given (saved as
        results/<name>.npz)."""
        W = np.asarray(W, dtype=np.float64)
        W = W[None] if v is not None else np.atleast_2d(W)
        times = np.concatenate(([0], log_schedule(n_iter, per_decade)))
        return self._go(
            GDRun(X, y, W, eta=eta, slope=slope, times=times, per_decade=per_decade, parallel=False, v=v),
            name,
        )

    def sgd(
        self,
        name: str,
        X,
        y,
        w0,
        *,
        n_iter: int,
        replicates: int,
        seed: int,
        eta0: float = 1.0,
        alpha: float = 0.6,
        per_decade: int = 10,
        v: np.ndarray | None = None,
    ) -> Trajectory:
        """SGD with R replicates (a network when ``v`` is given; saved as results/<name>.npz)."""
        times = np.concatenate(([0], log_schedule(n_iter, per_decade)))
        return self._go(
            SGDRun(
                X,
                y,
                np.asarray(w0, dtype=np.float64),
                R=replicates,
                eta0=eta0,
                alpha=alpha,
                seed=seed,
                slope=0.0,
                times=times,
                per_decade=per_decade,
                v=v,
            ),
            name,
        )


# ---------------------------------------------------------------------- helpers
def _at(traj: Trajectory, t: int) -> int:
    i = int(np.searchsorted(traj.t, t))
    if i >= traj.t.size or traj.t[i] != t:
        raise ValueError(f"t = {t} is not a checkpoint")
    return i


def _decades(traj: Trajectory, k0: int) -> list[int]:
    """Powers of ten 10^k0 .. t_end that are checkpoints."""
    out, k = [], k0
    while 10**k <= traj.t[-1]:
        out.append(10**k)
        k += 1
    return out


def _envelope(traj: Trajectory, err: np.ndarray, k0: int) -> np.ndarray:
    """Maximum of err over each full decade [10^k, 10^(k+1)) from 10^k0."""
    env = []
    for t in _decades(traj, k0)[:-1]:
        sel = (traj.t >= t) & (traj.t < 10 * t)
        env.append(float(err[sel].max()))
    return np.array(env)


def _fmt_list(a, fmt: str = ".3g") -> str:
    return "[" + ", ".join(format(float(x), fmt) for x in a) + "]"


def _verdict(ok: bool) -> str:
    return HOLDS if ok else FAILS


def _figure(fn: Callable[[], Path]) -> str | None:
    from fastbias.plot import PlotUnavailable

    try:
        return str(fn())
    except PlotUnavailable:
        return None


def _err_series(
    traj: Trajectory, u, label: str, color: str | None = None, of: str = "w", style: str = "-"
) -> dict[str, Any]:
    k = traj.t >= 1
    e = traj.direction_error(u, of=of)
    e = e[k] if e.ndim == 1 else e[k, 0]
    s = {"x": traj.t[k], "y": e, "label": label, "style": style}
    if color:
        s["color"] = color
    return s


def _gd_eta(X, y, W, cap: float = 1.0) -> float:
    """0.9 of the local smoothness bound, at most ``cap`` (the tests' choice)."""
    return float(min(cap, 0.9 * step_bound(X, y, np.atleast_2d(W), 0.0)))


# ---------------------------------------------------------------------- claims
def c_regions(ctx: Context) -> Result:
    # Criterion (fixed): L(s u) with s = 1e4 is within 1e-12 of the region's limit (separable,
    # local, dead) or above 1e20 (negative-active), for every sampled unit u whose margins are 0
    # or beyond 50/s in size; all four kinds of region are met.
    S, TOL, BIG = 1e4, 1e-12, 1e20
    rng = np.random.default_rng(0)
    sets = {
        "example1": datasets.example1()[:2],
        "example2": datasets.example2()[:2],
        "four-regions": (np.array([[1.0, 0.2], [0.3, 1.0], [-1.0, 0.5]]), np.array([1.0, 1.0, -1.0])),
        "prop2(10,3,1)": datasets.prop2(10, 3, 1)[:2],
    }
    worst, checked, kinds = 0.0, 0, set()
    bad = []
    for name, (X, y) in sets.items():
        d = X.shape[1]
        U = rng.standard_normal((2000, d))
        U /= np.linalg.norm(U, axis=1, keepdims=True)
        U = np.vstack([U, np.zeros((1, d))])  # w = 0 is dead
        for u in U:
            m = X @ u
            if np.any((m != 0) & (np.abs(m) <= 50 / S)):
                continue
            r = theory.region(u, X, y)
            kinds.add(r.kind)
            L = _loss(S * u, X, y, 0.0)
            checked += 1
            if r.kind == "negative-active":
                if not L > BIG:
                    bad.append((name, u.tolist(), r.kind, L))
            else:
                worst = max(worst, abs(L - r.limit))
                if abs(L - r.limit) > TOL:
                    bad.append((name, u.tolist(), r.kind, L, r.limit))
    ok = not bad and kinds == {"separable", "local", "dead", "negative-active"}
    X4, y4 = sets["four-regions"]
    fig = _figure(
        lambda: plot.loss_limits_figure(
            ctx.figure("C1", "regions"),
            X4,
            y4,
            "Theorem 4.1: L(s u) tends to the limit of u's region\n"
            "x1 = (1, 0.2), x2 = (0.3, 1) positive, x3 = (-1, 0.5) negative",
        )
    )
    return Result(
        _verdict(ok),
        f"{checked} directions on 4 datasets; max |L - limit| = {worst:.1e}; "
        f"regions met: {', '.join(sorted(kinds))}; violations: {len(bad)}",
        fig,
        {"violations": bad[:5]},
    )


def c_global(ctx: Context) -> Result:
    # Criterion: outcome 'global', nearest candidate w^+, converging (||w|| grows, err*||w||
    # bounded); separable at every checkpoint; err(T) below err at 10^2.
    X, y, _ = datasets.example1()
    w0 = np.array([0.5, 1.0])
    pred = theory.predict(X, y)
    traj = ctx.gd("C2-example1-global", X, y, w0, eta=1.0, n_iter=ctx.n(1e7, 1e8))
    o = theory.outcome(traj, X, y)
    u = theory.global_direction(X, y).u
    err = traj.direction_error(u)[:, 0]
    sep = bool(np.all(traj.region_names()[1:, 0] == "separable"))
    ok = (
        pred.admits("global") == "admitted"
        and o.kind == "global"
        and o.nearest == "global"
        and o.converging
        and sep
        and err[-1] < err[_at(traj, 100)]
    )
    fig = _figure(
        lambda: plot.line_figure(
            ctx.figure("C2", "global"),
            "Theorem 4.2 (global): Example 1 from w0 = (0.5, 1), in the separable region",
            [
                _err_series(traj, u, "GD $w_t$ to $w^+$"),
                _err_series(traj, X[0], "to $x_1/\\|x_1\\|$", style=":"),
            ],
            ylabel="direction error",
        )
    )
    return Result(
        _verdict(ok),
        f"outcome {o.kind}, nearest {o.nearest}, converging {o.converging}; "
        f"always separable {sep}; err to w^+ {err[_at(traj, 100)]:.3g} (t=1e2) -> "
        f"{err[-1]:.3g} (t={traj.t[-1]:.0e})",
        fig,
    )


def c_example1(ctx: Context) -> Result:
    # Criterion (tests/test_landscape.py): outcome 'local' with J+ = {x1}, nearest the local
    # direction, converging, no activation flip in any decade; x2 misclassified (w.x2 < 0) at
    # every checkpoint; eta t (L - 2/3) ||x1||^2 rises toward 1 from below over the decades from
    # 10^3 and exceeds 0.95 at the end.
    X, y, w0 = datasets.example1()
    traj = ctx.gd("C3-example1", X, y, w0, eta=1.0, n_iter=ctx.n(1e7, 1e8))
    o = theory.outcome(traj, X, y)
    idx = [_at(traj, t) for t in _decades(traj, 3)]
    ratio = 1.0 * traj.t[idx] * (traj.excess[idx, 0] - 1.0 / 3.0) * 1.0
    x2_neg = bool(np.all(traj.w[:, 0] @ X[1] < 0))
    ok = (
        o.kind == "local"
        and o.j_plus.tolist() == [0]
        and o.nearest == "local"
        and o.converging
        and np.all(o.flips_per_decade == 0)
        and x2_neg
        and np.all(np.diff(ratio) > 0)
        and np.all(ratio < 1)
        and ratio[-1] > 0.95
    )
    e = traj.direction_error(X[0])[:, 0]
    fig = _figure(
        lambda: plot.line_figure(
            ctx.figure("C3", "example1"),
            "Example 1: GD converges to the local direction $x_1/\\|x_1\\|$ (J+ = {x1}), never to $w^+$",
            [
                _err_series(traj, X[0], "$w_t$ to $x_1/\\|x_1\\|$ (local)"),
                _err_series(traj, theory.global_direction(X, y).u, "to $w^+$", style=":"),
                {
                    "x": traj.t[idx],
                    "y": 1 - ratio,
                    "label": "1 - $\\eta t (L - 2/3)$ (loss ratio gap)",
                    "style": "s--",
                },
            ],
            ylabel="direction error / gap",
        )
    )
    return Result(
        _verdict(ok),
        f"outcome {o.kind}, J+ = {o.j_plus.tolist()}, nearest {o.nearest}, converging "
        f"{o.converging}, flips {int(o.flips_per_decade.sum())}; w.x2 < 0 always: {x2_neg}; "
        f"err {e[-1]:.2e}; eta t (L - 2/3) = {_fmt_list(ratio, '.4f')} at 1e3..",
        fig,
    )


def c_stuck(ctx: Context) -> Result:
    # Criterion: from a dead start (no active sample) GD never moves: status 'dead', outcome
    # 'stuck', w_T equal to w_0 bit for bit.
    X1, y1, _ = datasets.example1()
    X2, y2, _ = datasets.example2()
    starts = [
        ("example1, w0 = 0", X1, y1, np.zeros(2)),
        ("example2, w0 = (-1, 0)", X2, y2, np.array([-1.0, 0.0])),
    ]
    rows, ok = [], True
    for i, (name, X, y, w0) in enumerate(starts):
        traj = ctx.gd(f"C4-stuck-{i}", X, y, w0, eta=0.5, n_iter=ctx.n(1e6, 1e8))
        o = theory.outcome(traj, X, y)
        same = bool(np.array_equal(traj.w[-1, 0], w0))
        ok &= o.kind == "stuck" and traj.status[0] == "dead" and same
        rows.append(f"{name}: {o.kind}, status {traj.status[0]}, w_T == w_0 {same}")
    return Result(_verdict(ok), "; ".join(rows))


def c_example2_osc(ctx: Context) -> Result:
    # Criterion (tests/test_landscape.py): predict says w^+ is excluded and oscillation admitted;
    # outcome 'oscillating' with activation flips in every decade from 10^2.
    X, y, w0 = datasets.example2()
    traj = ctx.gd("C5-example2", X, y, w0, eta=0.3, n_iter=ctx.n(1e7, 1e8), per_decade=20)
    ctx.cache["example2"] = traj
    p = theory.predict(X, y)
    o = theory.outcome(traj, X, y)
    late = o.flips_per_decade[o.decades >= 2]
    ok = (
        p.global_verdict == "excluded"
        and p.admits("oscillating") == "admitted"
        and o.kind == "oscillating"
        and late.size > 0
        and np.all(late > 0)
    )
    return Result(
        _verdict(ok),
        f"w^+ {p.global_verdict}; outcome {o.kind}; flips per decade from 1e2: {late.tolist()}",
        None,
    )


def c_example2_dir(ctx: Context) -> Result:
    # Criterion (tests/test_landscape.py, tests/test_datasets.py): nearest candidate is the
    # constrained direction (2, -1)/sqrt 5 and converging; the envelope (maximum per decade) of the
    # error to it falls decade after decade from 10^1; |w.x2| < 1 from t = 10^3 on while ||w||
    # at least doubles; the error to x2/||x2|| stays above 0.5.
    X, y, w0 = datasets.example2()
    traj = ctx.cache.get("example2") or ctx.gd(
        "C5-example2", X, y, w0, eta=0.3, n_iter=ctx.n(1e7, 1e8), per_decade=20
    )
    o = theory.outcome(traj, X, y)
    u = theory.constrained_direction(X, y).u
    err = traj.direction_error(u)[:, 0]
    env = _envelope(traj, err, 1)
    late = traj.t >= 1000
    band = float(np.max(np.abs(traj.w[late, 0] @ X[1])))
    grows = traj.norm[-1, 0] > 2 * traj.norm[np.flatnonzero(late)[0], 0]
    x2 = float(traj.direction_error(X[1])[-1, 0])
    ok = (
        o.nearest == "constrained"
        and o.converging
        and np.all(np.diff(env) < 0)
        and band < 1.0
        and grows
        and x2 > 0.5
    )
    fig = _figure(
        lambda: plot.line_figure(
            ctx.figure("C6", "example2"),
            "Example 2: the region oscillates, yet the direction converges\n"
            "to the constrained direction (2, -1)/$\\sqrt{5}$, not around $x_2/\\|x_2\\|$",
            [
                _err_series(traj, u, "$w_t$ to (2, -1)/$\\sqrt{5}$ (constrained)"),
                {
                    "x": [10.0 ** (k + 0.5) for k in range(1, 1 + env.size)],
                    "y": env,
                    "label": "decade maximum (envelope)",
                    "style": "o--",
                },
                _err_series(traj, X[1], "to $x_2/\\|x_2\\|$ (the paper's text)", style=":"),
            ],
            ylabel="direction error",
        )
    )
    return Result(
        _verdict(ok),
        f"nearest {o.nearest}, converging {o.converging}; envelope per decade "
        f"{_fmt_list(env)}; max |w.x2| after 1e3 = {band:.3f}; err to x2/||x2|| = {x2:.2f}",
        fig,
    )


def c_osc_nonsep(ctx: Context) -> Result:
    # Constructed case: x1 = (1, 0), x3 = (-1, -1) positive, x2 = (1, 2) negative; w0 = (1, -0.9)
    # activates x1 only. Criterion: predict says w^+ admitted (in the separable region), so
    # Theorem 4.2's oscillation case does not apply; yet the outcome is 'oscillating', with flips in
    # every decade from 10^2, no entry into the separable region at any iteration; and the
    # direction converges to the constrained direction of J+ = {x1} (envelope of the error falling
    # decade after decade from 10^1, |w.x2| < 1 from 10^3 on).
    X = np.array([[1.0, 0.0], [1.0, 2.0], [-1.0, -1.0]])
    y = np.array([1.0, -1.0, 1.0])
    w0 = np.array([1.0, -0.9])
    p = theory.predict(X, y)
    traj = ctx.gd("C7-oscillation-nonseparable", X, y, w0, eta=0.3, n_iter=ctx.n(1e7, 1e8), per_decade=20)
    o = theory.outcome(traj, X, y)
    late = o.flips_per_decade[o.decades >= 2]
    u = theory.constrained_direction(X, y, [0]).u
    err = traj.direction_error(u)[:, 0]
    env = _envelope(traj, err, 1)
    band = float(np.max(np.abs(traj.w[traj.t >= 1000, 0] @ X[1])))
    entries = int(traj.sep_entries[-1, 0])
    ok = (
        p.global_verdict == "admitted"
        and o.kind == "oscillating"
        and late.size > 0
        and np.all(late > 0)
        and entries == 0
        and np.all(np.diff(env) < 0)
        and band < 1.0
    )
    regions = sorted(set(traj.region_names()[:, 0]))
    fig = _figure(
        lambda: plot.line_figure(
            ctx.figure("C7", "oscillation"),
            "GD oscillates between $W_{\\{x_1\\}}$ and a negative-active region\n"
            "although $w^+$ lies in the separable region (a case Theorem 4.2 does not list)",
            [
                _err_series(traj, u, "$w_t$ to the constrained direction of J+ = {x1}"),
                {
                    "x": [10.0 ** (k + 0.5) for k in range(1, 1 + env.size)],
                    "y": env,
                    "label": "decade maximum (envelope)",
                    "style": "o--",
                },
                _err_series(traj, p.global_direction, "to $w^+$", style=":"),
            ],
            ylabel="direction error",
            note="x1 = (1, 0), x3 = (-1, -1) positive; x2 = (1, 2) negative; w0 = (1, -0.9)",
        )
    )
    return Result(
        _verdict(ok),
        f"w^+ {p.global_verdict}; outcome {o.kind}; flips per decade from 1e2 "
        f"{late.tolist()}; separable-region entries {entries}; regions seen {regions}; "
        f"envelope {_fmt_list(env)}",
        fig,
    )


def c_random_starts(ctx: Context) -> Result:
    # Criterion (tests/test_landscape.py): over 200 N(0, I) starts on Example 1 (eta 0.5), no
    # outcome is one that predict() excludes, and at least two distinct outcomes occur.
    X, y, _ = datasets.example1()
    inits = np.random.default_rng(11).normal(size=(200, 2))
    traj = ctx.gd("C8-example1-random-starts", X, y, inits, eta=0.5, n_iter=ctx.n(1e5, 1e7), per_decade=2)
    p = theory.predict(X, y)
    seen: dict[str, int] = {}
    excluded = 0
    for r in range(inits.shape[0]):
        o = theory.outcome(traj, X, y, replicate=r)
        key = o.kind + (str(o.j_plus.tolist()) if o.kind == "local" else "")
        seen[key] = seen.get(key, 0) + 1
        if o.kind in ("global", "local", "stuck", "oscillating") and p.admits(o.kind, o.j_plus) == "excluded":
            excluded += 1
    ok = excluded == 0 and len(seen) >= 2
    return Result(_verdict(ok), f"outcomes {dict(sorted(seen.items()))}; excluded by the theorem: {excluded}")


def c_prop2(ctx: Context) -> Result:
    # Criterion (tests/test_landscape.py): on prop2(10, 3, s), s = 0, 1, 2, predict admits w^+; from
    # the dataset's start and random starts of norm 0.1, every start with an active sample ends
    # 'global', nearest w^+, converging, and stays separable from its first separable checkpoint.
    rows, ok, series = [], True, []
    n_rand = 7 if ctx.quick else 3
    for s in range(3):
        X, y, w0 = datasets.prop2(10, 3, s)
        G = np.random.default_rng(100 + s).standard_normal((n_rand, 3))
        W = np.vstack([w0, 0.1 * G / np.linalg.norm(G, axis=1, keepdims=True)])
        eta = _gd_eta(X, y, W)
        traj = ctx.gd(f"C9-prop2-{s}", X, y, W, eta=eta, n_iter=ctx.n(1e6, 1e8), per_decade=5)
        p = theory.predict(X, y)
        ok &= p.admits("global") == "admitted"
        good = 0
        for r in range(W.shape[0]):
            if theory.region(W[r], X, y).kind == "dead":
                continue
            o = theory.outcome(traj, X, y, replicate=r)
            reg = traj.region_names()[:, r]
            first = int(np.argmax(reg == "separable"))
            stays = bool(np.any(reg == "separable") and np.all(reg[first:] == "separable"))
            good += int(o.kind == "global" and o.nearest == "global" and o.converging and stays)
            ok &= o.kind == "global" and o.nearest == "global" and o.converging and stays
        rows.append(f"seed {s}: {good}/{W.shape[0]} starts global")
        u = p.global_direction
        e = traj.direction_error(u)
        k = traj.t >= 1
        series.append(
            {
                "x": traj.t[k],
                "y": np.median(e[k], axis=1),
                "label": f"prop2(10, 3, {s}), median of {W.shape[0]} starts",
                "band": (e[k].min(axis=1), e[k].max(axis=1)),
            }
        )
    fig = _figure(
        lambda: plot.line_figure(
            ctx.figure("C9", "prop2"),
            "Proposition 2: on data with $x_i.x_j > 0$ within a class and $< 0$ across,\n"
            "GD from every start converges in direction to $w^+$ (bands: min-max over starts)",
            series,
            ylabel="direction error to $w^+$",
        )
    )
    return Result(_verdict(ok), "; ".join(rows), fig)


def _sgd_run(ctx: Context) -> tuple[Trajectory, np.ndarray, np.ndarray]:
    if "sgd" not in ctx.cache:
        X, y, w0 = datasets.equal_duals()
        ctx.cache["sgd"] = ctx.sgd(
            "C10-sgd-equal-duals", X, y, w0, n_iter=ctx.n(1e6, 1e8), replicates=64, seed=1
        )
    X, y, _ = datasets.equal_duals()
    return ctx.cache["sgd"], X, y


def c_sgd_loss(ctx: Context) -> Result:
    # Criterion: r(t) = mean_r (L(wbar_t) - L*) / (ln^2 t / t^(1 - alpha)) at the decades from 10^2
    # does not grow: r(T) <= max r over 10^2 .. T/100; the mean excess falls decade after
    # decade; every replicate ends 'ok'.
    s, _, _ = _sgd_run(ctx)
    ts = _decades(s, 2)
    idx = [_at(s, t) for t in ts]
    mean = s.excess_wbar[idx].mean(axis=1)
    r = mean / theory.rate("ln2/t^(1-alpha)", np.array(ts, dtype=float), 0.6)
    early = r[: max(1, len(r) - 2)]
    ok = bool(set(s.status) == {"ok"} and r[-1] <= early.max() and np.all(np.diff(mean) < 0))
    k = s.t >= 10
    rate = theory.rate("ln2/t^(1-alpha)", s.t[k].astype(float), 0.6)
    fig = _figure(
        lambda: plot.line_figure(
            ctx.figure("C10", "sgd-loss"),
            "Theorem 4.3: SGD loss $E[L(\\bar w_t)] - L^* = O(\\ln^2 t / t^{1-\\alpha})$\n"
            "equal_duals data, 64 replicates, $\\alpha$ = 0.6",
            [
                {
                    "x": s.t[k],
                    "y": s.excess_wbar[k].mean(axis=1),
                    "label": "mean over replicates of $L(\\bar w_t) - L^*$",
                },
                {
                    "x": s.t[k],
                    "y": rate * r[0],
                    "label": "$C \\ln^2 t / t^{0.4}$ (C from t = 100)",
                    "style": "--",
                },
                {"x": ts, "y": r, "label": "ratio r(t) to the rate", "style": "s:"},
            ],
            ylabel="excess loss / ratio",
        )
    )
    return Result(_verdict(ok), f"r(t) at 1e2..: {_fmt_list(r)}; statuses {sorted(set(s.status))}", fig)


def c_sgd_dir(ctx: Context) -> Result:
    # Criterion (tests/test_datasets.py): q(t) = ||E wbar_t/||E wbar_t|| - w^+||^2 ln t is below
    # 0.05 at every decade from 10^3, and q(T) < q(10^3).
    s, X, y = _sgd_run(ctx)
    u = theory.global_direction(X, y).u
    ts = _decades(s, 3)
    err = s.direction_error(u, of="mean_wbar")
    q = np.array([err[_at(s, t)] ** 2 * math.log(t) for t in ts])
    ok = bool(np.all(q < 0.05) and q[-1] < q[0])
    k = s.t >= 1
    ew = s.direction_error(u, of="wbar")[k]
    fig = _figure(
        lambda: plot.line_figure(
            ctx.figure("C11", "sgd-direction"),
            "Theorem 4.4: $\\|E[\\bar w_t]/\\|E[\\bar w_t]\\| - w^+\\|^2 = "
            "O(1/\\ln t)$\nequal_duals data, 64 replicates, $\\alpha$ = 0.6",
            [
                {"x": s.t[k], "y": err[k] ** 2, "label": "squared error of $E[\\bar w_t]$"},
                {
                    "x": s.t[k],
                    "y": np.median(ew, axis=1) ** 2,
                    "label": "squared error of $\\bar w_t$ (median, 10-90%)",
                    "band": (np.quantile(ew, 0.1, axis=1) ** 2, np.quantile(ew, 0.9, axis=1) ** 2),
                    "color": "C7",
                },
                {"x": ts, "y": q, "label": "q(t) = squared error x ln t", "style": "s--"},
            ],
            ylabel="squared direction error",
        )
    )
    return Result(_verdict(ok), f"q(t) at 1e3..: {_fmt_list(q)}", fig)


def c_sgd_norm(ctx: Context) -> Result:
    # Criterion (tests/test_datasets.py): ||E wbar_T|| gamma / ((1 - alpha) ln T) is within 5% of 1
    # and closer to 1 than at t = 10^4.
    s, X, y = _sgd_run(ctx)
    g = theory.global_direction(X, y)
    r = theory.sgd_norm_ratio(s.t, s.mean_wbar, 0.6, g.gamma)
    ok = bool(abs(r[-1] - 1) < 0.05 and abs(r[-1] - 1) < abs(r[_at(s, 10**4)] - 1))
    return Result(_verdict(ok), f"ratio {r[_at(s, 10**4)]:.4f} (t=1e4) -> {r[-1]:.4f} (t={s.t[-1]:.0e})")


def c_gd_loss(ctx: Context) -> Result:
    # Criterion (tests/test_rates.py): eta t (L(w_t) - L*) gamma^2 at the decades from 10^3 rises,
    # stays below 1, and exceeds 0.95 at the end (T >= 10^7).
    X, y, _ = datasets.slow_convergence()
    g = theory.global_direction(X, y)
    traj = ctx.gd("C13-gd-loss", X, y, np.array([0.1, 0.2]), eta=0.5, n_iter=ctx.n(1e7, 1e8))
    idx = [_at(traj, t) for t in _decades(traj, 3)]
    ratio = theory.loss_ratio(traj.t[idx], traj.excess[idx, 0], 0.5, g.gamma)
    ok = bool(np.all(np.diff(ratio) > 0) and np.all(ratio < 1) and ratio[-1] > 0.95)
    return Result(_verdict(ok), f"eta t (L - L*) gamma^2 at 1e3..: {_fmt_list(ratio, '.4f')}")


def c_gd_rate(ctx: Context) -> Result:
    # Criterion (tests/test_datasets.py): on degenerate() (a support vector with zero dual) the
    # distance from the ray, err x ||w||, grows per decade from 10^4 by 0.6 to 1.2 times the
    # growth of 2 ln ln t (the error is ~ 2 ln ln t / ln t: the ln ln t / ln t rate is attained);
    # on the generic perturbation x2 = (1.5, 0.5) it settles (last increment below 0.02 and below
    # the first): the error is ~ C / ln t.
    X, y, w0 = datasets.degenerate()
    Xg = X.copy()
    Xg[1] = (1.5, 0.5)
    u = theory.global_direction(X, y).u
    ug = theory.global_direction(Xg, y).u
    n = ctx.n(1e7, 1e8)
    a = ctx.gd("C14-degenerate", X, y, w0, eta=0.5, n_iter=n, per_decade=1)
    b = ctx.gd("C14-generic", Xg, y, w0, eta=0.5, n_iter=n, per_decade=1)
    ts = _decades(a, 4)
    idx = [_at(a, t) for t in ts]
    grow = np.diff((a.direction_error(u)[:, 0] * a.norm[:, 0])[idx])
    lnln = np.diff(2 * np.log(np.log(np.array(ts, dtype=float))))
    ratio = grow / lnln
    settle = np.diff((b.direction_error(ug)[:, 0] * b.norm[:, 0])[idx])
    ok = bool(
        np.all((ratio > 0.6) & (ratio < 1.2)) and abs(settle[-1]) < 0.02 and abs(settle[-1]) < abs(settle[0])
    )
    k = a.t >= 10
    i4 = _at(a, 10**4)
    shift = float(a.direction_error(u)[i4, 0] * np.log(1e4) - 2 * np.log(np.log(1e4)))
    fig = _figure(
        lambda: plot.line_figure(
            ctx.figure("C14", "gd-rate"),
            "GD direction rate: error x ln t grows like 2 ln ln t on degenerate data\n"
            "(a support vector with zero dual), and settles on a generic perturbation",
            [
                {
                    "x": a.t[k],
                    "y": a.direction_error(u)[k, 0] * np.log(a.t[k]),
                    "label": "degenerate: err x ln t",
                    "style": "o-",
                },
                {
                    "x": a.t[k],
                    "y": 2 * np.log(np.log(a.t[k].astype(float))) + shift,
                    "label": "2 ln ln t + const (through the value at 1e4)",
                    "style": "--",
                },
                {
                    "x": b.t[k],
                    "y": b.direction_error(ug)[k, 0] * np.log(b.t[k]),
                    "label": "generic: err x ln t",
                    "style": "s-",
                },
            ],
            ylabel="error x ln t",
            ylog=False,
        )
    )
    return Result(
        _verdict(ok),
        f"degenerate: increment / increment of 2 ln ln t per decade from 1e4 = "
        f"{_fmt_list(ratio, '.2f')}; generic increments {_fmt_list(settle, '.1e')}",
        fig,
    )


def c_leaky(ctx: Context) -> Result:
    # Criterion (tests/test_landscape.py): GD from 0 (eta 0.2) with slope 0.3 (leaky) and 1
    # (linear): the error to w* (leaky) or the linear max-margin direction falls at every decade
    # from 10^2, ends below the error to the other model's direction, and w_T is separable.
    from fastbias.theory import leaky_direction, linear_direction

    X = np.array([[1.0, 0.4], [0.7, 1.0], [1.5, 0.2], [-1.0, -0.6], [-0.3, -1.2], [0.2, -1.0]])
    y = np.array([1.0, 1.0, 1.0, -1.0, -1.0, -1.0])
    rows, ok, series = [], True, []
    for slope in (0.3, 1.0):
        target = leaky_direction(X, y, slope).u if slope < 1 else linear_direction(X, y).u
        other = linear_direction(X, y).u if slope < 1 else leaky_direction(X, y, 0.3).u
        traj = ctx.gd(
            f"C15-slope-{slope:g}",
            X,
            y,
            np.zeros(2),
            eta=0.2,
            n_iter=ctx.n(1e6, 1e8),
            slope=slope,
            per_decade=1,
        )
        err = traj.direction_error(target)[:, 0]
        idx = [_at(traj, t) for t in _decades(traj, 2)]
        e_other = float(traj.direction_error(other)[-1, 0])
        sep = traj.region_names()[-1, 0] == "separable"
        good = bool(np.all(np.diff(err[idx]) < 0) and err[-1] < e_other and sep)
        ok &= good
        name = "w* (leaky, a = 0.3)" if slope < 1 else "linear max margin"
        rows.append(f"slope {slope:g}: err to {name} {err[-1]:.2e} vs {e_other:.2e} to the other")
        series.append(_err_series(traj, target, f"slope {slope:g}: $w_t$ to {name}"))
    fig = _figure(
        lambda: plot.line_figure(
            ctx.figure("C15", "leaky"),
            "Section 5.1: leaky ReLU GD converges to $w^*$ (max margin of $y_i x^*_i$);\n"
            "slope 1 to the linear max-margin direction",
            series,
            ylabel="direction error",
        )
    )
    return Result(_verdict(ok), "; ".join(rows), fig)


def _class_series(o, t: np.ndarray, square: bool) -> list[dict[str, Any]]:
    k = t >= 1
    out = []
    for i, c in enumerate(o.classes):
        e = c.errors[k] ** 2 if square else c.errors[k]
        label = f"class {i}: samples {c.samples.tolist()}"
        out.append({"x": t[k], "y": e, "label": label, "lw": 3.0 - 0.8 * i})
    return out


def c_network(ctx: Context, algorithm: str) -> Result:
    # Criteria (fixed; tests/test_network.py): see the claims C16 (GD) and C17 (SGD).
    X, y, W0 = datasets.clusters()
    v = np.array(datasets.CLUSTERS_V)
    n = ctx.n(1e6, 1e7)
    if algorithm == "gd":
        traj = ctx.gd("C16-network-gd", X, y, W0, eta=0.15, n_iter=n, v=v)
        o = theory.network_outcome(traj, X, y)
    else:
        traj = ctx.sgd("C17-network-sgd", X, y, W0, n_iter=n, replicates=32, seed=1, v=v)
        o = theory.network_outcome(traj, X, y, of="mean_wbar")
    idx = [_at(traj, t) for t in _decades(traj, 2)]
    t = traj.t[idx].astype(np.float64)
    clusters_found = sorted(c.samples.tolist() for c in o.classes) == [
        list(range(5 * k, 5 * k + 5)) for k in range(3)
    ]
    ok = not o.failed and clusters_found and all(c.single_label for c in o.classes)
    saturating = True
    measured = []
    for c in o.classes:
        e = c.errors[idx]
        if algorithm == "gd":
            ratio = e / (np.log(np.log(t)) / np.log(t))
            ok = ok and bool(np.all(np.diff(e) < 0) and np.all(np.diff(ratio) <= 0))
            measured.append(f"err {_fmt_list(e, '.2e')}, ratio {_fmt_list(ratio, '.3f')}")
        else:
            sq = e**2 * np.log(t)
            inc = np.diff(sq)
            ok = ok and bool(sq[-1] < 0.1)
            saturating = saturating and bool(np.all((inc[1:] <= 0) | (inc[1:] < 0.95 * inc[:-1])))
            measured.append(f"err^2 ln t at decades {_fmt_list(sq, '.3g')}")
    thm = "5.1" if algorithm == "gd" else "5.2"
    fig = _figure(
        lambda: plot.line_figure(
            ctx.figure("C16" if algorithm == "gd" else "C17", f"network-{algorithm}"),
            f"Theorem {thm}: {'GD w' if algorithm == 'gd' else 'SGD E[wbar]'}, per pattern class, clusters "
            "data, v = (1, -1, 1)",
            _class_series(o, traj.t, square=algorithm == "sgd"),
            ylabel="squared direction error of $E[\\bar W]$" if algorithm == "sgd" else "direction error",
        )
    )
    verdict = _verdict(ok) if (ok is False or saturating) else INCONCLUSIVE
    return Result(
        verdict,
        f"conditions {o.conditions}; {len(o.classes)} classes (one per cluster: {clusters_found}); "
        f"decades 1e2..{traj.t[-1]:.0e}: " + "; ".join(measured),
        fig,
    )


def c_network_fails(ctx: Context) -> Result:
    # Criterion (fixed; tests/test_network.py): failed == ["disjoint_units"], shared unit and 4
    # classes at T.
    X, y, W0 = datasets.clusters(offset=25.0)
    v = np.array(datasets.CLUSTERS_V)
    traj = ctx.gd("C18-network-shared", X, y, W0, eta=0.15, n_iter=ctx.n(1e5, 1e6), v=v)
    o = theory.network_outcome(traj, X, y)
    shared = bool(traj.shared_unit[-1, 0])
    classes = int(traj.n_classes[-1, 0])
    ok = o.failed == ["disjoint_units"] and shared and classes == 4
    fig = _figure(
        lambda: plot.line_figure(
            ctx.figure("C18", "network-shared"),
            "Theorem 5.1's conditions fail: two pattern classes share a unit (clusters, offset 25 degrees)",
            _class_series(o, traj.t, square=False),
            ylabel="direction error",
        )
    )
    return Result(
        _verdict(ok),
        f"failed conditions {o.failed}; classes at T {classes}, shared unit {shared}; final class errors "
        + _fmt_list([c.final_error for c in o.classes], ".3g"),
        fig,
    )


CLAIMS: list[Claim] = [
    Claim(
        "C1",
        "Thm 4.1: regions and loss limits",
        "the loss along a ray tends to n_-/n (separable), n_-/n + (n_+ - |J+|)/n (W_J), 1 (dead), or "
        "infinity (a negative active)",
        "|L(1e4 u) - limit| <= 1e-12 (> 1e20 if negative-active) for ~8000 directions away from "
        "boundaries; all 4 regions met",
        c_regions,
    ),
    Claim(
        "C2",
        "Thm 4.2 (i): global outcome",
        "when w^+ lies in the separable region GD can converge in direction to w^+",
        "Example 1 from (0.5, 1): outcome global, nearest w^+, converging, always separable, error falls",
        c_global,
    ),
    Claim(
        "C3",
        "Example 1 / Thm 4.2 (iii): local outcome",
        "from w0 activating x1 only, GD converges to x1/||x1|| (a local max-margin direction), not w^+; "
        "loss -> 2/3",
        "outcome local, J+ = {x1}, converging, no flips; w.x2 < 0; eta t (L - 2/3) rises to > 0.95, < 1",
        c_example1,
    ),
    Claim(
        "C4",
        "Thm 4.2 (iv): stuck",
        "from a start with no active sample GD never moves",
        "status dead, outcome stuck, w_T == w_0 bitwise (Examples 1 and 2)",
        c_stuck,
    ),
    Claim(
        "C5",
        "Example 2 / Thm 4.2 (ii): oscillation",
        "when w^+ is not in the separable region, GD can oscillate between regions",
        "w^+ excluded; outcome oscillating; activation flips in every decade from 1e2",
        c_example2_osc,
    ),
    Claim(
        "C6",
        "Example 2: the direction converges",
        "GD 'oscillates around the direction x2/||x2|| and does not converge'",
        "nearest: constrained (2,-1)/sqrt5, converging; decade envelope of its error falls; |w.x2| < 1 "
        "after 1e3; error to x2/||x2|| > 0.5",
        c_example2_dir,
        departs="the paper says GD oscillates around x2/||x2|| and does not converge; measured: the region "
        "oscillates, but the direction converges to the constrained direction (2, -1)/sqrt 5 (max "
        "margin of the positives among directions keeping the negative inactive), far from x2/||x2||",
    ),
    Claim(
        "C7",
        "Oscillation between non-separable regions",
        "Theorem 4.2 lists oscillation only when w^+ is outside the separable region",
        "constructed data with w^+ admitted: outcome oscillating, flips every decade from 1e2, zero "
        "separable entries; error envelope to the constrained direction of J+ = {x1} falls; |w.x2| < 1",
        c_osc_nonsep,
        departs="GD oscillates for ever between W_{x1} and a negative-active region although w^+ lies in the "
        "separable region: a case Theorem 4.2 does not list (its direction converges to the "
        "constrained direction of J+ = {x1})",
    ),
    Claim(
        "C8",
        "Thm 4.2: only admitted outcomes",
        "the outcomes of GD are those the data admit (global / local w_J^+ in W_J^+ / oscillation / stuck)",
        "200 random starts on Example 1: no outcome that predict() excludes; >= 2 distinct outcomes",
        c_random_starts,
    ),
    Claim(
        "C9",
        "Proposition 2",
        "if x_i.x_j > 0 within classes and < 0 across, GD converges to w^+ (from any non-dead start)",
        "prop2(10, 3, s), s = 0, 1, 2, several starts each: every non-dead start global, nearest w^+, "
        "converging, stays separable",
        c_prop2,
    ),
    Claim(
        "C10",
        "Thm 4.3: SGD loss rate",
        "E[L(wbar_t)] - L* = O(ln^2 t / t^(1 - alpha)) on Proposition 2 data",
        "ratio to ln^2 t / t^0.4 at T <= its max over 1e2..T/100; mean excess falls each decade; all ok",
        c_sgd_loss,
    ),
    Claim(
        "C11",
        "Thm 4.4: SGD direction rate",
        "E[wbar_t] converges in direction to w^+: squared error O(1 / ln t)",
        "q = squared error of E[wbar_t] x ln t < 0.05 at every decade from 1e3, and q(T) < q(1e3)",
        c_sgd_dir,
    ),
    Claim(
        "C12",
        "SGD norm growth (sharp form, from Thm 4.4's proof)",
        "||E wbar_t|| grows like (1 - alpha) ln t / gamma",
        "||E wbar_T|| gamma / ((1 - alpha) ln T) within 5% of 1 and closer to 1 than at 1e4",
        c_sgd_norm,
    ),
    Claim(
        "C13",
        "GD loss rate (sharp form)",
        "L(w_t) - L* = O(1/t) in the separable region (proof of Thm 4.2)",
        "eta t (L - L*) gamma^2 rises over the decades from 1e3, stays < 1, ends > 0.95",
        c_gd_loss,
    ),
    Claim(
        "C14",
        "GD direction rate: O(ln ln t / ln t), attained",
        "the direction error of GD is O(ln ln t / ln t)",
        "degenerate data: err x ||w|| grows per decade by 0.6-1.2 x the growth of 2 ln ln t; a generic "
        "perturbation settles (last increment < 0.02)",
        c_gd_rate,
    ),
    Claim(
        "C15",
        "Sec 5.1: leaky ReLU",
        "with leaky ReLU GD converges to w*, the max margin of y_i x*_i (and to the linear max margin at "
        "slope 1)",
        "slopes 0.3 and 1: error to w* / linear falls every decade from 1e2, ends below the error to the "
        "other, w_T separable",
        c_leaky,
    ),
    Claim(
        "C16",
        "Thm 5.1: network GD, per pattern class",
        "one hidden layer, fixed v of both signs: when the activation patterns stop changing, no two "
        "classes share a unit and the loss is small, each class's effective weights w~_h converge in "
        "direction to its max-margin direction w^_h at rate O(ln ln t / ln t)",
        "clusters data (3 clusters, each captured by its own unit): every condition holds late; 3 "
        "single-label classes, one per cluster; each class's error falls at every decade from 1e2 and "
        "its ratio to ln ln t / ln t never grows",
        lambda ctx: c_network(ctx, "gd"),
    ),
    Claim(
        "C17",
        "Thm 5.2: network SGD, averaged W",
        "under the same conditions the expected averaged weights E[wbar_t] converge per class, with "
        "squared direction error O(1 / ln t)",
        "clusters data, alpha 0.6, eta0 1, 32 replicates: every condition holds; for each class of "
        "E[wbar], err^2 x ln t at T is < 0.1 and saturates: over the decades from 1e2 each increase is "
        "below 0.95 x the previous one, and once it falls it keeps falling (inconclusive if only this fails)",
        lambda ctx: c_network(ctx, "sgd"),
    ),
    Claim(
        "C18",
        "Thm 5.1's conditions can fail: shared units",
        "the theorems assume that no two pattern classes share an active unit (A_h1 and A_h2 disjoint)",
        "clusters data, units started 25 degrees off: network_outcome reports exactly the failed "
        "condition disjoint_units; at T two classes share a unit and there are 4 classes",
        c_network_fails,
    ),
]

NOTES: list[str] = []


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]


def format_claims(rows: list[dict[str, Any]], width: int = 110) -> str:
    """The claims table: one block per claim (id, title, verdict, figure; paper, criterion, measured)."""
    lines = [f"{'#':<4} {'claim':<46} {'verdict':<13} figure", "-" * width]
    for r in rows:
        lines.append(f"{r['id']:<4} {r['title']:<46} {r['verdict'].upper():<13} {r['figure'] or '-'}")
        for label in ("paper", "criterion", "measured"):
            body = _wrap(r[label], width - 16)
            lines.append(f"     {label + ':':<11}{body[0]}")
            lines += [f"     {'':<11}{b}" for b in body[1:]]
        if r.get("departs"):
            body = _wrap("DEPARTS FROM THE PAPER: " + r["departs"], width - 16)
            lines.append(f"     {'note:':<11}{body[0]}")
            lines += [f"     {'':<11}{b}" for b in body[1:]]
        lines.append("")
    return "\n".join(lines)


def _markdown(rows: list[dict[str, Any]]) -> str:
    head = "| # | claim | paper says | criterion | measured | verdict | figure |\n"
    head += "|---|---|---|---|---|---|---|\n"
    body = ""
    for r in rows:
        cells = [
            r["id"],
            r["title"],
            r["paper"] + (f" **Departs:** {r['departs']}" if r.get("departs") else ""),
            r["criterion"],
            r["measured"],
            r["verdict"],
            r["figure"] or "",
        ]
        body += "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |\n"
    return head + body


def reproduce(
    out: Path,
    *,
    quick: bool = False,
    force: bool = False,
    only: list[str] | None = None,
    progress: bool | None = None,
    echo: Callable[[str], None] = print,
) -> int:
    """Check every claim; print the table; write claims.json, claims.md, figures and results into ``out``.

    Parameters
    ----------
    out : pathlib.Path
        Output directory (created; an existing one needs ``force``).
    quick : bool
        10^6-10^7 iterations instead of 10^8.
    force : bool
        Replace an existing output directory of a previous reproduction.
    only : list of str, optional
        Claim ids to check (default: all of :data:`CLAIMS`).
    progress : bool, optional
        Progress bars (default: when stderr is a terminal).
    echo : callable
        Where lines go.

    Returns
    -------
    int
        0 when no claim fails (inconclusive ones are reported, not failures),
        1 when one does, 130 on Ctrl-C.
    """
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        if not force:
            raise ExperimentError(f"output directory {out} already exists: pass --force to overwrite it")
        if not ((out / "claims.json").exists() or (out / MANIFEST).exists()):
            raise ExperimentError(f"{out} is not empty and not a fastbias output directory; not removing it")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    claims = [c for c in CLAIMS if only is None or c.id in only]
    if only is not None and len(claims) != len(only):
        unknown = sorted(set(only) - {c.id for c in CLAIMS})
        raise ExperimentError(
            f"unknown claim id(s) {', '.join(unknown)}; known: {', '.join(c.id for c in CLAIMS)}"
        )
    if progress is None:
        progress = sys.stderr.isatty()
    rows: list[dict[str, Any]] = []
    mode = "quick (10^6-10^7 iterations)" if quick else "full (10^8 iterations)"
    echo(f"fastbias reproduce, {mode}: {len(claims)} claims; output in {out}")
    tic = time.perf_counter()
    with Interrupts() as interrupts:
        ctx = Context(out, quick, progress, interrupts)
        for c in claims:
            t0 = time.perf_counter()
            try:
                res = c.check(ctx)
            except _Stop:
                echo(f"\ninterrupted during {c.id}; nothing to resume: run `fastbias reproduce` again")
                return 130
            except Exception as exc:  # a crash in a check is that claim's failure, reported, not hidden
                res = Result(FAILS, f"the check raised {type(exc).__name__}: {exc}")
            fig = None
            if res.figure:
                fig = (
                    str(Path(res.figure).relative_to(out))
                    if Path(res.figure).is_relative_to(out)
                    else res.figure
                )
            row = {
                "id": c.id,
                "title": c.title,
                "paper": c.paper,
                "criterion": c.criterion,
                "measured": res.measured,
                "verdict": res.verdict,
                "figure": fig,
                "departs": c.departs,
                "seconds": round(time.perf_counter() - t0, 2),
            }
            rows.append(row)
            echo(f"  {c.id:<4} {c.title:<50} {res.verdict:<12} ({row['seconds']:.1f} s)")
    wall = time.perf_counter() - tic
    counts = {v: sum(r["verdict"] == v for r in rows) for v in (HOLDS, FAILS, INCONCLUSIVE)}
    echo("")
    echo(format_claims(rows))
    for note in NOTES:
        echo(f"note: {note}")
    departs = [r for r in rows if r.get("departs")]
    if departs:
        echo("\nWhere the measurements depart from the paper's text:")
        for r in departs:
            echo(f"  {r['id']}: {r['departs']}")
    echo(
        f"\n{counts[HOLDS]} hold, {counts[FAILS]} fail, {counts[INCONCLUSIVE]} inconclusive "
        f"({wall:.0f} s); figures in {out / 'figures'}, tables in {out / 'claims.md'}"
    )
    summary = {
        "mode": "quick" if quick else "full",
        "wall_seconds": wall,
        "counts": counts,
        "claims": rows,
        "notes": NOTES,
    }
    (out / "claims.json").write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")
    (out / "claims.md").write_text(
        _markdown(rows) + "\n" + "\n".join(f"Note: {n}" for n in NOTES) + "\n", encoding="utf-8"
    )
    return 1 if counts[FAILS] else 0


def _asdict(c: Claim) -> dict[str, Any]:  # pragma: no cover - convenience for users
    d = asdict(c)
    d.pop("check")
    return d
