"""``python -m fastbias``: GD on the paper's Example 1, with its checkpoint table.

Runs 10^8 GD iterations (ReLU, eta = 1) from the start of the paper's proof and
prints t, loss, ||w||, the direction error to x1/||x1|| and the region at each
decade. Options: ``--n-iter``, ``--eta``, ``--per-decade``.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from fastbias import gd
from fastbias.datasets import example1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fastbias", description=__doc__.splitlines()[0])
    parser.add_argument("--n-iter", type=float, default=1e8, help="GD iterations (default 1e8)")
    parser.add_argument("--eta", type=float, default=1.0, help="step size (default 1)")
    parser.add_argument("--per-decade", type=int, default=1, help="table rows per decade (default 1)")
    parser.add_argument("--progress", action="store_true", help="show a progress bar")
    args = parser.parse_args(argv)
    try:
        n_iter = int(args.n_iter)
        if n_iter != args.n_iter:
            raise ValueError(f"--n-iter must be a whole number, got {args.n_iter}")
        X, y, w0 = example1()
        traj = gd(X, y, w0, eta=args.eta, n_iter=n_iter, checkpoints=args.per_decade,
                  progress=args.progress)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    x1 = X[0] / np.linalg.norm(X[0])
    err = traj.direction_error(x1)[:, 0]
    regions = traj.region_names()[:, 0]
    print("GD on the paper's Example 1 (ReLU): x1 = (1, 0), x2 = (-0.5, 1) positive, "
          "x3 = (-1, -0.6) negative; w0 = (1, -0.2)")
    print(f"eta = {args.eta:g}; loss tends to n_-/n + 1/n = 2/3; direction to x1/||x1||\n")
    header = f"{'t':>12}  {'loss':>12}  {'||w||':>10}  {'dir. error':>11}  {'w.x2':>10}  region"
    print(header)
    print("-" * len(header))
    for c in range(traj.t.size):
        wx2 = float(traj.w[c, 0] @ X[1])
        print(f"{traj.t[c]:>12d}  {traj.loss[c, 0]:>12.9f}  {traj.norm[c, 0]:>10.4f}  "
              f"{err[c]:>11.3e}  {wx2:>10.4f}  {regions[c]}")
    m = traj.meta
    print(f"\nstatus: {traj.status[0]}; {m['ns_per_iteration']:.1f} ns per iteration, "
          f"{m['wall_seconds']:.2f} s wall (compile or cache load {m['compile_seconds']:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
