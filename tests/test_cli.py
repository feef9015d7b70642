"""The ``fastbias`` command, driven in subprocesses: run, Ctrl-C, SIGKILL, resume, extend, report.

Results are compared bit for bit with an uninterrupted run (every recorded
array of results.npz; timing fields aside). Nothing here asserts on time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]

# Long enough (a few seconds) that a signal lands in the middle of a run.
CONFIG = """\
name = "cli-test"
save_every = 0.05
checkpoints = 5
figures = false

[[run]]
name = "gd"
algorithm = "gd"
n_iter = {gd_iter}
eta = 0.3
data = {{ dataset = "example2" }}

[[run]]
name = "sgd"
algorithm = "sgd"
n_iter = {sgd_iter}
replicates = 8
seed = 5
data = {{ dataset = "prop2", n = 10, d = 2, seed = 3 }}
"""


def cli(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fastbias.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )


def start(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "fastbias.cli", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )


def wait_for(proc: subprocess.Popen, prefix: str) -> list[str]:
    """Read lines until one starts with ``prefix`` (the run has begun its compiled loop)."""
    seen = []
    assert proc.stdout is not None
    for line in proc.stdout:
        seen.append(line)
        if line.startswith(prefix):
            return seen
    raise AssertionError("process ended before " + repr(prefix) + ":\n" + "".join(seen))


def results(directory: Path) -> dict[str, dict[str, np.ndarray]]:
    out = {}
    for name in ("gd", "sgd"):
        with np.load(directory / name / "results.npz", allow_pickle=False) as f:
            out[name] = {k: f[k] for k in f.files if k != "header"}
    return out


def assert_bitwise_equal(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for run in a:
        assert a[run].keys() == b[run].keys(), run
        for k in a[run]:
            assert np.array_equal(a[run][k], b[run][k]), (run, k)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("cli")
    (d / "exp.toml").write_text(CONFIG.format(gd_iter="1.5e8", sgd_iter="3e6"))
    return d


@pytest.fixture(scope="module")
def reference(workdir: Path) -> dict:
    res = cli("run", "exp.toml", "--out", "ref", cwd=workdir)
    assert res.returncode == 0, res.stdout + res.stderr
    return results(workdir / "ref")


def test_run_writes_the_run_directory(workdir: Path, reference: dict) -> None:
    ref = workdir / "ref"
    for f in ("config.toml", "experiment.json", "log.txt", "summary.json"):
        assert (ref / f).is_file(), f
    assert (ref / "config.toml").read_text() == (workdir / "exp.toml").read_text()
    s = json.loads((ref / "gd" / "summary.json").read_text())
    for key in (
        "config",
        "versions",
        "machine",
        "timing",
        "status",
        "final_direction_errors",
        "rates",
        "theorem_4_2",
        "target",
        "data",
    ):
        assert key in s, key
    assert s["timing"]["ns_per_iteration"] > 0 and s["timing"]["state_saves"] >= 1
    assert s["theorem_4_2"]["outcomes"] == {"oscillating": 1}
    assert s["target"]["name"] == "constrained"
    fits = s["rates"]["direction"]["fits"]
    assert {f["rate"] for f in fits} == {"1/ln", "lnln/ln"}
    sg = json.loads((ref / "sgd" / "summary.json").read_text())
    assert sg["status"] == {"ok": 8} and "loss" in sg["rates"]
    log = (ref / "log.txt").read_text()
    assert "t = 1e+07" in log and "state saved at t" in log
    from fastbias import Trajectory

    traj = Trajectory.load(ref / "gd" / "results.npz")
    assert traj.t[-1] == 15 * 10**7


def test_ctrl_c_saves_and_resume_is_bitwise_equal(workdir: Path, reference: dict) -> None:
    proc = start("run", "exp.toml", "--out", "int", cwd=workdir)
    wait_for(proc, "[1/2]")
    time.sleep(float(np.random.default_rng(1).uniform(0.3, 1.5)))
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 130, out
    assert "fastbias resume int" in out  # the exact resume command
    assert "state saved" in out
    assert not (workdir / "int" / "gd" / "results.npz").exists()
    res = cli("resume", "int", cwd=workdir)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "resuming at t =" in res.stdout
    assert_bitwise_equal(results(workdir / "int"), reference)


def test_sigkill_at_random_moments_then_resume_is_bitwise_equal(workdir: Path, reference: dict) -> None:
    rng = np.random.default_rng(20260101)
    proc = start("run", "exp.toml", "--out", "kill", cwd=workdir)
    wait_for(proc, "[1/2]")
    time.sleep(float(rng.uniform(0.0, 1.5)))
    proc.kill()
    proc.communicate(timeout=60)  # also closes the pipe
    # Killed again while resuming, at another random moment (perhaps during a save).
    proc = start("resume", "kill", cwd=workdir)
    wait_for(proc, "[")
    time.sleep(float(rng.uniform(0.0, 2.0)))
    proc.kill()
    proc.communicate(timeout=60)  # also closes the pipe
    res = cli("resume", "kill", cwd=workdir)
    assert res.returncode == 0, res.stdout + res.stderr
    assert_bitwise_equal(results(workdir / "kill"), reference)


def test_truncated_state_falls_back_to_the_previous_good_state(workdir: Path, reference: dict) -> None:
    proc = start("run", "exp.toml", "--out", "trunc", cwd=workdir)
    wait_for(proc, "[1/2]")
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)  # handled like Ctrl-C: state saved, exit status 130
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 130, out
    assert "SIGTERM: stopping" in out
    run_dir = workdir / "trunc" / "gd"
    state = run_dir / "state.npz"
    assert (run_dir / "state.prev.npz").exists()
    data = state.read_bytes()
    state.write_bytes(data[: len(data) // 2])  # truncated
    res = cli("resume", "trunc", cwd=workdir)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "state.npz is truncated" in res.stdout and "from state.prev.npz" in res.stdout
    assert list(run_dir.glob("state.corrupt-*.npz"))  # kept aside for inspection
    assert_bitwise_equal(results(workdir / "trunc"), reference)


def test_extend_a_finished_run_equals_a_long_run_on_the_common_grid(tmp_path: Path) -> None:
    (tmp_path / "e.toml").write_text(CONFIG.format(gd_iter="3e4", sgd_iter="3e4"))
    assert cli("run", "e.toml", "--out", "short", cwd=tmp_path).returncode == 0
    res = cli("resume", "short", "--n-iter", "1e6", cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "extending from n_iter = 3e+04 to 1e+06" in res.stdout
    assert cli("run", "e.toml", "--out", "long", "--n-iter", "1e6", cwd=tmp_path).returncode == 0
    ext, long = results(tmp_path / "short"), results(tmp_path / "long")
    for run in ("gd", "sgd"):
        te, tl = ext[run]["t"], long[run]["t"]
        common = np.intersect1d(te, tl)
        assert 30_000 in te and 30_000 not in tl  # the short run's own end stays
        assert np.array_equal(common, tl)  # every checkpoint of the long run is in the extended one
        ia, ib = np.searchsorted(te, common), np.searchsorted(tl, common)
        for k in long[run]:
            if k.startswith("array_"):
                assert np.array_equal(ext[run][k][ia], long[run][k][ib]), (run, k)
    manifest = json.loads((tmp_path / "short" / "experiment.json").read_text())
    assert manifest["spec"]["runs"][0]["n_iter"] == 10**6
    # Shortening is refused, before any work.
    res = cli("resume", "short", "--n-iter", "1e5", cwd=tmp_path)
    assert res.returncode == 1 and "extended, not shortened" in res.stderr
    # Nothing left to do: says so.
    res = cli("resume", "short", cwd=tmp_path)
    assert res.returncode == 0 and "nothing to do" in res.stdout


def test_bad_config_exits_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(
        CONFIG.format(gd_iter="1e4", sgd_iter="1e4").replace("eta = 0.3", "etaa = 0.3")
    )
    res = cli("run", "bad.toml", "--out", "never", cwd=tmp_path)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "run[0].etaa: unknown key" in lines[0], res.stderr
    assert not (tmp_path / "never").exists()


def test_default_run_works_and_writes_figures(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    res = cli("run", "--n-iter", "2e3", "--out", "d", cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    d = tmp_path / "d"
    names = [r["name"] for r in json.loads((d / "experiment.json").read_text())["spec"]["runs"]]
    assert names == ["gd-prop2", "sgd-prop2", "gd-example1", "gd-example2"]
    for n in names:
        for fig in ("direction", "loss", "norm", "regions"):
            assert (d / n / "figures" / f"{fig}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "outcome" in res.stdout
    # report rebuilds summaries; several directories side by side.
    res2 = cli("report", "d", "d/gd-example1", "--no-figures", cwd=tmp_path)
    assert res2.returncode == 0, res2.stderr
    assert res2.stdout.count("gd-example1") == 2


def test_console_script_is_declared() -> None:
    from importlib.metadata import entry_points

    eps = [e for e in entry_points(group="console_scripts") if e.name == "fastbias"]
    if not eps:
        pytest.skip("fastbias installed without its console script (reinstall with pip install -e .)")
    assert eps[0].value == "fastbias.cli:main"


def test_bench_is_delegated() -> None:
    pytest.importorskip("fastbias.bench")
    from fastbias import cli as fcli

    assert fcli.main(["bench", "--help"]) == 0


NET_CONFIG = """\
name = "cli-net"
save_every = 0.05
checkpoints = 5
figures = true

[[run]]
name = "gd"
algorithm = "gd"
n_iter = 6e6
eta = 0.15
data = { dataset = "clusters" }
model = { v = [1.0, -1.0, 1.0] }

[[run]]
name = "sgd"
algorithm = "sgd"
n_iter = 1e6
replicates = 4
seed = 3
data = { dataset = "clusters" }
model = { v = [1.0, -1.0, 1.0] }
"""


def test_network_runs_interrupt_resume_and_report(tmp_path: Path) -> None:
    (tmp_path / "net.toml").write_text(NET_CONFIG)
    res = cli("run", "net.toml", "--out", "ref", cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "network, K = 3 units" in res.stdout and "3 active classes" in res.stdout
    s = json.loads((tmp_path / "ref" / "gd" / "summary.json").read_text())
    thm = s["theorem_5"]
    assert s["model"] == {"kind": "network", "K": 3, "v": [1.0, -1.0, 1.0], "slope": 0.0}
    assert thm["theorem"].startswith("5.1") and thm["holds"] and thm["failed"] == []
    assert sorted(c["samples"] for c in thm["classes"]) == [list(range(5 * k, 5 * k + 5)) for k in range(3)]
    assert all(c["labels"] == "single" and c["final_error"] < 0.01 for c in thm["classes"])
    assert {f["rate"] for f in thm["classes"][0]["fits"]} == {"lnln/ln", "1/ln"}
    sg = json.loads((tmp_path / "ref" / "sgd" / "summary.json").read_text())
    assert sg["theorem_5"]["theorem"].startswith("5.2") and sg["status"] == {"ok": 4}
    assert sg["conditions_held"]["patterns_fixed"].endswith("of 4")
    for run in ("gd", "sgd"):
        for fig in ("classes.png", "loss.png", "patterns.png"):
            assert (tmp_path / "ref" / run / "figures" / fig).stat().st_size > 10_000, (run, fig)
    reference = results(tmp_path / "ref")
    assert reference["gd"]["array_w"].shape[-2:] == (2, 3) and reference["gd"]["array_patterns"].shape[0] >= 1

    proc = start("run", "net.toml", "--out", "int", cwd=tmp_path)
    wait_for(proc, "[1/2]")
    time.sleep(float(np.random.default_rng(7).uniform(0.3, 1.0)))
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 130, out
    res = cli("resume", "int", cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "resuming at t =" in res.stdout
    assert_bitwise_equal(results(tmp_path / "int"), reference)
    rep = cli("report", "int", cwd=tmp_path)
    assert rep.returncode == 0, rep.stdout + rep.stderr
    assert "Thm 5.1: conditions hold" in rep.stdout and "Thm 5.2" in rep.stdout
