"""Round trip: abridge convert (load + save) gives a ModelProto equal to the input.

Corpora: the onnx 1.23.2 package's test models (light, simple, pytorch-converted,
pytorch-operator), every conformance case model under ../shared/conformance/node, and the samples.
Oracle: the Python onnx package (ModelProto equality, onnx.checker with full_check).
"""
import pathlib
import subprocess

import onnx
import pytest

from conftest import conformance_models, onnx_test_data_models, sample_models, abridge_binary

CORPUS = onnx_test_data_models() + conformance_models() + sample_models()


def _id(p: pathlib.Path) -> str:
    return f"{p.parent.parent.name}/{p.parent.name}/{p.name}"


def _checker_passes(model) -> bool:
    try:
        onnx.checker.check_model(model, full_check=True)
        return True
    except Exception:
        return False


def test_corpus_is_present():
    # The suite must not pass vacuously: the onnx wheel ships 149 models and shared/ 1,884 cases.
    assert len(onnx_test_data_models()) >= 149
    assert len(conformance_models()) >= 1800, "../shared/conformance/node is missing"


# Round-tripping one model per process start is the slow part; batch many models per test.
BATCH = 64
BATCHES = [CORPUS[i:i + BATCH] for i in range(0, len(CORPUS), BATCH)]


@pytest.mark.parametrize("batch", BATCHES, ids=[f"{_id(b[0])}+{len(b)}" for b in BATCHES])
def test_roundtrip_equal(batch, tmp_path):
    binary = abridge_binary()
    failures = []
    for i, path in enumerate(batch):
        out = tmp_path / f"m{i}.onnx"
        p = subprocess.run([binary, "convert", str(path), "-o", str(out), "--quiet"], capture_output=True, text=True)
        if p.returncode != 0:
            failures.append(f"{path}: exit {p.returncode}: {p.stderr.strip()}")
            continue
        original = onnx.load(str(path))
        converted = onnx.load(str(out))
        if original != converted:
            failures.append(f"{path}: ModelProto differs after round trip")
            continue
        if _checker_passes(original) and not _checker_passes(converted):
            failures.append(f"{path}: onnx.checker passes on the input but not on the output")
    assert not failures, "\n".join(failures)
