"""What a run's results say: target directions, direction errors, rate fits, Theorem 4.2 outcomes.

Used for the progress lines while a run goes, for ``summary.json`` at its end,
and by ``fastbias report`` to rebuild the summary from ``results.npz``.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from fastbias.errors import FastbiasError, InputError, NotSeparableError
from fastbias.experiment.config import RunSpec
from fastbias.loops.trajectory import Trajectory

__all__ = [
    "Directions",
    "fit_window",
    "late_constant",
    "network_line",
    "rate_ratio",
    "summarize",
    "summarize_network",
]


def _unit(u: np.ndarray) -> np.ndarray:
    u = np.asarray(u, dtype=np.float64)
    u = u / np.max(np.abs(u))
    return u / np.linalg.norm(u)


class Directions:
    """The candidate directions of a dataset and model, with local ones computed on demand.

    Names: ``global`` (w^+), ``constrained`` (max margin of the positives keeping
    every negative inactive), ``linear``, ``leaky`` (0 < slope < 1), ``local``
    (w_J^+ of a given J+), ``constrained[J]`` (the constrained direction of the
    positives in J: where GD oscillating between W_J and a negative-active region
    goes), and the user's named ``targets``.
    """

    def __init__(
        self, X: np.ndarray, y: np.ndarray, slope: float, targets: dict[str, list[float]] | None = None
    ):
        from fastbias import theory

        self.X, self.y, self.slope = X, y, slope
        self.fixed: dict[str, np.ndarray] = {}
        self.gamma: dict[str, float] = {}
        self.notes: dict[str, str] = {}
        makers = []
        if slope == 0.0:
            makers += [
                ("global", lambda: theory.global_direction(X, y)),
                ("constrained", lambda: theory.constrained_direction(X, y)),
            ]
        elif slope < 1.0:
            makers += [("leaky", lambda: theory.leaky_direction(X, y, slope))]
        makers += [("linear", lambda: theory.linear_direction(X, y))]
        for name, make in makers:
            try:
                res = make()
            except NotSeparableError as exc:
                self.notes[name] = str(exc)
                continue
            self.fixed[name] = np.asarray(res.u, dtype=np.float64)
            self.gamma[name] = float(res.gamma)
        for name, vec in (targets or {}).items():
            self.fixed[name] = _unit(np.asarray(vec, dtype=np.float64))
        self._local: dict[tuple[int, ...], tuple[np.ndarray, float] | None] = {}
        self._cons: dict[tuple[int, ...], tuple[np.ndarray, float] | None] = {}

    def local(self, J) -> tuple[np.ndarray, float] | None:
        """(u, gamma) of w_J^+ for the positives J (None when J is empty)."""
        from fastbias import theory

        key = tuple(int(j) for j in np.atleast_1d(J))
        if not key:
            return None
        if key not in self._local:
            try:
                res = theory.local_direction(self.X, np.array(key))
                self._local[key] = (np.asarray(res.u), float(res.gamma))
            except FastbiasError:
                self._local[key] = None
        return self._local[key]

    def constrained_j(self, J) -> tuple[np.ndarray, float] | None:
        """(u, gamma) of the constrained direction of the positives J (None if none)."""
        from fastbias import theory

        key = tuple(int(j) for j in np.atleast_1d(J))
        if not key:
            return None
        if key not in self._cons:
            try:
                res = theory.constrained_direction(self.X, self.y, np.array(key))
                self._cons[key] = (np.asarray(res.u), float(res.gamma))
            except FastbiasError:
                self._cons[key] = None
        return self._cons[key]

    def candidates(self, J=None) -> dict[str, np.ndarray]:
        """Every candidate direction; with J+ also ``local`` and ``constrained[J]``."""
        out = {k: u for k, u in self.fixed.items()}
        if J is not None and self.slope == 0.0 and len(np.atleast_1d(J)):
            loc = self.local(J)
            if loc is not None:
                out["local"] = loc[0]
            if len(np.atleast_1d(J)) < int(np.sum(self.y > 0)):
                con = self.constrained_j(J)
                if con is not None:
                    out["constrained[J]"] = con[0]
        return out

    def margin(self, name: str, J=None) -> float | None:
        """The margin gamma of a named direction (None for user vectors)."""
        if name in self.gamma:
            return self.gamma[name]
        if name == "local" and J is not None:
            loc = self.local(J)
            return None if loc is None else loc[1]
        if name == "constrained[J]" and J is not None:
            con = self.constrained_j(J)
            return None if con is None else con[1]
        return None


def _error(v: np.ndarray, u: np.ndarray) -> np.ndarray:
    """|| v/||v|| - u || along the last axis (NaN for v = 0)."""
    norms = np.linalg.norm(v, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        err = np.linalg.norm(v / norms - u, axis=-1)
    return np.where(norms[..., 0] > 0, err, np.nan)


def nearest(vectors: np.ndarray, cands: dict[str, np.ndarray]) -> tuple[str, float]:
    """The candidate nearest to one vector, and the error to it."""
    best, err = "", math.inf
    for name, u in cands.items():
        e = float(_error(vectors, u))
        if e < err - 1e-12:
            best, err = name, e
    return best, err


def rate_ratio(algorithm: str, t: float, err: float) -> float:
    """The current rate ratio of a progress line.

    GD: err x ln t (bounded and settling when err = Theta(1 / ln t)); SGD:
    err^2 x ln t for E[wbar_t] (Theorem 4.4's squared form).
    """
    if t <= 1 or not math.isfinite(err):
        return math.nan
    return (err if algorithm == "gd" else err * err) * math.log(t)


def fit_window(t: np.ndarray) -> float:
    """t_min of the late window that rate fits and fitted curves use: the last three decades (t >= 10)."""
    end = float(t[-1])
    return max(10.0, end / 1e3)


def late_constant(t: np.ndarray, err: np.ndarray, rate: np.ndarray, t_min: float) -> float:
    """C of err ~ C rate(t), a geometric mean of err / rate over t >= t_min (NaN when undefined)."""
    sel = (t >= t_min) & np.isfinite(err) & (err > 0) & np.isfinite(rate) & (rate > 0)
    if sel.sum() < 2:
        return math.nan
    return float(np.exp(np.mean(np.log(err[sel] / rate[sel]))))


def _fit(t: np.ndarray, err: np.ndarray, rate: str, t_min: float, alpha: float = 0.0) -> dict[str, Any]:
    from fastbias.theory import fit_rate

    try:
        f = fit_rate(t, err, rate, t_min=t_min, alpha=alpha)
    except InputError as exc:
        return {"rate": rate, "error": str(exc)}
    ratio = np.asarray(f.ratio)
    return {
        "rate": rate,
        "t_min": t_min,
        "exponent": f.exponent,
        "exponent_ci95": list(f.exponent_ci),
        "constant": f.constant,
        "constant_ci95": list(f.constant_ci),
        "series": int(1 if ratio.ndim == 1 else ratio.shape[1]),
        "ratio_last": _stats(ratio[-1]),
    }


def _stats(a) -> dict[str, float] | float:
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0 or a.size == 1:
        return _num(float(a.reshape(-1)[0]))
    fin = a[np.isfinite(a)]
    if not fin.size:
        return {"median": None, "min": None, "max": None}
    return {
        "median": _num(float(np.median(fin))),
        "min": _num(float(fin.min())),
        "max": _num(float(fin.max())),
    }


def _num(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _choose_target(
    spec: RunSpec,
    dirs: Directions,
    traj: Trajectory,
    of: str,
    per_rep_nearest: list[str],
    J: tuple[int, ...] | None,
) -> tuple[str, np.ndarray | None]:
    if isinstance(spec.target, list):
        return "target", _unit(np.array(spec.target))
    name = spec.target
    if name == "auto":
        if spec.slope == 1.0:
            name = "linear"
        elif spec.slope > 0.0:
            name = "leaky"
        else:
            name = Counter(per_rep_nearest).most_common(1)[0][0] if per_rep_nearest else "global"
    cands = dirs.candidates(J)
    if name in cands:
        return name, cands[name]
    return name, None


#: theory.predict enumerates every subset J+ of the positives; beyond this many it is skipped here.
MAX_PREDICT_POSITIVES = 10


def _prediction(X: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """Which Theorem 4.2 outcomes the data admit (subsets J+ only for small n_+)."""
    from fastbias import theory

    if int(np.sum(y > 0)) <= MAX_PREDICT_POSITIVES:
        pred = theory.predict(X, y)
        return {
            "global": pred.admits("global"),
            "oscillating": pred.oscillation,
            "stuck": pred.stuck,
            "local_admitted": [c.J.tolist() for c in pred.locals if c.verdict == "admitted"],
        }
    try:
        u = theory.global_direction(X, y).u
    except FastbiasError as exc:
        return {"global": f"undecided ({exc})"}
    tol = 1e-10 * float(np.max(np.linalg.norm(X, axis=1)))  # as theory.predict
    worst = float(np.max(X[y < 0] @ u))
    verdict = "excluded" if worst > tol else ("undecided" if worst >= -tol else "admitted")
    return {
        "global": verdict,
        "stuck": "admitted",
        "local_admitted": f"not enumerated (more than {MAX_PREDICT_POSITIVES} positives)",
    }


def summarize(spec: RunSpec, traj: Trajectory, X: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """What ``summary.json`` says about one run's results.

    Parameters
    ----------
    spec : RunSpec
        The run's config.
    traj : fastbias.Trajectory
        Its recorded checkpoints.
    X, y : numpy.ndarray
        Its data.

    Returns
    -------
    dict
        ``t_end``, ``checkpoints``, ``replicates``, ``status`` (counts),
        ``directions`` (the candidate directions and margins), ``per_replicate``
        (nearest direction, final region, J+, Theorem 4.2 outcome for GD),
        ``theorem_4_2`` (outcome counts and what the data admit; GD, ReLU),
        ``target`` (the direction errors are measured to: the config's, or the
        one most replicates end nearest to), ``final_direction_errors`` (to every
        candidate; median / min / max over replicates, and E[wbar] for SGD) and
        ``rates`` (fits err ~ C rate(t)^p over the last three decades, with 95%
        intervals across replicates or starts; GD: 1/ln t and ln ln t / ln t,
        the loss ratio eta t (L - lim) gamma^2; SGD: Theorem 4.4's squared error
        and Theorem 4.3's loss rate, ||E wbar|| gamma / ((1 - alpha) ln t)).
    """
    from fastbias import theory

    if spec.network:
        return summarize_network(spec, traj, X, y)
    dirs = Directions(X, y, spec.slope, spec.targets)
    t = traj.t.astype(np.float64)
    R = traj.replicates
    gd = traj.algorithm == "gd"
    of = "w" if gd else "wbar"
    out: dict[str, Any] = {
        "t_end": int(traj.t[-1]),
        "checkpoints": int(traj.t.size),
        "replicates": R,
        "status": dict(Counter(str(s) for s in traj.status)),
        "directions": {k: {"u": u.tolist(), "gamma": dirs.gamma.get(k)} for k, u in dirs.fixed.items()},
    }
    if dirs.notes:
        out["direction_notes"] = dirs.notes

    # Per replicate: final J+, nearest candidate, outcome.
    final_J = [tuple(np.flatnonzero(traj.j_plus(of)[-1, r]).tolist()) for r in range(R)]
    per_rep: list[dict[str, Any]] = []
    for r in range(R):
        v = traj.arrays[of][-1, r]
        name, err = nearest(v, dirs.candidates(final_J[r]))
        per_rep.append(
            {
                "nearest": name,
                "error": _num(err),
                "j_plus": list(final_J[r]),
                "region": traj.region_names(of)[-1, r],
                "status": str(traj.status[r]),
            }
        )
    if gd and spec.slope == 0.0:
        kinds = []
        for r in range(R):
            try:
                o = theory.outcome(traj, X, y, replicate=r)
            except FastbiasError as exc:  # pragma: no cover - defensive
                per_rep[r]["outcome"] = {"error": str(exc)}
                continue
            kinds.append(o.kind)
            per_rep[r]["outcome"] = {
                "kind": o.kind,
                "j_plus": o.j_plus.tolist(),
                "final_region": o.final_region,
                "flips_per_decade": dict(
                    zip((f"1e{k}" for k in o.decades.tolist()), o.flips_per_decade.tolist(), strict=True)
                ),
                "nearest": o.nearest,
                "converging": bool(o.converging),
                "errors": {k: _num(val) for k, val in o.errors.items()},
            }
        out["theorem_4_2"] = {"outcomes": dict(Counter(kinds)), "prediction": _prediction(X, y)}
    elif gd:
        out["theorem_4_2"] = {
            "note": "Theorem 4.2 is about ReLU (slope 0); this run has slope "
            f"{spec.slope:g} (Section 5.1: leaky ReLU converges to w*)"
        }
    out["per_replicate"] = per_rep if R <= 64 else f"{R} replicates (not listed)"

    # Primary target and final errors to every candidate.
    nearest_names = [p["nearest"] for p in per_rep if p["status"] == "ok"] or [p["nearest"] for p in per_rep]
    common_J = Counter(final_J).most_common(1)[0][0] if R else None
    if not gd:
        mean_J = tuple(np.flatnonzero((traj.mean_wbar[-1] @ X.T > 0) & (y > 0)).tolist())
        nn, _ = nearest(traj.mean_wbar[-1], dirs.candidates(mean_J))
        nearest_names, common_J = [nn], mean_J
    tname, u = _choose_target(spec, dirs, traj, of, nearest_names, common_J)
    out["target"] = {
        "name": tname,
        "u": None if u is None else u.tolist(),
        "gamma": dirs.margin(tname, common_J),
        "j_plus": list(common_J or ()),
    }
    finals: dict[str, Any] = {}
    for name, cu in dirs.candidates(common_J).items():
        e = traj.direction_error(cu, of=of)[-1]
        finals[name] = {of: _stats(e)}
        if not gd:
            finals[name]["mean_wbar"] = _num(float(traj.direction_error(cu, of="mean_wbar")[-1]))
    out["final_direction_errors"] = finals

    # Rate fits over the late window, intervals across replicates (or starts).
    t_min = fit_window(t)
    rates: dict[str, Any] = {"t_min": t_min}
    if u is not None and traj.t[-1] > 10:
        if gd:
            use = [r for r in range(R) if per_rep[r]["nearest"] == tname and per_rep[r]["status"] == "ok"]
            if not use or isinstance(spec.target, list) or spec.target != "auto":
                use = [r for r in range(R) if per_rep[r]["status"] == "ok"] or list(range(R))
            err = traj.direction_error(u)[:, use]
            rates["direction"] = {
                "of": "w",
                "replicates_used": len(use),
                "fits": [_fit(t, err, "1/ln", t_min), _fit(t, err, "lnln/ln", t_min)],
                "err_x_ln_t": _stats(err[-1] * math.log(t[-1])),
            }
            g = out["target"]["gamma"]
            if g and spec.slope == 0.0:
                # eta t (L - lim) gamma^2 -> 1 from below, lim the limit of the final region
                n = y.size
                # (only for replicates ending in a region with a finite limit).
                lim = np.array([(int(np.sum(y > 0)) - len(final_J[r])) / n for r in range(R)])
                fin = [r for r in use if per_rep[r]["region"] in ("separable", "local")]
                if fin:
                    excess = traj.excess[-1, fin] - lim[fin]
                    rates["loss_ratio"] = _stats(spec.eta * t[-1] * excess * g * g)
            elif g:
                rates["loss_ratio"] = _stats(spec.eta * t[-1] * traj.excess[-1, use] * g * g)
        else:
            err_rep = traj.direction_error(u, of="wbar") ** 2
            err_mean = traj.direction_error(u, of="mean_wbar") ** 2
            rates["direction"] = {
                "of": "wbar (squared error, Theorem 4.4)",
                "fits": [_fit(t, err_mean, "1/ln", t_min), _fit(t, err_rep, "1/ln", t_min)],
                "fit_labels": ["E[wbar] (replicate mean)", "wbar per replicate (CI across replicates)"],
                "sq_err_x_ln_t_mean_wbar": _num(float(err_mean[-1] * math.log(t[-1]))),
            }
            rates["loss"] = {
                "of": "L(wbar) - L* (Theorem 4.3)",
                "fits": [_fit(t, traj.excess_wbar, "ln2/t^(1-alpha)", t_min, spec.alpha)],
            }
            g = out["target"]["gamma"]
            if g:
                rates["sgd_norm_ratio"] = _num(
                    float(theory.sgd_norm_ratio(t[-1:], traj.mean_wbar[-1:], spec.alpha, g)[0])
                )
    out["rates"] = rates
    return out


def _class_entry(c, t: np.ndarray, gd: bool, t_min: float) -> dict[str, Any]:
    """One pattern class of a network outcome: who is in it, its direction, errors and rate fits."""
    entry: dict[str, Any] = {
        "samples": c.samples.tolist(),
        "units": np.flatnonzero(c.pattern).tolist(),
        "labels": "single" if c.single_label else "mixed",
        "direction": None if c.direction is None else c.direction.tolist(),
        "final_error": _num(c.final_error),
    }
    if c.direction is None or t[-1] <= 10:
        return entry
    if gd:
        entry["fits"] = [_fit(t, c.errors, "lnln/ln", t_min), _fit(t, c.errors, "1/ln", t_min)]
        entry["err_over_lnln_ln"] = _num(float(rate_ratio_network(t[-1], c.final_error, gd)))
    else:
        entry["fits"] = [_fit(t, c.errors**2, "1/ln", t_min)]
        entry["sq_err_x_ln_t"] = _num(float(rate_ratio_network(t[-1], c.final_error, gd)))
    return entry


def rate_ratio_network(t: float, err: float, gd: bool) -> float:
    """Theorem 5.1's err / (ln ln t / ln t) (GD) or Theorem 5.2's err^2 ln t (SGD); NaN before t = 3."""
    if t < 3 or not math.isfinite(err):
        return math.nan
    lt = math.log(t)
    return err / (math.log(lt) / lt) if gd else err * err * lt


def summarize_network(spec: RunSpec, traj: Trajectory, X: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """What ``summary.json`` says about a one-hidden-layer network run (Theorems 5.1 and 5.2).

    Returns
    -------
    dict
        ``t_end``, ``checkpoints``, ``replicates``, ``status`` (counts),
        ``model`` (K, v, slope), ``theorem_5`` (GD: Theorem 5.1 on each start's
        w; SGD: Theorem 5.2 on E[wbar], the replicate mean of the averaged W):
        the conditions (patterns fixed, no shared unit, loss below 1/n and
        falling, single-label classes) over the late checkpoints, those that
        failed, and per pattern class its samples, active units, max-margin
        direction w^_h, the final direction error of w~_h and rate fits (GD:
        err ~ (ln ln t / ln t)^p and (1/ln t)^p; SGD: err^2 ~ (1/ln t)^p);
        ``conditions_held`` (per condition, in how many replicates it held),
        ``final_loss``, ``flips`` (GD: activation flips over the run) and
        ``n_classes`` at the end.
    """
    from fastbias.theory import network_outcome

    t = traj.t.astype(np.float64)
    R = traj.replicates
    gd = traj.algorithm == "gd"
    v = np.asarray(traj.arrays["v"])
    out: dict[str, Any] = {
        "t_end": int(traj.t[-1]),
        "checkpoints": int(traj.t.size),
        "replicates": R,
        "status": dict(Counter(str(s) for s in traj.status)),
        "model": {"kind": "network", "K": int(v.size), "v": v.tolist(), "slope": spec.slope},
        "final_loss": _stats(traj.loss[-1]),
        "n_classes": _stats(traj.arrays["n_classes"][-1]),
    }
    if gd:
        out["flips"] = _stats(traj.arrays["flips"][-1])
    t_min = fit_window(t)
    ok = [r for r in range(R) if str(traj.status[r]) == "ok"] or list(range(R))
    per_rep = [network_outcome(traj, X, y, replicate=r) for r in range(min(R, 64))]
    held: dict[str, int] = Counter()
    for o in per_rep:
        for k, val in o.conditions.items():
            held[k] += int(val)
    out["conditions_held"] = {k: f"{held[k]} of {len(per_rep)}" for k in per_rep[0].conditions}
    head = per_rep[ok[0]] if gd else network_outcome(traj, X, y, replicate=ok[0], of="mean_wbar")
    out["theorem_5"] = {
        "theorem": "5.1 (GD, w)" if gd else "5.2 (SGD, E[wbar])",
        "replicate": ok[0],
        "t_late": head.t_late,
        "conditions": head.conditions,
        "failed": head.failed,
        "holds": not head.failed,
        "classes": [_class_entry(c, t, gd, t_min) for c in head.classes],
    }
    if gd and R > 1:
        out["per_replicate"] = [
            {"failed": o.failed, "final_errors": [_num(c.final_error) for c in o.classes]} for o in per_rep
        ]
    out["rates"] = {"t_min": t_min}
    return out


def network_line(W: np.ndarray, v: np.ndarray, X: np.ndarray, y: np.ndarray, t: float, loss: float,
                 gd: bool) -> str:
    """A progress line of a network run: loss, active pattern classes and their worst direction error.

    ``W`` (d, K) is GD's iterate or SGD's E[wbar]; each class's effective
    weights w~_h are measured against its max-margin direction w^_h.
    """
    from fastbias import theory

    part = theory.partitions(W, X)
    errs = []
    for pattern, idx in zip(part.patterns, part.classes, strict=True):
        if not pattern.any():
            continue
        try:
            u = theory.max_margin(y[idx, None] * X[idx]).u
        except FastbiasError:
            errs.append(math.nan)
            continue
        errs.append(float(_error((pattern * v) @ W.T, u)))
    worst = max(errs) if errs and np.any(np.isfinite(errs)) else math.nan
    what = "w" if gd else "E[wbar]"
    name = "err/(lnln t/ln t)" if gd else "err^2*ln t"
    shared = " (classes share a unit)" if part.shared_unit else ""
    return (
        f"t = {t:<9.3g} L = {loss:<10.3e} {len(errs)} active classes{shared}, "
        f"max err({what}) = {worst:.3e}  {name} = {rate_ratio_network(t, worst, gd):.3f}"
    )
