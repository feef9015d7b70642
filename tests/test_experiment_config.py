"""Config validation (one line naming the key and the problem), run directories, init-config."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from fastbias import cli
from fastbias.experiment import DEFAULT_CONFIG, ConfigError, load_config, parse_config
from fastbias.experiment.config import build_data, starts

GOOD = """\
name = "t"
save_every = 5
checkpoints = 2
figures = false

[[run]]
name = "a"
algorithm = "gd"
n_iter = 1000
eta = 0.5
data = { dataset = "example1" }

[[run]]
algorithm = "sgd"
n_iter = 1e3
replicates = 2
data = { dataset = "prop2", n = 6, d = 3, seed = 2 }
model = { slope = 0.0 }
"""


def test_good_config_defaults_and_round_trip() -> None:
    spec = parse_config(GOOD)
    assert [r.name for r in spec.runs] == ["a", "sgd-prop2"]
    a, b = spec.runs
    assert a.eta == 0.5 and a.checkpoints == 2 and a.target == "auto" and a.inits is None
    assert b.n_iter == 1000 and isinstance(b.n_iter, int) and b.eta0 == 1.0 and b.alpha == 0.6
    assert b.data.params == {"n": 6, "d": 3, "seed": 2}
    assert type(spec).from_dict(json.loads(json.dumps(spec.to_dict()))) == spec


def test_default_config_is_the_headline_experiment() -> None:
    spec, text = load_config(None)
    assert text == DEFAULT_CONFIG
    assert [(r.name, r.algorithm, r.n_iter) for r in spec.runs] == [
        ("gd-prop2", "gd", 10**8),
        ("sgd-prop2", "sgd", 10**8),
        ("gd-example1", "gd", 10**8),
        ("gd-example2", "gd", 10**8),
    ]
    gd = spec.runs[0]
    X, _, w0 = build_data(gd.data)
    W = starts(gd, X, w0)
    assert W.shape == (4, 2) and np.array_equal(W[0], w0)
    np.testing.assert_allclose(np.linalg.norm(W[1:], axis=1), 0.1)


def _variant(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


BAD = [
    # (config text, key named, words of the problem)
    (_variant("eta = 0.5", "etaa = 0.5"), "run[0].etaa", "unknown key"),
    (_variant("figures = false", "figures = false\nbogus = 1"), "bogus", "unknown key"),
    (_variant("eta = 0.5", "eta = 0.5\neta0 = 1.0"), "run[0].eta0", "only applies to algorithm = 'sgd'"),
    (
        _variant('data = { dataset = "example1" }', 'data = { dataset = "example1", n = 3 }'),
        "run[0].data.n",
        "unknown key",
    ),
    (_variant("eta = 0.5", 'eta = "fast"'), "run[0].eta", "must be a number, got a string"),
    (_variant("n_iter = 1000", "n_iter = 10.5"), "run[0].n_iter", "whole number"),
    (_variant("n_iter = 1000", "n_iter = true"), "run[0].n_iter", "must be an integer"),
    (_variant("replicates = 2", "replicates = [2]"), "run[1].replicates", "must be an integer"),
    (_variant("figures = false", 'figures = "no"'), "figures", "true or false"),
    (
        _variant('data = { dataset = "example1" }', 'data = { dataset = "file", path = "nope.npz" }'),
        "run[0].data.path",
        "does not exist",
    ),
    (_variant("eta = 0.5", "eta = -0.5"), "run[0].eta", "must be > 0"),
    (_variant("n_iter = 1000", "n_iter = 0"), "run[0].n_iter", "must be >= 1"),
    (_variant("model = { slope = 0.0 }", "model = { slope = 2.0 }"), "run[1].model.slope", "[0, 1]"),
    (_variant("replicates = 2", "replicates = 2\nalpha = 1.5"), "run[1].alpha", "[0, 1)"),
    (_variant("save_every = 5", "save_every = 0"), "save_every", "must be > 0"),
    (_variant("n = 6, d = 3", "n = 1, d = 3"), "run[1].data.n", "must be >= 2"),
    (
        _variant('data = { dataset = "example1" }', 'data = { dataset = "mnist" }'),
        "run[0].data.dataset",
        "must be one of",
    ),
    (_variant("eta = 0.5", "eta = 0.5\nw0 = [1.0, 2.0, 3.0]"), "run[0].w0", "has length 3"),
    (_variant("eta = 0.5", "eta = 0.5\nw0 = [-1000.0, 0.0]"), "run[0].w0", "overflows"),
    (_variant('name = "a"', 'name = "a/b"'), "run[0].name", "directory name"),
    (_variant('name = "a"', 'name = "sgd-prop2"'), "run[1].name", "unique"),
    (_variant("eta = 0.5", ""), "run[0].eta", "missing"),
    (_variant('algorithm = "gd"', 'algorithm = "adam"'), "run[0].algorithm", "must be one of gd, sgd"),
    (_variant("eta = 0.5", 'eta = 0.5\ntarget = "leaky"'), "run[0].target", "needs 0 < model.slope < 1"),
    (_variant("eta = 0.5", "eta = 0.5\ninits = { count = 0 }"), "run[0].inits.count", "must be >= 1"),
    (_variant("eta = 0.5", "eta = 0.5\nslope = 0.3"), "run[0].slope", "[run.model]"),
    ('name = "x"\n', "run", "missing"),
    ('name = "x"\n[[run]\n', "", "not valid TOML"),
]


@pytest.mark.parametrize(
    "text, key, problem", BAD, ids=[f"{k or 'toml'}-{i}" for i, (_, k, _) in enumerate(BAD)]
)
def test_bad_config_names_the_key_and_the_problem(text: str, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    assert info.value.key == key
    assert problem in info.value.problem
    assert "\n" not in str(info.value)


def test_cli_bad_config_is_one_line_and_creates_nothing(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("c.toml").write_text(_variant("eta = 0.5", "eta = -1"))
    assert cli.main(["run", "c.toml", "--out", "x"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "c.toml: run[0].eta: must be > 0" in err[0]
    assert not Path("x").exists() and not Path("runs").exists()
    assert cli.main(["run", "missing.toml"]) == 2
    assert "config file 'missing.toml' does not exist" in capsys.readouterr().err


def test_user_file_data_is_copied_and_checked(tmp_path: Path, capsys, monkeypatch) -> None:
    from fastbias.datasets import separable

    monkeypatch.chdir(tmp_path)
    X, y, w0 = separable(12, 2, seed=3)
    np.savez(tmp_path / "mine.npz", X=X, y=y)
    Path("u.toml").write_text(f"""
figures = false
[[run]]
algorithm = "gd"
n_iter = 200
eta = 0.1
w0 = [{float(w0[0])!r}, {float(w0[1])!r}]
data = {{ dataset = "file", path = "mine.npz" }}
model = {{ slope = 1.0 }}
""")
    assert cli.main(["run", "u.toml", "--out", "u"]) == 0
    assert (tmp_path / "u" / "gd-file" / "data.npz").exists()
    s = json.loads((tmp_path / "u" / "gd-file" / "summary.json").read_text())
    assert s["target"]["name"] == "linear" and s["data"]["n"] == 12
    # The original may change or vanish: resuming uses the copy.
    (tmp_path / "mine.npz").unlink()
    assert cli.main(["resume", "u", "--n-iter", "400"]) == 0
    # A damaged copy is refused.
    with np.load(tmp_path / "u" / "gd-file" / "data.npz") as f:
        np.savez(tmp_path / "u" / "gd-file" / "data.npz", X=f["X"] * 2, y=f["y"])
    capsys.readouterr()
    assert cli.main(["resume", "u", "--n-iter", "800"]) == 1
    assert "differ from those it started with" in capsys.readouterr().err


def test_existing_run_directory_needs_force(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("c.toml").write_text(GOOD)
    assert cli.main(["run", "c.toml", "--out", "r"]) == 0
    before = (tmp_path / "r" / "a" / "results.npz").read_bytes()
    capsys.readouterr()
    assert cli.main(["run", "c.toml", "--out", "r", "--n-iter", "50"]) == 2
    assert "already exists: pass --force" in capsys.readouterr().err
    assert (tmp_path / "r" / "a" / "results.npz").read_bytes() == before
    assert cli.main(["run", "c.toml", "--out", "r", "--n-iter", "50", "--force"]) == 0
    assert json.loads((tmp_path / "r" / "a" / "summary.json").read_text())["t_end"] == 50
    # --force never removes a directory that is not a run directory.
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "precious.txt").write_text("keep")
    capsys.readouterr()
    assert cli.main(["run", "c.toml", "--out", "other", "--force"]) == 2
    assert "not a fastbias run directory" in capsys.readouterr().err
    assert (tmp_path / "other" / "precious.txt").read_text() == "keep"


def test_report_table_and_unfinished_runs(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("c.toml").write_text(GOOD)
    assert cli.main(["run", "c.toml", "--out", "r1"]) == 0
    assert cli.main(["run", "c.toml", "--out", "r2", "--n-iter", "3000"]) == 0
    (tmp_path / "r2" / "a" / "results.npz").unlink()  # as if stopped before its end: reported from its state
    capsys.readouterr()
    assert cli.main(["report", "r1", "r2", "--no-figures"]) == 0
    out = capsys.readouterr().out
    rows = [ln for ln in out.splitlines() if ln.startswith(("a ", "sgd-prop2 "))]
    assert [r.split()[1] for r in rows] == ["r1", "r2", "r1", "r2"]  # same runs side by side
    assert cli.main(["report", "nowhere"]) == 1


def test_init_config(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["init-config"]) == 0
    text = Path("fastbias.toml").read_text()
    assert text == DEFAULT_CONFIG and text.count("\n#") > 5
    assert parse_config(text).runs[0].name == "gd-prop2"
    assert cli.main(["init-config"]) == 2  # never overwritten silently
    assert cli.main(["init-config", "-"]) == 0
    assert "[[run]]" in capsys.readouterr().out


def test_usage_errors() -> None:
    assert cli.main([]) == 2
    assert cli.main(["run", "--n-iter", "1.5"]) == 2
    assert cli.main(["frobnicate"]) == 2


def test_a_directory_in_use_is_refused(tmp_path: Path, capsys, monkeypatch) -> None:
    from fastbias.experiment.runner import DirectoryLock

    monkeypatch.chdir(tmp_path)
    Path("c.toml").write_text(GOOD)
    assert cli.main(["run", "c.toml", "--out", "r", "--n-iter", "100"]) == 0
    capsys.readouterr()
    with DirectoryLock(tmp_path / "r"):  # as if another process were running it
        assert cli.main(["resume", "r", "--n-iter", "200"]) == 1
    assert "in use by another fastbias process" in capsys.readouterr().err
    assert cli.main(["resume", "r", "--n-iter", "200"]) == 0


# ---------------------------------------------------------------------- network configs
NET = """\
name = "net"
figures = false

[[run]]
name = "gd-net"
algorithm = "gd"
n_iter = 100
eta = 0.15
data = { dataset = "clusters" }
model = { v = [1.0, -1.0, 1.0] }

[[run]]
name = "gd-net-random"
algorithm = "gd"
n_iter = 100
eta = 0.15
data = { dataset = "example1" }
model = { v = [1.0, -1.0], slope = 0.2 }
inits = { count = 3, seed = 4, scale = 0.5 }

[[run]]
name = "sgd-k1"
algorithm = "sgd"
n_iter = 100
replicates = 2
data = { dataset = "example1" }
model = { v = [1.0] }
"""


def _net_variant(old: str, new: str) -> str:
    assert old in NET
    return NET.replace(old, new, 1)


def test_network_config_starts_and_round_trip() -> None:
    from fastbias import datasets

    spec = parse_config(NET)
    a, b, c = spec.runs
    assert a.network and a.v == [1.0, -1.0, 1.0] and a.shape(2) == (2, 3)
    X, _, w0 = build_data(a.data)
    # the dataset's (d, K) start
    np.testing.assert_array_equal(starts(a, X, w0), datasets.clusters()[2][None])
    X, _, w0 = build_data(b.data)
    W = starts(b, X, w0)
    assert W.shape == (3, 2, 2)  # random (d, K) starts: every unit's column has norm `scale`
    np.testing.assert_allclose(np.linalg.norm(W, axis=1), 0.5)
    X, _, w0 = build_data(c.data)
    np.testing.assert_array_equal(starts(c, X, w0), w0.reshape(1, 2, 1))  # a (d,) start serves K = 1
    assert not parse_config(GOOD).runs[0].network
    assert type(spec).from_dict(json.loads(json.dumps(spec.to_dict()))) == spec
    # explicit starts: d rows of K numbers
    W0 = [[0.1, 0.0, -0.1], [0.0, 0.2, 0.1]]
    s = parse_config(_net_variant("eta = 0.15", f"eta = 0.15\nw0 = {W0}")).runs[0]
    np.testing.assert_array_equal(starts(s, X, None), np.array(W0)[None])
    s = parse_config(_net_variant("eta = 0.15", f"eta = 0.15\ninits = [{W0}, {W0}]")).runs[0]
    assert starts(s, X, None).shape == (2, 2, 3)


NET_BAD = [
    (_net_variant("v = [1.0, -1.0, 1.0]", "v = [1.0, 0.0, 1.0]"), "run[0].model.v[1]", "non-zero"),
    (_net_variant("v = [1.0, -1.0, 1.0]", "v = []"), "run[0].model.v", "non-empty array"),
    (_net_variant("v = [1.0, -1.0, 1.0]", 'v = ["a"]'), "run[0].model.v[0]", "must be a number"),
    (_net_variant("eta = 0.15", "eta = 0.15\nw0 = [0.1, 0.2]"), "run[0].w0", "2 rows of 3 numbers"),
    (_net_variant("eta = 0.15", "eta = 0.15\nw0 = [[0.1, 0.2], [0.1, 0.2]]"), "run[0].w0[0]", "K = 3"),
    (_net_variant("eta = 0.15", "eta = 0.15\ninits = [[0.1, 0.2]]"), "run[0].inits[0]", "2 rows of 3"),
    (_net_variant("eta = 0.15", 'eta = 0.15\ntarget = "global"'), "run[0].target", "does not apply"),
    (_net_variant("eta = 0.15", "eta = 0.15\ntargets = { a = [1, 0] }"), "run[0].targets", "does not apply"),
    (_net_variant("eta = 0.15", "eta = 0.15\nw0 = [[-3000.0, 0, 0], [0, 0, 0]]"), "run[0].w0", "overflows"),
    # a start of the wrong shape for the model is not used: the message says why
    (_net_variant('model = { v = [1.0, -1.0, 1.0] }\n', ""), "run[0].w0", "has shape (2, 3)"),
    (_net_variant('model = { v = [1.0] }', "model = { v = [1.0, -1.0] }"), "run[2].w0", "has shape (2,)"),
    (_net_variant('data = { dataset = "clusters" }', 'data = { dataset = "clusters", scale = 0 }'),
     "run[0].data.scale", "must be > 0"),
]


@pytest.mark.parametrize("text, key, problem", NET_BAD, ids=[k for _, k, _ in NET_BAD])
def test_bad_network_config_names_the_key_and_the_problem(text: str, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    assert info.value.key == key, str(info.value)
    assert problem in info.value.problem, str(info.value)
    assert "\n" not in str(info.value)
