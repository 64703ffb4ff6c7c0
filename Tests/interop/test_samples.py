"""The samples: their recorded float metric is what our runtime measures, and the README's test
command is what CI runs."""
import json
import pathlib
import re

import numpy as np
import pytest

from qhelpers import SAMPLES, perplexity

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["digits-mlp", "digits-cnn", "tiny-lm"])
def test_recorded_metric_matches_our_runtime(abridge, name, tmp_path):
    meta = json.loads((SAMPLES / f"{name}.json").read_text())
    out = tmp_path / "out.npz"
    p = abridge("run", SAMPLES / f"{name}.onnx", "--inputs", SAMPLES / f"{name}.test.npz", "-o", out, "--quiet")
    assert p.returncode == 0, p.stderr
    y = np.load(out)[meta["output_key"]]
    labels = np.load(SAMPLES / f"{name}.test.npz")["labels"]
    recorded = meta["metric"]["value"]
    if meta["task"] == "lm":
        assert perplexity(y, labels) == pytest.approx(recorded, rel=1e-4)
    else:
        correct = int((y.argmax(-1) == labels).sum())
        assert abs(correct - round(recorded * len(labels))) <= 1, (correct, recorded * len(labels))


def test_samples_fit_the_size_cap():
    total = sum(f.stat().st_size for f in SAMPLES.iterdir() if f.is_file())
    assert total <= 10 * 1024 * 1024


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    m = re.search(r"Run all tests[^\n]*\n+```sh\n([^\n]+)\n```", readme)
    assert m, "README must show the test command in a sh block after 'Run all tests'"
    command = m.group(1).strip()
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert command in ci, f"{command!r} is not a line of .ci/run"
