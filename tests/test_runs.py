"""Run state: interrupt anywhere, save, rebuild, resume -> bitwise the same; extending a finished run."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastbias.datasets import example2
from fastbias.loops.runs import GDRun, SGDRun, run_from_state
from fastbias.loops.schedule import log_schedule

XP = np.array([[1.0, 0.4], [0.7, 1.0], [1.5, 0.2], [-1.0, -0.6], [-0.3, -1.2]])
YP = np.array([1.0, 1.0, 1.0, -1.0, -1.0])
X2, Y2, W2 = example2()


def _gd(n_iter, per_decade=5):
    inits = np.stack([W2, [0.3, 0.2], [-0.2, -0.1]])
    times = np.concatenate(([0], log_schedule(n_iter, per_decade)))
    return GDRun(X2, Y2, inits, eta=0.3, slope=0.0, times=times, per_decade=per_decade, parallel=False)


def _sgd(n_iter, per_decade=5):
    return SGDRun(XP, YP, np.array([0.1, 0.2]), R=4, eta0=1.0, alpha=0.6, seed=3, slope=0.0,
                  times=np.concatenate(([0], log_schedule(n_iter, per_decade))), per_decade=per_decade)


class _Stop(Exception):
    pass


def _interrupted(make, n_iter, stop_after):
    """Run until `stop_after` chunk callbacks, as a Ctrl-C would stop it, and return the saved state."""
    run = make(n_iter)
    calls = {"n": 0}

    def on_chunk(_run):
        calls["n"] += 1
        if calls["n"] >= stop_after:
            raise KeyboardInterrupt

    run.run(chunk_seconds=1e-5, on_chunk=on_chunk)
    return run.interrupted, run.state_dict()


def _same(a, b):
    assert a.t.tolist() == b.t.tolist()
    assert list(a.status) == list(b.status) and np.array_equal(a.t_stop, b.t_stop)
    assert a.arrays.keys() == b.arrays.keys()
    for k in a.arrays:
        assert np.array_equal(a.arrays[k], b.arrays[k]), k


@settings(max_examples=15)
@given(st.sampled_from(["gd", "sgd"]), st.integers(1, 20))
def test_interrupt_save_resume_is_bitwise_equal(kind, stop_after):
    make, X, y = (_gd, X2, Y2) if kind == "gd" else (_sgd, XP, YP)
    n_iter = 30_000
    whole = make(n_iter).run().trajectory()
    interrupted, state = _interrupted(make, n_iter, stop_after)
    assert interrupted  # >= 24 callbacks (one per checkpoint after t = 0): stop_after <= 20 always fires
    # Round trip through plain arrays, as a state file would.
    state = {k: np.array(v) for k, v in state.items()}
    resumed = run_from_state(X, y, state)
    assert resumed.t == int(state["t"])
    resumed.run(chunk_seconds=1e-3)
    assert resumed.finished
    _same(whole, resumed.trajectory())


@pytest.mark.parametrize("kind", ["gd", "sgd"])
def test_extend_matches_a_long_run_on_the_common_grid(kind):
    make = _gd if kind == "gd" else _sgd
    short = make(12_345).run()
    short.extend(10**6)
    short.run()
    long = make(10**6).run().trajectory()
    ext = short.trajectory()
    common = np.intersect1d(ext.t, long.t)
    assert common.size >= 25 and common[-1] == 10**6
    ia, ib = np.searchsorted(ext.t, common), np.searchsorted(long.t, common)
    for k in long.arrays:
        assert np.array_equal(ext.arrays[k][ia], long.arrays[k][ib]), k
    assert 12_345 in ext.t  # the short run's own final point stays


def test_extend_rejects_shorter_end():
    run = _gd(1000).run()
    with pytest.raises(ValueError, match="n_iter must exceed the run's end 1000"):
        run.extend(1000)


def test_ctrl_c_during_a_record_is_held_until_it_is_complete():
    import os
    import signal

    class Interrupting(GDRun):
        def _record(self, c, t):
            if c == 2:
                os.kill(os.getpid(), signal.SIGINT)  # arrives in the middle of the record
            super()._record(c, t)

    inits = np.stack([W2, [0.3, 0.2]])
    times = np.concatenate(([0], log_schedule(1000, 5)))
    run = Interrupting(X2, Y2, inits, eta=0.3, slope=0.0, times=times, per_decade=5, parallel=False)
    run.run()
    assert run.interrupted and run.rows == 3  # row 2 was completed, then the interrupt honoured
    whole = GDRun(X2, Y2, inits, eta=0.3, slope=0.0, times=times, per_decade=5, parallel=False).run()
    for k in run.rec:
        assert np.array_equal(run.rec[k][:3], whole.rec[k][:3]), k
