"""Quantization raises the opset only with real conversions: an opset-9 model with Upsample
comes out at opset 13 with an equivalent Resize (onnx version converter semantics: asymmetric
coordinates, nearest = floor), passes the checker and runs in onnxruntime.

Oracle: onnxruntime on the original float model (opset 9 Upsample) against the quantized model,
within a few quantization steps; for nearest, the exact 2x2 replication pattern.
"""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from qhelpers import session


def upsample_model(path, opset, mode):
    rng = np.random.default_rng(opset + len(mode))
    w = (rng.standard_normal((4, 3, 3, 3)) * 0.3).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")]
    scales = [1.0, 1.0, 2.0, 2.0]
    if opset >= 9:
        inits.append(numpy_helper.from_array(np.array(scales, np.float32), "scales"))
        up = helper.make_node("Upsample", ["c", "scales"], ["u"], mode=mode)
    else:
        up = helper.make_node("Upsample", ["c"], ["u"], mode=mode, scales=scales)
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]), up,
             helper.make_node("Conv", ["u", "w2", "b2"], ["y"], pads=[1, 1, 1, 1])]
    inits += [numpy_helper.from_array((rng.standard_normal((2, 4, 3, 3)) * 0.3).astype(np.float32), "w2"),
              numpy_helper.from_array(np.zeros(2, np.float32), "b2")]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 6, 6])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2, 12, 12])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 4
    onnx.save(m, str(path))
    return m


@pytest.mark.parametrize("opset", [7, 9])
@pytest.mark.parametrize("mode", ["nearest", "linear"])
def test_upsample_becomes_resize(abridge, tmp_path, opset, mode):
    upsample_model(tmp_path / "m.onnx", opset, mode)
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, (16, 3, 6, 6)).astype(np.float32)
    np.savez(tmp_path / "calib.npz", x=x)
    p = abridge("quantize", tmp_path / "m.onnx", "--calibration", tmp_path / "calib.npz", "-o", tmp_path / "q.onnx")
    assert p.returncode == 0, p.stderr
    q = onnx.load(str(tmp_path / "q.onnx"))
    onnx.checker.check_model(q, full_check=True)
    assert {o.domain: o.version for o in q.opset_import}.get("", 0) == 13, "per-channel weights need opset 13"
    ops = [n.op_type for n in q.graph.node]
    assert "Upsample" not in ops and ops.count("Resize") == 1
    resize = next(n for n in q.graph.node if n.op_type == "Resize")
    attrs = {a.name: helper.get_attribute_value(a) for a in resize.attribute}
    assert attrs["coordinate_transformation_mode"] == b"asymmetric"
    assert attrs["mode"] == mode.encode()
    ref = session(tmp_path / "m.onnx").run(None, {"x": x[:4]})[0]
    got = session(tmp_path / "q.onnx").run(None, {"x": x[:4]})[0]
    assert got.shape == ref.shape == (4, 2, 12, 12)
    # int8 QDQ: within a few percent of the output range.
    assert np.abs(got - ref).max() <= 0.05 * np.abs(ref).max(), np.abs(got - ref).max()


def test_nearest_resize_replicates_exactly(abridge, tmp_path):
    # Upsample alone (kept float: a data-movement op between no quantized ops) on a float model
    # raised to opset 13 by a per-channel Conv before it: the Resize output is the input repeated.
    upsample_model(tmp_path / "m.onnx", 9, "nearest")
    m = onnx.load(str(tmp_path / "m.onnx"))
    m.graph.output.append(helper.make_tensor_value_info("u", TensorProto.FLOAT, None))
    onnx.save(m, str(tmp_path / "m2.onnx"))
    x = np.random.default_rng(2).uniform(0, 1, (8, 3, 6, 6)).astype(np.float32)
    np.savez(tmp_path / "calib.npz", x=x)
    p = abridge("quantize", tmp_path / "m2.onnx", "--calibration", tmp_path / "calib.npz", "-o", tmp_path / "q.onnx")
    assert p.returncode == 0, p.stderr
    u = session(tmp_path / "q.onnx").run(["u"], {"x": x[:2]})[0]
    assert u.shape == (2, 4, 12, 12)
    for dy in (0, 1):
        for dx in (0, 1):
            np.testing.assert_array_equal(u[:, :, dy::2, dx::2], u[:, :, ::2, ::2])


def test_nearest_downsampling_upsample_refused(abridge, tmp_path):
    m = upsample_model(tmp_path / "m.onnx", 9, "nearest")
    for t in m.graph.initializer:
        if t.name == "scales":
            t.CopyFrom(numpy_helper.from_array(np.array([1, 1, 0.5, 0.5], np.float32), "scales"))
    m.graph.output[0].type.tensor_type.shape.dim[2].dim_value = 3
    m.graph.output[0].type.tensor_type.shape.dim[3].dim_value = 3
    onnx.save(m, str(tmp_path / "d.onnx"))
    np.savez(tmp_path / "calib.npz", x=np.ones((2, 3, 6, 6), np.float32))
    p = abridge("quantize", tmp_path / "d.onnx", "--calibration", tmp_path / "calib.npz", "-o", tmp_path / "q.onnx")
    assert p.returncode == 69, p.stderr
    assert "Upsample" in p.stderr and "below 1" in p.stderr
    assert not (tmp_path / "q.onnx").exists()


def test_reduce_axes_become_inputs_when_raised_to_21(abridge, tmp_path):
    # 16-bit activations need opset 21; ReduceMean/ReduceMax take `axes` as an input from 18.
    rng = np.random.default_rng(3)
    w = rng.standard_normal((8, 4)).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["x", "w"], ["h"]),
             helper.make_node("ReduceMean", ["h"], ["m"], axes=[1], keepdims=1),
             helper.make_node("ReduceMax", ["h"], ["mx"], axes=[1], keepdims=1),
             helper.make_node("Sub", ["h", "m"], ["c"]),
             helper.make_node("Add", ["c", "mx"], ["y"])]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 8])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])], [numpy_helper.from_array(w, "w")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    onnx.save(m, str(tmp_path / "m.onnx"))
    x = rng.standard_normal((32, 8)).astype(np.float32)
    np.savez(tmp_path / "c.npz", x=x)
    p = abridge("quantize", tmp_path / "m.onnx", "--calibration", tmp_path / "c.npz", "-o", tmp_path / "q.onnx",
                "--activation-type", "uint16")
    assert p.returncode == 0, p.stderr
    q = onnx.load(str(tmp_path / "q.onnx"))
    assert {o.domain: o.version for o in q.opset_import}.get("", 0) == 21
    onnx.checker.check_model(q, full_check=True)
    for n in q.graph.node:
        if n.op_type in ("ReduceMean", "ReduceMax"):
            assert not any(a.name == "axes" for a in n.attribute) and len(n.input) == 2, n
    ref = session(tmp_path / "m.onnx").run(None, {"x": x[:4]})[0]
    got = session(tmp_path / "q.onnx").run(None, {"x": x[:4]})[0]
    np.testing.assert_allclose(got, ref, atol=0.05 * np.abs(ref).max())   # int8 weights, 16-bit activations
