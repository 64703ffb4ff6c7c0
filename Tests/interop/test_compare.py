"""`abridge compare` against independent oracles (issue 6).

A module fixture quantizes the samples once (digits-mlp with default settings, digits-mlp with a
lossy percentile calibration, digits-cnn when the runtime has its ops). The tests then check:
  - the --json report validates against schemas/compare-report.schema.json (jsonschema, draft
    2020-12) and its accuracies equal onnxruntime's on the same data (within one sample);
  - --max-drop exits 1 exactly when the loss exceeds the bound (and 0 otherwise);
  - --html writes one page with no http reference (no network needed);
  - --per-layer lists only tensor names produced by nodes of both models, and all of the float
    ones;
  - bad input (models that do not match, a missing labels key) fails with one clear error;
  - --runtime onnxruntime takes the timings there and says so.
Timing runs are kept to a handful (--runs 2) so the module runs in seconds.
"""
import json
import pathlib

import jsonschema
import numpy as np
import onnx
import onnxruntime as ort
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
SCHEMA = json.loads((ROOT / "schemas" / "compare-report.schema.json").read_text())
FAST = ("--runs", "2", "--batch", "4")


def ort_accuracy(model, data):
    """Top-1 accuracy (argmax over the last axis) computed by onnxruntime on all samples."""
    d = np.load(data)
    s = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    feeds = {i.name: d[i.name] for i in s.get_inputs()}
    out = s.run(None, feeds)[0]
    return float((out.argmax(-1) == d["labels"]).mean()), len(d["labels"])


def produced_names(model):
    g = onnx.load(str(model)).graph
    return {o for n in g.node for o in n.output if o}


@pytest.fixture(scope="module")
def quantized(abridge, tmp_path_factory):
    """name -> (original, converted, test data); digits-cnn only when our runtime runs it."""
    tmp = tmp_path_factory.mktemp("compare")
    out = {}
    for name, sample, extra in [("mlp", "digits-mlp", ()),
                                ("mlp-lossy", "digits-mlp", ("--method", "percentile", "--percentile", "90")),
                                ("cnn", "digits-cnn", ())]:
        q = tmp / f"{name}.onnx"
        abridge("quantize", SAMPLES / f"{sample}.onnx", "--calibration", SAMPLES / f"{sample}.calib.npz",
                "-o", q, "--quiet", *extra, check=True)
        out[name] = (SAMPLES / f"{sample}.onnx", q, SAMPLES / f"{sample}.test.npz")
    return out


def compare(abridge, quantized, name, *args):
    original, converted, data = quantized[name]
    p = abridge("compare", original, converted, "--data", data, *args)
    if p.returncode == 69 and "not supported" in p.stderr:
        pytest.skip(f"the runtime lacks an operator of {name}: {p.stderr.strip()}")
    return p


@pytest.mark.parametrize("name", ["mlp", "mlp-lossy", "cnn"])
def test_report_validates_and_accuracies_match_onnxruntime(abridge, quantized, tmp_path, name):
    out = tmp_path / "report.json"
    p = compare(abridge, quantized, name, "--json", out, *FAST)
    assert p.returncode == 0, p.stderr
    report = json.loads(out.read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    assert report["task"]["kind"] == "classification"
    original, converted, data = quantized[name]
    metrics = {m["name"]: m for m in report["performance"]}
    for side, model in (("original", original), ("converted", converted)):
        want, n = ort_accuracy(model, data)
        got = metrics["accuracy"][side]["value"]
        assert abs(got - want) <= 1 / n + 1e-12, f"{side}: abridge {got}, onnxruntime {want}"
    assert report["data"]["samples"] == n
    assert report["timing"]["runtime"] == "abridge"
    assert report["size_ratio"]["value"] < 0.5
    # the table states the runtime and the thread count
    assert "timings measured by abridge with" in p.stdout and "thread" in p.stdout


def test_max_drop_gates_exactly_on_the_loss(abridge, quantized):
    original, lossy, data = quantized["mlp-lossy"]
    base, _ = ort_accuracy(original, data)
    worse, n = ort_accuracy(lossy, data)
    assert worse < base, "the lossy quantization is expected to lose accuracy in onnxruntime"
    drop = base - worse
    strict = compare(abridge, quantized, "mlp-lossy", "--max-drop", "0.0001", "--runs", "0")
    assert strict.returncode == 1, strict.stderr
    assert "max-drop" in strict.stderr and "accuracy" in strict.stderr
    loose = compare(abridge, quantized, "mlp-lossy", "--max-drop", "0.5", "--runs", "0")
    assert loose.returncode == 0, loose.stderr
    # just above and just below the measured drop (one sample is 1/450)
    assert compare(abridge, quantized, "mlp-lossy", "--max-drop", str(drop + 0.5 / n), "--runs", "0").returncode == 0
    assert compare(abridge, quantized, "mlp-lossy", "--max-drop", str(drop - 0.5 / n), "--runs", "0").returncode == 1


def test_html_is_self_contained(abridge, quantized, tmp_path):
    html = tmp_path / "report.html"
    p = compare(abridge, quantized, "mlp", "--html", html, "--per-layer", *FAST)
    assert p.returncode == 0, p.stderr
    text = html.read_text()
    assert text.startswith("<!DOCTYPE html>") and "</html>" in text
    assert "http" not in text.lower()
    assert "<svg" in text and "<script" not in text
    assert "/net/fc1/Gemm_output_0" in text


@pytest.mark.parametrize("name", ["mlp", "cnn"])
def test_per_layer_lists_tensors_of_both_models(abridge, quantized, tmp_path, name):
    out = tmp_path / "report.json"
    p = compare(abridge, quantized, name, "--per-layer", "--json", out, "--runs", "0")
    assert p.returncode == 0, p.stderr
    report = json.loads(out.read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    original, converted, _ = quantized[name]
    common = produced_names(original) & produced_names(converted)
    listed = [t["name"] for t in report["per_layer"]["tensors"]]
    skipped = {s["name"] for s in report["per_layer"]["skipped"]}
    assert listed and set(listed) <= common
    assert set(listed) | skipped == common
    assert report["per_layer"]["common_tensors"] == len(common)
    sqnr = [t["sqnr_db"]["value"] for t in report["per_layer"]["tensors"]]
    defined = [v for v in sqnr if v is not None]
    assert defined == sorted(defined), "per-layer entries are sorted worst (lowest SQNR) first"
    for t in report["per_layer"]["tensors"]:
        assert t["name"] in p.stdout


def test_models_that_do_not_match_are_refused(abridge, quantized):
    _, mlp_q, data = quantized["mlp"]
    p = abridge("compare", SAMPLES / "digits-cnn.onnx", mlp_q, "--data", data, "--runs", "0")
    assert p.returncode == 65, p.stderr
    assert "abridge: error:" in p.stderr and "input" in p.stderr


def test_missing_labels_key_is_named(abridge, quantized):
    p = compare(abridge, quantized, "mlp", "--labels", "targets", "--runs", "0")
    assert p.returncode == 65, p.stderr
    assert "targets" in p.stderr


def test_onnxruntime_takes_the_timings(abridge, quantized, tmp_path):
    out = tmp_path / "report.json"
    p = compare(abridge, quantized, "mlp", "--runtime", "onnxruntime", "--json", out, *FAST)
    assert p.returncode == 0, p.stderr
    report = json.loads(out.read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    assert report["timing"]["runtime"] == "onnxruntime"
    assert report["timing"]["runtime_version"] == ort.__version__
    assert "timings measured by onnxruntime" in p.stdout


def test_missing_python_for_onnxruntime_is_exit_69(quantized, tmp_path):
    from conftest import abridge_binary
    import subprocess
    original, converted, data = quantized["mlp"]
    empty = tmp_path / "empty-path"
    empty.mkdir()
    p = subprocess.run([abridge_binary(), "compare", str(original), str(converted), "--data", str(data),
                        "--runtime", "onnxruntime"], capture_output=True, text=True, timeout=120,
                       env={"PATH": str(empty)})
    assert p.returncode == 69, p.stderr
    assert "onnxruntime" in p.stderr and "python3" in p.stderr


def test_labels_outside_the_classes_are_flagged(abridge, tmp_path):
    d = np.load(SAMPLES / "digits-cnn.test.npz")
    np.savez(tmp_path / "big.npz", input=d["input"], labels=d["labels"] + 100)
    p = abridge("compare", SAMPLES / "digits-cnn.onnx", SAMPLES / "digits-cnn.onnx", "--data", tmp_path / "big.npz", "--runs", "0")
    assert p.returncode == 0, p.stderr
    assert "450 labels are outside the output's 10 classes" in p.stdout + p.stderr
