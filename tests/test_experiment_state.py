"""State files: atomic saves, checksums, truncation and corruption, the kept previous good state."""

from __future__ import annotations

import numpy as np
import pytest

from fastbias.datasets import example2
from fastbias.experiment.state import PREV, STATE, TMP, StateError, load_state, read_state_file, save_state
from fastbias.loops.runs import GDRun, run_from_state
from fastbias.loops.schedule import log_schedule

X, Y, W0 = example2()


def _run(n_iter: int = 5000) -> GDRun:
    times = np.concatenate(([0], log_schedule(n_iter, 5)))
    return GDRun(X, Y, W0[None, :], eta=0.3, slope=0.0, times=times, per_decade=5, parallel=False)


def _state_at(stop_rows: int) -> dict[str, np.ndarray]:
    run = _run()

    def stop(r):
        if r.rows >= stop_rows:
            raise KeyboardInterrupt

    run.run(chunk_seconds=1e-4, on_chunk=stop)
    return run.state_dict()


def test_round_trip_and_rotation(tmp_path) -> None:
    a, b = _state_at(5), _state_at(10)
    save_state(tmp_path, a, {"n": 1})
    save_state(tmp_path, b, {"n": 2})
    assert (tmp_path / STATE).exists() and (tmp_path / PREV).exists() and not (tmp_path / TMP).exists()
    got, meta = read_state_file(tmp_path / STATE)
    assert meta["n"] == 2 and got.keys() == b.keys()
    assert all(np.array_equal(got[k], b[k]) for k in b)
    prev, _ = read_state_file(tmp_path / PREV)
    assert int(prev["rows"]) == int(a["rows"])
    loaded = load_state(tmp_path)
    assert loaded.source == STATE and loaded.current_good and not loaded.messages
    # The state rebuilds a run that finishes exactly like one never interrupted.
    whole = _run().run().trajectory()
    resumed = run_from_state(X, Y, loaded.state).run().trajectory()
    assert all(np.array_equal(whole.arrays[k], resumed.arrays[k]) for k in whole.arrays)


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_corrupt_latest_state_falls_back_and_keeps_the_previous(tmp_path, damage: str) -> None:
    a, b = _state_at(5), _state_at(10)
    save_state(tmp_path, a, {})
    save_state(tmp_path, b, {})
    p = tmp_path / STATE
    data = bytearray(p.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 3]
    elif damage == "flip":
        # Flip a bit inside a stored array (members are stored uncompressed).
        payload = b["rec_w"].tobytes()
        i = data.find(payload)
        assert i > 0
        data[i + len(payload) // 2] ^= 0x01
    elif damage == "garbage":
        data = bytearray(b"not a state file at all")
    else:
        data = bytearray()
    p.write_bytes(bytes(data))
    with pytest.raises(StateError):
        read_state_file(p)
    loaded = load_state(tmp_path)
    assert loaded.source == PREV and int(loaded.state["rows"]) == int(a["rows"])
    assert any("state.npz" in m for m in loaded.messages) and any("resuming" in m for m in loaded.messages)
    assert not loaded.current_good and not p.exists()
    assert len(list(tmp_path.glob("state.corrupt-*.npz"))) == 1
    # The next save must not rotate anything over the previous good state.
    c = _state_at(12)
    save_state(tmp_path, c, {}, rotate=loaded.current_good)
    assert int(read_state_file(tmp_path / PREV)[0]["rows"]) == int(a["rows"])
    assert int(read_state_file(tmp_path / STATE)[0]["rows"]) == int(c["rows"])


def test_checksum_mismatch_is_detected(tmp_path) -> None:
    # Rewrite a member consistently (valid zip, valid CRC): only the sha256 can tell.
    a = _state_at(5)
    save_state(tmp_path, a, {})
    arrays = dict(np.load(tmp_path / STATE, allow_pickle=False))
    arrays["state_W"] = arrays["state_W"] + 1.0
    np.savez(tmp_path / STATE, **arrays)
    with pytest.raises(StateError, match="fails its checksum"):
        read_state_file(tmp_path / STATE)


def test_interrupted_save_leaves_a_usable_state(tmp_path) -> None:
    a, b = _state_at(5), _state_at(10)
    save_state(tmp_path, a, {})
    # A crash between "write and fsync the temporary file" and the renames:
    (tmp_path / "other").mkdir()
    save_state(tmp_path / "other", b, {})
    (tmp_path / "other" / STATE).rename(tmp_path / TMP)
    loaded = load_state(tmp_path)
    assert loaded.source == STATE and int(loaded.state["rows"]) == int(b["rows"])  # the newer one wins
    assert int(read_state_file(tmp_path / PREV)[0]["rows"]) == int(a["rows"])
    assert not (tmp_path / TMP).exists()
    # A partial temporary file is ignored.
    (tmp_path / TMP).write_bytes(b"PK\x03\x04partial")
    assert load_state(tmp_path).source == STATE


def test_no_good_state_is_an_error_and_no_state_starts_fresh(tmp_path) -> None:
    assert load_state(tmp_path).state is None
    (tmp_path / STATE).write_bytes(b"junk")
    (tmp_path / PREV).write_bytes(b"junk")
    with pytest.raises(StateError, match="no good state left"):
        load_state(tmp_path)
