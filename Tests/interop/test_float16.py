"""float16 models: `abridge quantize` computes them in float32 with Casts at the float16
interface (the `upcast-float16` pass), data in float32 .npz files are converted to a float16
input, and `compare` takes a float32 original against its float16 version.

Oracles: onnxruntime on the float16 model built here from the float32 sample with onnx and numpy,
onnx.checker, the sample's labels.
"""
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, numpy_helper

from qhelpers import SAMPLES, session


def to_float16(src, dst):
    """The float32 model with every FLOAT tensor and value FLOAT16 (what float16 exporters give)."""
    m = onnx.load(str(src))

    def fix(t):
        if t.data_type == TensorProto.FLOAT:
            t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(t).astype(np.float16), t.name))

    def walk(g):
        for t in g.initializer:
            fix(t)
        for v in list(g.input) + list(g.output) + list(g.value_info):
            if v.type.tensor_type.elem_type == TensorProto.FLOAT:
                v.type.tensor_type.elem_type = TensorProto.FLOAT16
        for n in g.node:
            for a in n.attribute:
                if a.type == onnx.AttributeProto.TENSOR:
                    fix(a.t)
                elif a.type == onnx.AttributeProto.GRAPH:
                    walk(a.g)
                elif n.op_type == "Cast" and a.name == "to" and a.i == TensorProto.FLOAT:
                    a.i = TensorProto.FLOAT16

    walk(m.graph)
    onnx.save(m, str(dst))
    return m


def elem_types(values):
    return {v.name: v.type.tensor_type.elem_type for v in values}


@pytest.mark.parametrize("name", ["digits-cnn", "digits-mlp"])
def test_float16_model_quantizes_and_keeps_its_interface(abridge, tmp_path, name):
    src = tmp_path / "half.onnx"
    to_float16(SAMPLES / f"{name}.onnx", src)
    out = tmp_path / "q.onnx"
    p = abridge("quantize", src, "--calibration", SAMPLES / f"{name}.calib.npz", "-o", out)
    assert p.returncode == 0, p.stderr
    assert "upcast-float16" in p.stderr
    q = onnx.load(str(out))
    onnx.checker.check_model(q, full_check=True)
    assert set(elem_types(q.graph.input).values()) == {TensorProto.FLOAT16}
    assert set(elem_types(q.graph.output).values()) == {TensorProto.FLOAT16}
    assert all(t.data_type != TensorProto.FLOAT16 for t in q.graph.initializer)
    data = np.load(SAMPLES / f"{name}.test.npz")
    key = next(k for k in data.files if k != "labels")
    s = session(out, optimized=tmp_path / "opt.onnx")
    y = s.run(None, {key: data[key].astype(np.float16)})[0]
    assert y.dtype == np.float16
    half = session(src).run(None, {key: data[key].astype(np.float16)})[0]
    acc, acc_half = (y.argmax(-1) == data["labels"]).mean(), (half.argmax(-1) == data["labels"]).mean()
    assert acc >= acc_half - 0.005, (acc, acc_half)
    ops = {n.op_type for n in onnx.load(str(tmp_path / "opt.onnx")).graph.node}
    assert ops & {"QLinearConv", "QGemm", "QLinearMatMul"}, ops


def test_upcast_pass_is_float32_inside_float16_outside(abridge, tmp_path):
    src = tmp_path / "half.onnx"
    to_float16(SAMPLES / "digits-cnn.onnx", src)
    out = tmp_path / "up.onnx"
    p = abridge("convert", src, "-o", out, "--passes", "upcast-float16")
    assert p.returncode == 0, p.stderr
    m = onnx.load(str(out))
    onnx.checker.check_model(m, full_check=True)
    assert elem_types(m.graph.input) == {"input": TensorProto.FLOAT16}
    assert elem_types(m.graph.output) == {"logits": TensorProto.FLOAT16}
    assert all(t.data_type == TensorProto.FLOAT for t in m.graph.initializer)
    assert [n.op_type for n in m.graph.node][0] == "Cast" and m.graph.node[-1].op_type == "Cast"
    x = np.load(SAMPLES / "digits-cnn.test.npz")["input"][:64].astype(np.float16)
    got = session(out).run(None, {"input": x})[0]
    # The float32 sample computes the same up to the float16 rounding of weights and output.
    ref32 = session(SAMPLES / "digits-cnn.onnx").run(None, {"input": x.astype(np.float32)})[0]
    np.testing.assert_allclose(got.astype(np.float32), ref32, rtol=5e-3, atol=5e-3 * np.abs(ref32).max())


def test_float32_data_run_and_compare_against_float16_model(abridge, tmp_path):
    src = tmp_path / "half.onnx"
    to_float16(SAMPLES / "digits-cnn.onnx", src)
    out = tmp_path / "y.npz"
    p = abridge("run", src, "--inputs", SAMPLES / "digits-cnn.test.npz", "-o", out, "--quiet")
    assert p.returncode == 0, p.stderr
    y = np.load(out)["logits"]
    assert y.dtype == np.float16 and y.shape == (450, 10)
    ref = session(src).run(None, {"input": np.load(SAMPLES / "digits-cnn.test.npz")["input"].astype(np.float16)})[0]
    assert (y.argmax(-1) == ref.argmax(-1)).mean() >= 0.99
    p = abridge("compare", SAMPLES / "digits-cnn.onnx", src, "--data", SAMPLES / "digits-cnn.test.npz", "--runs", "0",
                "--json", tmp_path / "c.json")
    assert p.returncode == 0, p.stderr
    report = json.loads((tmp_path / "c.json").read_text())
    accuracy = next(m for m in report["performance"] if m["name"] == "accuracy")
    data = np.load(SAMPLES / "digits-cnn.test.npz")
    ref_acc = float((session(SAMPLES / "digits-cnn.onnx").run(None, {"input": data["input"]})[0].argmax(-1)
                     == data["labels"]).mean())
    assert accuracy["original"]["value"] == pytest.approx(ref_acc, abs=1e-4)
    assert abs(accuracy["converted"]["value"] - accuracy["original"]["value"]) <= 2 / 450
    assert report["agreement"][0]["sqnr_db"]["value"] > 40   # float16 rounding only (measured 60.9 dB)


def test_float16_model_is_pruned_in_float16(abridge, tmp_path):
    src = tmp_path / "half.onnx"
    to_float16(SAMPLES / "digits-cnn.onnx", src)
    out = tmp_path / "p.onnx"
    p = abridge("prune", src, "-o", out, "--pattern", "channels", "--sparsity", "0.5", "--calibration",
                SAMPLES / "digits-cnn.calib.npz", "--eval", SAMPLES / "digits-cnn.test.npz", "--json")
    assert p.returncode == 0, p.stderr
    s = json.loads(p.stdout)
    m = onnx.load(str(out))
    onnx.checker.check_model(m, full_check=True)
    assert {t.data_type for t in m.graph.initializer} == {TensorProto.FLOAT16}
    shapes = {t.name: list(t.dims) for t in m.graph.initializer}
    assert shapes["conv1.weight"] == [8, 1, 3, 3] and shapes["fc1.weight"] == [32, 64]
    d = np.load(SAMPLES / "digits-cnn.test.npz")
    y = session(out).run(None, {"input": d["input"].astype(np.float16)})[0]
    acc = float((y.argmax(-1) == d["labels"]).mean())
    assert abs(acc - s["accuracyAfter"]) <= 1 / 450 + 1e-9
    assert acc >= 0.97   # measured 0.9822, as for the float32 sample
