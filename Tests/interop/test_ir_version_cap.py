"""`convert --max-ir-version N` writes valid models or refuses (fresh-user trial, bug 3).

IR version 3 needs every initializer listed as a graph input, and a graph input needs a type: the
initializers get their element type and dimensions. An opset needs a minimum IR version (onnx's
release table, `onnx.helper.VERSION_TABLE`: opsets up to 8 -> 3, 9 -> 4, 10 -> 5, 11 -> 6,
12-14 -> 7, 15-18 -> 8, ...): a cap below it is refused with exit 69 (unsupported request) and no
output. Oracles: onnx.checker (full check) and onnxruntime on the written model.
"""
import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from qhelpers import SAMPLES

F32 = TensorProto.FLOAT
UNSUPPORTED = 69


def small_cnn(opset, ir):
    """Conv -> Relu -> Flatten -> Gemm with initializers, valid at `opset`/`ir`."""
    rng = np.random.default_rng(0)
    w = numpy_helper.from_array(rng.standard_normal((2, 1, 3, 3)).astype(np.float32), "w")
    b = numpy_helper.from_array(rng.standard_normal(2).astype(np.float32), "b")
    g_w = numpy_helper.from_array(rng.standard_normal((3, 2 * 6 * 6)).astype(np.float32), "gw")
    g_b = numpy_helper.from_array(rng.standard_normal(3).astype(np.float32), "gb")
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv"),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("Flatten", ["r"], ["f"], name="flat"),
        helper.make_node("Gemm", ["f", "gw", "gb"], ["y"], name="fc", transB=1),
    ]
    x = helper.make_tensor_value_info("x", F32, [2, 1, 8, 8])
    y = helper.make_tensor_value_info("y", F32, [2, 3])
    g = helper.make_graph(nodes, "cnn", [x], [y], [w, b, g_w, g_b])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], ir_version=ir)
    onnx.checker.check_model(m, full_check=True)
    return m


def ort_outputs(path, feeds):
    s = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return s.run(None, feeds)


# (opset, cap): every opset at the lowest IR version onnx allows for it.
@pytest.mark.parametrize("opset,cap", [(8, 3), (9, 4), (11, 6), (13, 7)])
def test_lowered_model_is_valid_and_computes_the_same(abridge, tmp_path, opset, cap):
    src = tmp_path / "src.onnx"
    onnx.save(small_cnn(opset, ir=10), src)
    out = tmp_path / "low.onnx"
    p = abridge("convert", src, "-o", out, "--max-ir-version", cap)
    assert p.returncode == 0, p.stderr
    m = onnx.load(out)
    assert m.ir_version == cap
    onnx.checker.check_model(m, full_check=True)
    if cap < 4:
        inputs = {i.name: i for i in m.graph.input}
        for init in m.graph.initializer:
            t = inputs[init.name].type.tensor_type
            assert t.elem_type == init.data_type
            assert [d.dim_value for d in t.shape.dim] == list(init.dims)
    feeds = {"x": np.random.default_rng(1).standard_normal((2, 1, 8, 8)).astype(np.float32)}
    np.testing.assert_allclose(ort_outputs(out, feeds)[0], ort_outputs(src, feeds)[0], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("cap", [3, 4, 6, 7])
def test_opset_17_sample_is_refused_below_ir_8(abridge, tmp_path, cap):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    p = abridge("convert", SAMPLES / "digits-cnn.onnx", "-o", out_dir / "c.onnx", "--max-ir-version", cap)
    assert p.returncode == UNSUPPORTED, p.stderr
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("abridge: error: "), p.stderr
    assert "opset 17" in lines[0] and "needs IR version >= 8" in lines[0], lines[0]
    assert "digits-cnn.onnx" in lines[0]
    assert list(out_dir.iterdir()) == []


def test_opset_17_sample_at_ir_8_is_valid(abridge, tmp_path):
    out = tmp_path / "c.onnx"
    p = abridge("convert", SAMPLES / "digits-cnn.onnx", "-o", out, "--max-ir-version", 8)
    assert p.returncode == 0, p.stderr
    m = onnx.load(out)
    assert m.ir_version == 8
    onnx.checker.check_model(m, full_check=True)


def test_ml_domain_opset_is_checked_too(abridge, tmp_path):
    # ai.onnx.ml version 3 came with IR version 8.
    m = small_cnn(8, ir=10)
    m.opset_import.append(helper.make_opsetid("ai.onnx.ml", 3))
    src = tmp_path / "src.onnx"
    onnx.save(m, src)
    p = abridge("convert", src, "-o", tmp_path / "c.onnx", "--max-ir-version", 3)
    assert p.returncode == UNSUPPORTED, p.stderr
    assert "opset 3 of ai.onnx.ml needs IR version >= 8" in p.stderr
    assert not (tmp_path / "c.onnx").exists()


def test_cap_above_the_model_changes_nothing(abridge, tmp_path):
    src = tmp_path / "src.onnx"
    onnx.save(small_cnn(8, ir=4), src)
    out = tmp_path / "c.onnx"
    p = abridge("convert", src, "-o", out, "--max-ir-version", 7)
    assert p.returncode == 0, p.stderr
    m = onnx.load(out)
    assert m.ir_version == 4
    assert [i.name for i in m.graph.input] == ["x"]
