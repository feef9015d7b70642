"""The README's Python examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_block_runs(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks may write files
    exec(compile(code, str(README), "exec"), {"__name__": "readme"})


def test_readme_has_examples():
    assert len(BLOCKS) >= 2


TOML_BLOCKS = re.findall(r"```toml\n(.*?)```", README.read_text(), flags=re.S)


@pytest.mark.parametrize("text", TOML_BLOCKS, ids=[f"toml{i}" for i in range(len(TOML_BLOCKS))])
def test_readme_config_snippets_are_valid(text):
    from fastbias.experiment import parse_config

    spec = parse_config(text)
    assert spec.runs, text


def test_readme_has_a_network_config():
    assert any("model = { v = " in t for t in TOML_BLOCKS)
