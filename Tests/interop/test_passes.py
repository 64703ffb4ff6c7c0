"""Graph passes (`abridge convert --passes ...`), each on matching and non-matching graphs.

Oracle: onnxruntime on the original and the rewritten model (same outputs), and the op list.
"""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from qhelpers import session


def save(graph, path, opset=17):
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    onnx.save(m, str(path))


def bn_params(rng, c, prefix):
    return [numpy_helper.from_array(rng.uniform(0.5, 2, c).astype(np.float32), f"{prefix}_gamma"),
            numpy_helper.from_array(rng.standard_normal(c).astype(np.float32), f"{prefix}_beta"),
            numpy_helper.from_array(rng.standard_normal(c).astype(np.float32), f"{prefix}_mean"),
            numpy_helper.from_array(rng.uniform(0.5, 2, c).astype(np.float32), f"{prefix}_var")]


def run_both(abridge, tmp_path, graph, feeds, passes="fold-batch-norm,eliminate-dead-nodes"):
    save(graph, tmp_path / "m.onnx")
    p = abridge("convert", tmp_path / "m.onnx", "-o", tmp_path / "out.onnx", "--passes", passes)
    assert p.returncode == 0, p.stderr
    ref = session(tmp_path / "m.onnx").run(None, feeds)
    got = session(tmp_path / "out.onnx").run(None, feeds)
    for a, b in zip(ref, got):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)
    out = onnx.load(str(tmp_path / "out.onnx"))
    onnx.checker.check_model(out, full_check=True)
    return out


def conv_bn_graph(rng, op, group):
    c_in, c_out = 4, 6
    if op == "Conv":
        w = rng.standard_normal((c_out, c_in // group, 3, 3)).astype(np.float32)
    else:  # ConvTranspose weight [C_in, C_out / group, k, k]
        w = rng.standard_normal((c_in, c_out // group, 3, 3)).astype(np.float32)
    b = rng.standard_normal(c_out).astype(np.float32)
    nodes = [helper.make_node(op, ["x", "w", "b"], ["y"], group=group),
             helper.make_node("BatchNormalization", ["y", "bn_gamma", "bn_beta", "bn_mean", "bn_var"], ["z"], epsilon=1e-3)]
    return helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, c_in, 5, 5])],
                             [helper.make_tensor_value_info("z", TensorProto.FLOAT, ["N", "C", "H", "W"])],
                             [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")] + bn_params(rng, c_out, "bn"))


@pytest.mark.parametrize("op,group", [("Conv", 1), ("Conv", 2), ("ConvTranspose", 1), ("ConvTranspose", 2)])
def test_fold_batch_norm_into_conv(abridge, tmp_path, op, group):
    rng = np.random.default_rng(10 + group)
    x = rng.standard_normal((2, 4, 5, 5)).astype(np.float32)
    out = run_both(abridge, tmp_path, conv_bn_graph(rng, op, group), {"x": x})
    assert [n.op_type for n in out.graph.node] == [op]
    assert out.graph.node[0].output[0] == "z", "the folded output keeps the BatchNormalization output's name"


@pytest.mark.parametrize("trans_b", [0, 1])
def test_fold_batch_norm_into_gemm(abridge, tmp_path, trans_b):
    rng = np.random.default_rng(20 + trans_b)
    w = rng.standard_normal((5, 3) if not trans_b else (3, 5)).astype(np.float32)
    nodes = [helper.make_node("Gemm", ["x", "w"], ["y"], transB=trans_b),
             helper.make_node("BatchNormalization", ["y", "bn_gamma", "bn_beta", "bn_mean", "bn_var"], ["z"])]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 5])],
                          [helper.make_tensor_value_info("z", TensorProto.FLOAT, [4, 3])],
                          [numpy_helper.from_array(w, "w")] + bn_params(rng, 3, "bn"))
    out = run_both(abridge, tmp_path, g, {"x": rng.standard_normal((4, 5)).astype(np.float32)})
    assert [n.op_type for n in out.graph.node] == ["Gemm"]
    assert len(out.graph.node[0].input) == 3, "a bias is added for the folded shift"


def test_batch_norm_not_folded_when_conv_output_has_another_reader(abridge, tmp_path):
    rng = np.random.default_rng(30)
    g = conv_bn_graph(rng, "Conv", 1)
    g.node.append(helper.make_node("Relu", ["y"], ["r"]))
    g.output.append(helper.make_tensor_value_info("r", TensorProto.FLOAT, ["N", "C", "H", "W"]))
    out = run_both(abridge, tmp_path, g, {"x": rng.standard_normal((2, 4, 5, 5)).astype(np.float32)})
    assert [n.op_type for n in out.graph.node] == ["Conv", "BatchNormalization", "Relu"]


def test_batch_norm_after_relu_is_not_folded(abridge, tmp_path):
    rng = np.random.default_rng(31)
    nodes = [helper.make_node("Relu", ["x"], ["y"]),
             helper.make_node("BatchNormalization", ["y", "bn_gamma", "bn_beta", "bn_mean", "bn_var"], ["z"])]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4, 4])],
                          [helper.make_tensor_value_info("z", TensorProto.FLOAT, [2, 3, 4, 4])], bn_params(rng, 3, "bn"))
    out = run_both(abridge, tmp_path, g, {"x": rng.standard_normal((2, 3, 4, 4)).astype(np.float32)})
    assert [n.op_type for n in out.graph.node] == ["Relu", "BatchNormalization"]


def test_identity_and_dropout_removed_but_not_graph_outputs(abridge, tmp_path):
    nodes = [helper.make_node("Identity", ["x"], ["a"]),
             helper.make_node("Dropout", ["a"], ["b"]),
             helper.make_node("Relu", ["b"], ["c"]),
             helper.make_node("Identity", ["c"], ["y"])]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])])
    out = run_both(abridge, tmp_path, g, {"x": np.array([-1, 0, 2], np.float32)}, passes="eliminate-identity")
    assert [n.op_type for n in out.graph.node] == ["Relu", "Identity"], "the Identity producing a graph output stays"


def test_dead_nodes_and_unused_initializers_removed(abridge, tmp_path):
    nodes = [helper.make_node("Relu", ["x"], ["y"]),
             helper.make_node("Neg", ["x"], ["dead1"]),
             helper.make_node("Exp", ["dead1"], ["dead2"])]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])],
                          [numpy_helper.from_array(np.ones(3, np.float32), "unused")])
    out = run_both(abridge, tmp_path, g, {"x": np.array([-1, 0, 2], np.float32)}, passes="eliminate-dead-nodes")
    assert [n.op_type for n in out.graph.node] == ["Relu"]
    assert len(out.graph.initializer) == 0


def test_unknown_pass_is_a_usage_error(abridge, tmp_path):
    g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])])
    save(g, tmp_path / "m.onnx")
    p = abridge("convert", tmp_path / "m.onnx", "-o", tmp_path / "o.onnx", "--passes", "fold-everything")
    assert p.returncode == 65 and "unknown pass 'fold-everything'" in p.stderr
    assert not (tmp_path / "o.onnx").exists()


def test_fold_constants_folds_constant_arithmetic(abridge, tmp_path):
    nodes = [helper.make_node("Constant", [], ["c"], value=numpy_helper.from_array(np.array([1, 2, 3], np.float32))),
             helper.make_node("Mul", ["c", "w"], ["cw"]),
             helper.make_node("Add", ["x", "cw"], ["y"])]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])],
                          [numpy_helper.from_array(np.array([2, 2, 2], np.float32), "w")])
    out = run_both(abridge, tmp_path, g, {"x": np.array([1, 1, 1], np.float32)}, passes="fold-constants,eliminate-dead-nodes")
    assert [n.op_type for n in out.graph.node] == ["Add"]
    folded = {i.name: numpy_helper.to_array(i) for i in out.graph.initializer}
    np.testing.assert_array_equal(folded["cw"], [2, 4, 6])  # 1*2, 2*2, 3*2 by hand


def test_fold_constants_leaves_inputs_overridable_initializers_and_large_fills(abridge, tmp_path):
    nodes = [helper.make_node("Neg", ["k"], ["nk"]),                      # k is also a graph input: a feed may override it
             helper.make_node("ConstantOfShape", ["shape"], ["big"],      # 4 Mi floats from 16 bytes: not materialized
                              value=numpy_helper.from_array(np.array([0.5], np.float32))),
             helper.make_node("ReduceSum", ["big"], ["s"], keepdims=0),
             helper.make_node("Add", ["x", "nk"], ["t"]),
             helper.make_node("Add", ["t", "s"], ["y"])]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1]),
                                       helper.make_tensor_value_info("k", TensorProto.FLOAT, [1])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
                          [numpy_helper.from_array(np.array([3], np.float32), "k"),
                           numpy_helper.from_array(np.array([2048, 2048], np.int64), "shape")])
    out = run_both(abridge, tmp_path, g, {"x": np.array([1], np.float32)}, passes="fold-constants")
    assert [n.op_type for n in out.graph.node] == ["Neg", "ConstantOfShape", "ReduceSum", "Add", "Add"]
