"""``fastbias reproduce``: the claims table, verdicts and exit status."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from fastbias.experiment import reproduce as rp


def test_selected_claims_hold_and_write_tables(tmp_path: Path, capsys) -> None:
    assert rp.reproduce(tmp_path / "r", quick=True, only=["C4", "C5", "C8"], progress=False) == 0
    out = capsys.readouterr().out
    assert "3 hold, 0 fail, 0 inconclusive" in out
    for col in ("paper:", "criterion:", "measured:"):
        assert out.count(col) == 3
    data = json.loads((tmp_path / "r" / "claims.json").read_text())
    assert [c["verdict"] for c in data["claims"]] == ["holds"] * 3
    assert (tmp_path / "r" / "claims.md").read_text().startswith("| # | claim | paper says |")


def test_a_failing_claim_fails_the_command_and_inconclusive_does_not(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    claims = [
        rp.Claim("X1", "always fails", "p", "c", lambda ctx: rp.Result(rp.FAILS, "m")),
        rp.Claim("X2", "cannot tell", "p", "c", lambda ctx: rp.Result(rp.INCONCLUSIVE, "m")),
        rp.Claim("X3", "crashes", "p", "c", lambda ctx: 1 / 0),
    ]
    monkeypatch.setattr(rp, "CLAIMS", claims)
    assert rp.reproduce(tmp_path / "a", only=["X2"], progress=False) == 0
    assert rp.reproduce(tmp_path / "b", only=["X1", "X2"], progress=False) == 1
    assert rp.reproduce(tmp_path / "c", only=["X3"], progress=False) == 1
    assert "ZeroDivisionError" in capsys.readouterr().out
    with pytest.raises(rp.ExperimentError, match="unknown claim"):
        rp.reproduce(tmp_path / "d", only=["X9"], progress=False)
    with pytest.raises(rp.ExperimentError, match="already exists"):
        rp.reproduce(tmp_path / "a", only=["X2"], progress=False)


def test_departures_are_stated_plainly() -> None:
    by_id = {c.id: c for c in rp.CLAIMS}
    assert "does not converge" in by_id["C6"].departs and "constrained" in by_id["C6"].departs
    assert "does not list" in by_id["C7"].departs


@pytest.mark.slow  # 16-30 s; slow only to keep the default test run short
def test_reproduce_quick_passes_every_claim(tmp_path: Path) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "fastbias.cli", "reproduce", "--quick", "--out", "q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    n = len(rp.CLAIMS)
    assert f"{n} hold, 0 fail, 0 inconclusive" in res.stdout
    assert "Where the measurements depart from the paper's text" in res.stdout
    figs = list((tmp_path / "q" / "figures").glob("*.png"))
    if importlib.util.find_spec("matplotlib") is not None:
        assert len(figs) >= 10
    else:
        assert figs == []
