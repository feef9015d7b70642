"""Figures: every run figure is written; a clear error without matplotlib."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import fastbias as fb
from fastbias import plot
from fastbias.datasets import example1, prop2
from fastbias.experiment.analysis import summarize
from fastbias.experiment.config import parse_config

PNG = b"\x89PNG\r\n\x1a\n"

CFG = """
[[run]]
name = "g"
algorithm = "gd"
n_iter = 1e4
eta = 0.5
inits = {{ count = 2, seed = 1, scale = 0.1, include_w0 = true }}
data = {{ dataset = "{ds}" }}
[[run]]
name = "s"
algorithm = "sgd"
n_iter = 1e4
replicates = 4
data = {{ dataset = "{ds}" }}
"""


def _summary(spec, traj, X, y):
    s = {
        "run": spec.name,
        "algorithm": spec.algorithm,
        "config": spec.to_dict(),
        "data": {"description": spec.data.describe()},
    }
    s.update(summarize(spec, traj, X, y))
    return s


@pytest.mark.parametrize("ds", ["example1", "prop2"])
def test_run_figures_are_written(tmp_path: Path, ds: str) -> None:
    pytest.importorskip("matplotlib")
    gd_spec, sgd_spec = parse_config(CFG.format(ds=ds)).runs
    X, y, w0 = example1() if ds == "example1" else prop2()
    W = np.vstack([w0, 0.1 * np.eye(2)])
    g = fb.gd(X, y, inits=W, eta=0.5, n_iter=10**4, checkpoints=5)
    s = fb.sgd(X, y, w0, n_iter=10**4, replicates=4, checkpoints=5)
    for spec, traj in ((gd_spec, g), (sgd_spec, s)):
        paths = plot.run_figures(traj, _summary(spec, traj, X, y), tmp_path / spec.name, X=X, y=y)
        assert [p.name for p in paths] == ["direction.png", "loss.png", "norm.png", "regions.png"]
        for p in paths:
            data = p.read_bytes()
            assert data[:8] == PNG and len(data) > 20_000


def test_claim_figures(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    X = np.array([[1.0, 0.2], [0.3, 1.0], [-1.0, 0.5]])
    y = np.array([1.0, 1.0, -1.0])
    p = plot.loss_limits_figure(tmp_path / "a.png", X, y, "regions")
    t = np.array([1, 10, 100, 1000])
    q = plot.line_figure(
        tmp_path / "b.png",
        "lines",
        [{"x": t, "y": 1 / np.log(t + 1), "label": "a", "band": (0.5 / np.log(t + 1), 2 / np.log(t + 1))}],
        hlines=[(0.1, "level")],
        note="a note",
    )
    assert p.read_bytes()[:8] == PNG and q.read_bytes()[:8] == PNG


def test_without_matplotlib_the_error_says_how_to_install(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import fails as if not installed
    with pytest.raises(plot.PlotUnavailable, match=r'pip install "fastbias\[plot\]"'):
        plot.line_figure(tmp_path / "x.png", "t", [])
    assert issubclass(plot.PlotUnavailable, ImportError)
