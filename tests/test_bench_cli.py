"""``python -m fastbias.bench --quick --json PATH`` runs and writes a well-formed report.

Only the structure is checked: timings on shared machines are noise.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

WORKLOADS = {"gd example1", "gd n=1000 d=50", "sgd example1", "sgd example1 R=8 (1 thread)",
             "sgd n=1000 d=50 R=8 (1 thread)", "sgd n=1000 d=50", "gradient"}


def test_bench_quick_writes_json(tmp_path: Path) -> None:
    # --no-subprocess: the fresh-interpreter sections have their own tests below and in
    # test_processes.py (their cold compile is the slowest thing in the suite; paid once).
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, "-m", "fastbias.bench", "--quick", "--no-subprocess", "--json", str(out)],
        capture_output=True, text=True, timeout=900, check=False, env=dict(os.environ),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "targets (issue 6)" in proc.stdout
    report = json.loads(out.read_text())
    assert report["version"] == 1 and report["quick"] is True
    assert {"numba", "numpy", "cpu_count", "numba_threads"} <= set(report["environment"])
    assert {w["name"] for w in report["workloads"]} == WORKLOADS
    for w in report["workloads"]:
        res = w["results"]
        assert "fastbias" in res
        assert "numpy" in res or "R=8" in w["name"]
        if w["name"].startswith("sgd") and "R=8" not in w["name"]:
            assert "numpy-plain" in res
        for name, r in res.items():
            assert r["ns_per_unit"] > 0 and r["units_per_call"] >= 1
            assert len(r["seconds"]) == report["rounds"]
            if name != "fastbias":
                ratio = w["ratios"][f"fastbias/{name}"]
                assert math.isclose(ratio, res["fastbias"]["ns_per_unit"] / r["ns_per_unit"])
    # C baselines are there unless the report says why not.
    gd = next(w for w in report["workloads"] if w["name"] == "gd example1")
    for name in ("c", "c-fastmath"):
        assert name in gd["results"] or name in report["skipped"]
    assert "thread_scaling" not in report and "compile" not in report
    assert report["driver_overhead"]["checkpoints"] > 1
    # Time outside the stepper within one driver run: a ratio, non-negative. No upper bound: under
    # load (tests run in parallel) every checkpoint's parallel region waits for a busy core.
    assert 0.0 <= report["driver_overhead"]["in_run_overhead"] < math.inf
    for t in report["targets"]:
        assert {"target", "value", "op", "bound", "met"} <= set(t)
        assert t["met"] in (True, False, None)


def test_thread_scaling_report() -> None:
    from fastbias.bench import thread_scaling

    ts = thread_scaling(replicates=8, steps=2 * 10**4, alternations=1, runs=2)
    assert set(ts["ns_per_replicate_step"]) == {"1", "2"}
    assert ts["speedup_1_to_2"] > 0 and ts["ceiling"] > 0
    assert len(ts["seconds"]["1"]) == len(ts["seconds"]["2"]) == len(ts["seconds_two_processes"]) == 2
    assert 0 < ts["cpu_per_wall_2_threads"] <= 2.5


def test_bench_write_c(tmp_path: Path) -> None:
    from fastbias import _baselines
    from fastbias.bench import main

    path = tmp_path / "ref.c"
    assert main(["--write-c", str(path)]) == 0
    assert path.read_text() == _baselines.C_SOURCE
