"""Behaviour across processes: thread-count invariance, the on-disk cache, the main job."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]

_RUN = textwrap.dedent(
    """
    import sys, numpy as np, numba, fastbias as fb
    rng = np.random.default_rng(0)
    X = np.array([[1.0, 0.4], [0.7, 1.0], [1.5, 0.2], [-1.0, -0.6], [-0.3, -1.2]])
    y = np.array([1.0, 1.0, 1.0, -1.0, -1.0])
    s = fb.sgd(X, y, np.array([0.1, 0.2]), n_iter=100_000, replicates=8, seed=4, checkpoints=5)
    n, d = 100_000, 3
    Xb = rng.normal(size=(n, d)); u = np.array([1.0, -0.5, 0.25])
    yb = np.where(Xb @ u > 0, 1.0, -1.0); Xb += 0.3 * yb[:, None] * u
    g = fb.gd(Xb, yb, 0.01 * np.ones(d), eta=0.2, n_iter=40, checkpoints=3)
    inits = rng.normal(size=(6, 2))
    gi = fb.gd(X, y, inits=inits, eta=0.5, n_iter=20_000, checkpoints=3)
    assert g.meta["args"]["parallel"]
    out = {f"sgd_{k}": v for k, v in s.arrays.items()}
    out.update({f"gd_{k}": v for k, v in g.arrays.items()})
    out.update({f"gdi_{k}": v for k, v in gi.arrays.items()})
    out["threads"] = np.array(numba.get_num_threads())
    np.savez(sys.argv[1], **out)
    """
)


def _run(tmp_path: Path, threads: int) -> dict[str, np.ndarray]:
    script = tmp_path / "run.py"
    script.write_text(_RUN)
    out = tmp_path / f"out{threads}.npz"
    env = dict(os.environ, NUMBA_NUM_THREADS=str(threads))
    subprocess.run([sys.executable, str(script), str(out)], check=True, env=env, cwd=ROOT, timeout=600)
    with np.load(out) as f:
        return {k: f[k] for k in f.files}


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs 2 cores to run 2 threads")
def test_results_identical_on_one_and_two_threads(tmp_path):
    one, two = _run(tmp_path, 1), _run(tmp_path, 2)
    assert int(one.pop("threads")) == 1 and int(two.pop("threads")) == 2
    assert one.keys() == two.keys()
    for key in one:
        assert np.array_equal(one[key], two[key]), key


def test_second_process_loads_the_cache():
    # fastbias.bench's compile-time measurement: a fresh interpreter with an empty numba cache,
    # then a second one on the cache it filled. The second compiles nothing.
    from fastbias.bench import compile_times

    report = compile_times()
    first, second = report["cache"]["cold"], report["cache"]["warm"]
    assert set(first) == {"gd_advance", "sgd_advance", "loss"}
    assert all(miss >= 1 for _, miss in first.values()), first
    assert all(hit >= 1 and miss == 0 for hit, miss in second.values()), second
    assert {"import", "first_gd", "first_sgd"} <= set(report["cold"]) and report["warm_total"] > 0


def test_main_job_prints_the_table():
    res = subprocess.run([sys.executable, "-m", "fastbias", "--n-iter", "1e5"], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=600)
    lines = res.stdout.splitlines()
    rows = [ln.split() for ln in lines if ln.strip() and ln.split()[0].isdigit()]
    assert [int(r[0]) for r in rows] == [0, 1, 10, 100, 1000, 10_000, 100_000]
    errors = [float(r[3]) for r in rows]
    assert np.all(np.diff(errors) < 0)
    assert all(r[5] == "local" for r in rows)
    assert "status: ok" in res.stdout


def test_main_job_rejects_bad_option():
    res = subprocess.run([sys.executable, "-m", "fastbias", "--eta", "-1"], cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert res.returncode == 2 and "eta must be > 0" in res.stderr


_INTERRUPT = textwrap.dedent(
    """
    import sys, time, warnings, numpy as np, fastbias as fb
    from fastbias.datasets import example1
    X, y, w0 = example1()
    fb.gd(X, y, w0, eta=1.0, n_iter=10)  # compile or load the cache first
    print("ready", flush=True)
    tic = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tr = fb.gd(X, y, w0, eta=1.0, n_iter=10**12, checkpoints=1, chunk_seconds=0.2)
    print("returned_after", time.perf_counter() - tic, flush=True)
    tr.save(sys.argv[1])
    print("warned", any("interrupted" in str(w.message) for w in caught), flush=True)
    """
)


def test_ctrl_c_returns_what_was_computed(tmp_path):
    import signal
    import time

    from fastbias import Trajectory

    out = tmp_path / "partial.npz"
    proc = subprocess.Popen([sys.executable, "-c", _INTERRUPT, str(out)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(2.0)
    sent = time.perf_counter()
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=60)
    waited = time.perf_counter() - sent
    assert proc.returncode == 0, rest
    assert "warned True" in rest
    assert waited < 30  # the loop returns to Python about every chunk_seconds
    tr = Trajectory.load(out)
    assert tr.meta["interrupted"]
    assert tr.t[-1] > 10**6 and tr.t[-1] < 10**12  # the state when interrupted is kept
    assert np.all(np.diff(tr.t) > 0)
    assert np.all(np.isfinite(tr.loss))


def test_cache_stamp_covers_the_whole_package(tmp_path):
    """An edit to any fastbias module invalidates every cached function (kernels are inlined across files)."""
    import fastbias
    from fastbias._jit import package_stamp
    from fastbias.kernels import neuron
    from fastbias.loops import steppers

    pkg = Path(fastbias.__file__).parent
    stamp = package_stamp()
    # Every cached fastbias dispatcher, loops and kernels alike, carries the package stamp.
    for f in (steppers.gd_advance, steppers.sgd_advance, neuron.loss, neuron.row_dot):
        assert f._cache._impl.locator.get_source_stamp() == stamp, f
    # The stamp follows any file's content (a copy of two modules stands in for the package).
    for name in ("kernels/neuron.py", "loops/steppers.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes((pkg / name).read_bytes())
    before = package_stamp(tmp_path)
    assert package_stamp(tmp_path) == before
    p = tmp_path / "kernels/neuron.py"
    p.write_text(p.read_text() + "\n# edited\n")
    assert package_stamp(tmp_path) != before
