"""Graph passes (`abridge convert --passes ...`), each on matching and non-matching graphs.

Oracle: onnxruntime on the original and the rewritten model (same outputs), and the op list;
for `infer-shapes`, onnx.shape_inference (strict mode) and the shapes onnxruntime actually
produces for every intermediate tensor.
"""
import pathlib

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from qhelpers import session

ROOT = pathlib.Path(__file__).resolve().parents[2]


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
    assert p.returncode == 64 and "unknown pass 'fold-everything'" in p.stderr
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


# ---------------------------------------------------------------------------------------------
# infer-shapes


def dims(vi):
    """Dims of a ValueInfoProto: int (dim_value), str (dim_param) or None (unknown); None if no shape."""
    t = vi.type.tensor_type
    if not t.HasField("shape"):
        return None
    return [d.dim_value if d.HasField("dim_value") else (d.dim_param or None) for d in t.shape.dim]


def actual_shapes(model, feeds):
    """Shapes onnxruntime produces for every node output of the main graph."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    del m.graph.value_info[:]
    have = {o.name for o in m.graph.output}
    for n in m.graph.node:
        for o in n.output:
            if o and o not in have:
                m.graph.output.append(onnx.ValueInfoProto(name=o))
                have.add(o)
    so = __import__("onnxruntime").SessionOptions()
    so.log_severity_level = 3
    so.graph_optimization_level = __import__("onnxruntime").GraphOptimizationLevel.ORT_DISABLE_ALL
    sess = __import__("onnxruntime").InferenceSession(m.SerializeToString(), so, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    return {n: np.asarray(v).shape for n, v in zip(names, sess.run(None, feeds))}


def infer(abridge, tmp_path, model, feeds=None, complete=True):
    """Runs `convert --passes infer-shapes` and checks the result against onnx.shape_inference
    (same element type, same dims where onnx knows them; `complete`: every value onnx types is
    typed by us too) and, given feeds, against the shapes onnxruntime computes (our static dims
    equal the real ones; a symbol stands for one size throughout). Returns (output model, our
    value_info by name)."""
    src, dst = tmp_path / "m.onnx", tmp_path / "out.onnx"
    onnx.save(model, str(src))
    p = abridge("convert", src, "-o", dst, "--passes", "infer-shapes")
    assert p.returncode == 0, p.stderr
    out = onnx.load(str(dst))
    onnx.checker.check_model(out, full_check=True)
    ours = {v.name: v for v in out.graph.value_info}
    boundary = {v.name for v in list(out.graph.input) + list(out.graph.output)} | {t.name for t in out.graph.initializer}
    assert not (set(ours) & boundary), "graph inputs, outputs and initializers are not repeated in value_info"
    ref = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    for r in ref.graph.value_info:
        if r.name not in ours:
            assert not complete, f"onnx infers {r.name} but infer-shapes does not"
            continue
        v = ours[r.name]
        assert v.type.tensor_type.elem_type == r.type.tensor_type.elem_type, r.name
        rd, vd = dims(r), dims(v)
        if rd is None:
            continue
        assert vd is not None and len(vd) == len(rd), (r.name, vd, rd)
        for a, b in zip(vd, rd):
            if isinstance(b, int) or (isinstance(b, str) and not b.startswith("unk__")):
                assert a == b, (r.name, vd, rd)
    # Graph outputs keep their declarations.
    for a, b in zip(model.graph.output, out.graph.output):
        assert a.type == b.type
    if feeds is not None:
        real = actual_shapes(model, feeds)
        symbols = {}
        for name, v in ours.items():
            vd = dims(v)
            if vd is None or name not in real:
                continue
            assert len(vd) == len(real[name]), (name, vd, real[name])
            for a, b in zip(vd, real[name]):
                if isinstance(a, int):
                    assert a == b, (name, vd, real[name])
                elif isinstance(a, str):
                    assert symbols.setdefault(a, b) == b, f"symbol {a} stands for two sizes ({name})"
        ref_out = session(src).run(None, feeds)
        got_out = session(dst).run(None, feeds)
        for a, b in zip(ref_out, got_out):
            # onnxruntime may pick other fused kernels once it knows the shapes.
            np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-4)
    return out, ours


def make_model(nodes, inputs, outputs, inits=(), opset=17, value_info=()):
    g = helper.make_graph(nodes, "g", inputs, outputs, list(inits), value_info=list(value_info))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    # The checker wants graph outputs with a shape: declare those given without one as onnx infers them.
    ref = {v.name: v for v in onnx.shape_inference.infer_shapes(m).graph.output}
    for i, o in enumerate(m.graph.output):
        if not o.type.tensor_type.HasField("shape"):
            m.graph.output[i].CopyFrom(ref[o.name])
    return m


def vi(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def out_vi(name):
    """A graph output declared by make_model as onnx infers it."""
    return helper.make_tensor_value_info(name, TensorProto.UNDEFINED, None)


@pytest.mark.parametrize("sample", ["digits-cnn", "digits-mlp", "tiny-lm"])
def test_infer_shapes_samples(abridge, tmp_path, sample):
    model = onnx.load(str(ROOT / "samples" / f"{sample}.onnx"))
    del model.graph.value_info[:]
    data = np.load(ROOT / "samples" / f"{sample}.test.npz")
    feeds = {i.name: data[i.name][:3] for i in model.graph.input}
    out, ours = infer(abridge, tmp_path, model, feeds)
    produced = {o for n in out.graph.node for o in n.output} - {o.name for o in out.graph.output}
    assert set(ours) == produced, "every intermediate tensor is typed"
    if sample == "tiny-lm":
        # onnx.shape_inference loses the batch symbol at Reshape [0, 0, 4, 32]; we keep it.
        assert dims(ours["/blocks.0/Reshape_output_0"]) == ["batch", 64, 4, 32]


def test_infer_shapes_cnn_pads_strides_ceil_mode(abridge, tmp_path):
    rng = np.random.default_rng(40)
    w1 = rng.standard_normal((6, 3, 3, 3)).astype(np.float32)
    w2 = rng.standard_normal((6, 2, 2, 2)).astype(np.float32)        # grouped (3 groups)
    wt = rng.standard_normal((6, 4, 3, 3)).astype(np.float32)        # ConvTranspose [C, M, k, k]
    nodes = [helper.make_node("Conv", ["x", "w1"], ["c1"], pads=[1, 2, 1, 0], strides=[2, 1], dilations=[1, 2]),
             helper.make_node("Relu", ["c1"], ["r1"]),
             helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[3, 2], strides=[2, 2], ceil_mode=1),
             helper.make_node("Conv", ["p1", "w2"], ["c2"], group=3, auto_pad="SAME_UPPER", strides=[2, 2]),
             helper.make_node("AveragePool", ["c2"], ["p2"], kernel_shape=[2, 2], pads=[1, 1, 1, 1], count_include_pad=1),
             helper.make_node("ConvTranspose", ["p2", "wt"], ["t"], strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 0]),
             helper.make_node("MaxPool", ["t"], ["p3", "idx"], kernel_shape=[2, 2], auto_pad="VALID"),
             helper.make_node("GlobalAveragePool", ["p3"], ["g"]),
             helper.make_node("Flatten", ["g"], ["y"])]
    model = make_model(nodes, [vi("x", ["N", 3, 17, 15])], [out_vi("y"), vi("idx", None, TensorProto.INT64)],
                       [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2"), numpy_helper.from_array(wt, "wt")])
    _, ours = infer(abridge, tmp_path, model, {"x": rng.standard_normal((2, 3, 17, 15)).astype(np.float32)})
    # By hand: H (17 + 1 + 1 - 3) // 2 + 1 = 9, W (15 + 2 + 0 - 5) // 1 + 1 = 13;
    # MaxPool ceil: ceil((9 - 3) / 2) + 1 = 4, ceil((13 - 2) / 2) + 1 = 7; SAME_UPPER /2: 2, 4;
    # AveragePool (2 + 2 - 2) + 1 = 3, 5; ConvTranspose 2*(3-1) + 1 + 3 - 2 = 6, 2*(5-1) + 0 + 3 - 2 = 9.
    assert dims(ours["c1"]) == ["N", 6, 9, 13]
    assert dims(ours["p1"]) == ["N", 6, 4, 7]
    assert dims(ours["c2"]) == ["N", 6, 2, 4]
    assert dims(ours["p2"]) == ["N", 6, 3, 5]
    assert dims(ours["t"]) == ["N", 4, 6, 9]
    assert dims(ours["p3"]) == ["N", 4, 5, 8]
    assert dims(ours["g"]) == ["N", 4, 1, 1]


def test_infer_shapes_pool_ceil_window_in_end_padding_is_left_unknown(abridge, tmp_path):
    # Length 4, kernel 3, stride 3, pads 2/2, ceil_mode: onnx.shape_inference says 3, onnxruntime
    # (and the operator text: windows starting in the end padding are dropped) computes 2.
    nodes = [helper.make_node("MaxPool", ["x"], ["p"], kernel_shape=[3], strides=[3], pads=[2, 2], ceil_mode=1),
             helper.make_node("Relu", ["p"], ["y"])]
    model = make_model(nodes, [vi("x", [1, 1, 4])], [vi("y", [1, 1, None])])
    src, dst = tmp_path / "m.onnx", tmp_path / "out.onnx"
    onnx.save(model, str(src))
    assert abridge("convert", src, "-o", dst, "--passes", "infer-shapes").returncode == 0
    ours = {v.name: v for v in onnx.load(str(dst)).graph.value_info}
    assert dims(ours["p"]) == [1, 1, None]
    assert actual_shapes(model, {"x": np.zeros((1, 1, 4), np.float32)})["p"] == (1, 1, 2)
    # A model annotated by onnx.shape_inference (p: [1, 1, 3]) is not refused.
    annotated = onnx.shape_inference.infer_shapes(model)
    assert dims(annotated.graph.value_info[0]) == [1, 1, 3]
    onnx.save(annotated, str(src))
    assert abridge("convert", src, "-o", dst, "--force", "--passes", "infer-shapes").returncode == 0


def test_infer_shapes_transformer_block(abridge, tmp_path):
    rng = np.random.default_rng(41)
    emb = rng.standard_normal((50, 16)).astype(np.float32)
    wq = rng.standard_normal((16, 16)).astype(np.float32)
    wo = rng.standard_normal((16, 16)).astype(np.float32)
    c = lambda name, v: numpy_helper.from_array(np.array(v, np.int64), name)
    nodes = [helper.make_node("Gather", ["emb", "ids"], ["h"]),                                  # [B, S, 16]
             helper.make_node("LayerNormalization", ["h", "ln_g", "ln_b"], ["hn"], axis=-1),
             helper.make_node("MatMul", ["hn", "wq"], ["q"]),                                      # rank 3 x rank 2
             helper.make_node("Reshape", ["q", "heads_shape"], ["qh"]),                            # [0, 0, 2, 8]
             helper.make_node("Transpose", ["qh"], ["qt"], perm=[0, 2, 1, 3]),                     # [B, 2, S, 8]
             helper.make_node("Transpose", ["qh"], ["kt"], perm=[0, 2, 3, 1]),                     # [B, 2, 8, S]
             helper.make_node("MatMul", ["qt", "kt"], ["scores"]),                                 # [B, 2, S, S]
             helper.make_node("Div", ["scores", "scale"], ["scaled"]),
             helper.make_node("Softmax", ["scaled"], ["attn"], axis=-1),
             helper.make_node("MatMul", ["attn", "qt"], ["ctx"]),                                  # [B, 2, S, 8]
             helper.make_node("Transpose", ["ctx"], ["ctx_t"], perm=[0, 2, 1, 3]),
             helper.make_node("Reshape", ["ctx_t", "merge_shape"], ["merged"]),                    # [0, 0, -1]
             helper.make_node("MatMul", ["merged", "wo"], ["proj"]),
             helper.make_node("Add", ["proj", "h"], ["res"]),
             helper.make_node("Gelu", ["res"], ["act"], domain=""),
             helper.make_node("ReduceMean", ["act", "last"], ["y"], keepdims=0)]
    inits = [numpy_helper.from_array(emb, "emb"), numpy_helper.from_array(wq, "wq"), numpy_helper.from_array(wo, "wo"),
             numpy_helper.from_array(np.ones(16, np.float32), "ln_g"), numpy_helper.from_array(np.zeros(16, np.float32), "ln_b"),
             c("heads_shape", [0, 0, 2, 8]), c("merge_shape", [0, 0, -1]), c("last", [-1]), numpy_helper.from_array(np.array(2.83, np.float32), "scale")]
    model = make_model(nodes, [vi("ids", ["B", "S"], TensorProto.INT64)], [out_vi("y")], inits, opset=20)
    model.ir_version = 9
    ids = rng.integers(0, 50, (2, 5)).astype(np.int64)
    _, ours = infer(abridge, tmp_path, model, {"ids": ids})
    assert dims(ours["h"]) == ["B", "S", 16]
    assert dims(ours["qh"]) == ["B", "S", 2, 8]
    assert dims(ours["kt"]) == ["B", 2, 8, "S"]
    assert dims(ours["scores"]) == ["B", 2, "S", "S"]
    assert dims(ours["merged"]) == ["B", "S", 16], "-1 is B*S*2*8 / (B*S) = 16"
    assert dims(ours["res"]) == ["B", "S", 16]


def test_infer_shapes_broadcasting_with_symbolic_batch(abridge, tmp_path):
    nodes = [helper.make_node("Add", ["a", "b"], ["s"]),              # [N, 1, 4] + [3, 1] -> [N, 3, 4]
             helper.make_node("Mul", ["s", "one"], ["m"]),            # [N, 3, 4] * [1]
             helper.make_node("Less", ["m", "c"], ["lt"]),            # [N, 3, 4] < [M, 1, 1] -> [?, 3, 4] bool
             helper.make_node("Equal", ["a", "a"], ["eq"]),
             helper.make_node("Where", ["lt", "m", "zero"], ["w"]),
             helper.make_node("Max", ["w", "b", "a"], ["mx"]),
             helper.make_node("Pow", ["mx", "two"], ["y"])]
    inits = [numpy_helper.from_array(np.ones(1, np.float32), "one"), numpy_helper.from_array(np.array(0, np.float32), "zero"),
             numpy_helper.from_array(np.array(2, np.float32), "two")]
    model = make_model(nodes, [vi("a", ["N", 1, 4]), vi("b", [3, 1]), vi("c", ["M", 1, 1])],
                       [out_vi("y"), vi("eq", None, TensorProto.BOOL)], inits)
    rng = np.random.default_rng(42)
    feeds = {"a": rng.standard_normal((2, 1, 4)).astype(np.float32), "b": rng.standard_normal((3, 1)).astype(np.float32),
             "c": rng.standard_normal((2, 1, 1)).astype(np.float32)}
    _, ours = infer(abridge, tmp_path, model, feeds)
    assert dims(ours["s"]) == ["N", 3, 4] and dims(ours["m"]) == ["N", 3, 4]
    assert dims(ours["lt"]) == [None, 3, 4], "N against M: unknown, never guessed"
    assert ours["lt"].type.tensor_type.elem_type == TensorProto.BOOL
    assert dims(ours["mx"]) == [None, 3, 4]


def test_infer_shapes_shape_ops_and_data_propagation(abridge, tmp_path):
    i64 = lambda name, v: numpy_helper.from_array(np.array(v, np.int64), name)
    nodes = [helper.make_node("Shape", ["x"], ["shp"]),                                        # [N, 6, 4]
             helper.make_node("Gather", ["shp", "zero"], ["n"], axis=0),                       # scalar N
             helper.make_node("Unsqueeze", ["n", "ax0"], ["n1"]),
             helper.make_node("Concat", ["n1", "minus1"], ["flat_shape"], axis=0),             # [N, -1]
             helper.make_node("Reshape", ["x", "flat_shape"], ["flat"]),                       # [N, 24]
             helper.make_node("Split", ["x", "split"], ["s1", "s2"], axis=1),                  # [N, 2, 4], [N, 4, 4]
             helper.make_node("Slice", ["s2", "starts", "ends", "axes", "steps"], ["sl"]),     # [N, 2, 4] (step -2)
             helper.make_node("Concat", ["s1", "sl"], ["cat"], axis=-1),                       # [N, 2, 8]
             helper.make_node("Squeeze", ["g1", "ax0"], ["sq"]),                               # [1, 6, 4] -> [6, 4]
             helper.make_node("Unsqueeze", ["sq", "ax02"], ["us"]),                            # [1, 6, 1, 4]
             helper.make_node("ReduceSum", ["cat", "ax1"], ["rs"], keepdims=1),                # [N, 1, 8]
             helper.make_node("ReduceMax", ["cat"], ["rm"], axes=[0, 2], keepdims=0),          # [2] (opset 17: attr)
             helper.make_node("ArgMax", ["cat"], ["am"], axis=2, keepdims=0),                  # [N, 2] int64
             helper.make_node("Expand", ["rs", "exp_shape"], ["ex"]),                          # [N, 3, 8]
             helper.make_node("Tile", ["sq", "reps"], ["tl"]),                                 # [12, 4]
             helper.make_node("Pad", ["tl", "pads"], ["pd"]),                                  # [13, 7]
             helper.make_node("Resize", ["g1", "", "scales"], ["rz"], mode="nearest"),         # [1, 6, 8]
             helper.make_node("ConstantOfShape", ["cos_shape"], ["cs"], value=numpy_helper.from_array(np.array([1], np.int32))),
             helper.make_node("Cast", ["cs"], ["cf"], to=TensorProto.FLOAT16),
             helper.make_node("Transpose", ["x"], ["xt"]),                                     # [4, 6, N]
             helper.make_node("Constant", [], ["k"], value_ints=[1, 2, 3]),
             helper.make_node("QuantizeLinear", ["tl", "qs", "qz"], ["q"]),
             helper.make_node("DequantizeLinear", ["q", "qs", "qz"], ["dq"]),
             helper.make_node("Flatten", ["x"], ["fl"], axis=2)]                               # [N*6, 4] -> [?, 4]
    inits = [i64("zero", 0), i64("ax0", [0]), i64("ax02", [0, 2]), i64("ax1", [1]), i64("minus1", [-1]), i64("split", [2, 4]),
             i64("starts", [-1]), i64("ends", [-100]), i64("axes", [1]), i64("steps", [-2]), i64("exp_shape", [1, 3, 1]),
             i64("reps", [2, 1]), i64("pads", [1, 0, 0, 3]), numpy_helper.from_array(np.array([1, 1, 2], np.float32), "scales"),
             i64("cos_shape", [2, 5]), numpy_helper.from_array(np.array(0.1, np.float32), "qs"),
             numpy_helper.from_array(np.array(3, np.int8), "qz")]
    outs = ["flat", "ex", "rm", "am", "pd", "rz", "cf", "xt", "k", "us", "dq", "fl"]
    model = make_model(nodes, [vi("x", ["N", 6, 4]), vi("g1", [1, 6, 4])], [out_vi(o) for o in outs],
                       inits, opset=17)
    rng = np.random.default_rng(43)
    feeds = {"x": rng.standard_normal((3, 6, 4)).astype(np.float32), "g1": rng.standard_normal((1, 6, 4)).astype(np.float32)}
    _, ours = infer(abridge, tmp_path, model, feeds)
    assert dims(ours["shp"]) == [3]
    assert dims(ours["n"]) == []
    assert dims(ours["flat_shape"]) == [2]
    assert dims(ours["s1"]) == ["N", 2, 4] and dims(ours["s2"]) == ["N", 4, 4]
    assert dims(ours["sl"]) == ["N", 2, 4]
    assert dims(ours["cat"]) == ["N", 2, 8]
    assert dims(ours["sq"]) == [6, 4]
    assert dims(ours["rs"]) == ["N", 1, 8]
    assert dims(ours["tl"]) == [12, 4]
    assert dims(ours["cs"]) == [2, 5] and ours["cs"].type.tensor_type.elem_type == TensorProto.INT32
    assert ours["q"].type.tensor_type.elem_type == TensorProto.INT8


def test_infer_shapes_reshape_from_shape_keeps_symbol(abridge, tmp_path):
    # Shape -> Gather -> Unsqueeze -> Concat -> Reshape: the batch symbol reaches the Reshape output.
    i64 = lambda name, v: numpy_helper.from_array(np.array(v, np.int64), name)
    nodes = [helper.make_node("Shape", ["x"], ["shp"]),
             helper.make_node("Gather", ["shp", "zero"], ["n"], axis=0),
             helper.make_node("Unsqueeze", ["n", "ax0"], ["n1"]),
             helper.make_node("Concat", ["n1", "minus1"], ["flat_shape"], axis=0),
             helper.make_node("Reshape", ["x", "flat_shape"], ["flat"]),
             helper.make_node("Relu", ["flat"], ["y"])]
    model = make_model(nodes, [vi("x", ["N", 6, 4])], [out_vi("y")], [i64("zero", 0), i64("ax0", [0]), i64("minus1", [-1])], opset=17)
    _, ours = infer(abridge, tmp_path, model, {"x": np.zeros((2, 6, 4), np.float32)})
    assert dims(ours["flat"]) == ["N", 24]


def test_infer_shapes_opset11_attribute_axes_and_if_subgraph(abridge, tmp_path):
    then_g = helper.make_graph([helper.make_node("Unsqueeze", ["x"], ["t"], axes=[0])], "then", [],
                               [helper.make_tensor_value_info("t", TensorProto.FLOAT, None)])
    else_g = helper.make_graph([helper.make_node("Neg", ["x"], ["e0"]), helper.make_node("Unsqueeze", ["e0"], ["e"], axes=[0])],
                               "else", [], [helper.make_tensor_value_info("e", TensorProto.FLOAT, None)])
    nodes = [helper.make_node("ReduceSum", ["x"], ["s"], axes=[1], keepdims=0),
             helper.make_node("Greater", ["s", "zero"], ["cond_v"]),
             helper.make_node("Squeeze", ["cond_v"], ["cond"], axes=[0]),
             helper.make_node("If", ["cond"], ["r"], then_branch=then_g, else_branch=else_g),
             helper.make_node("Relu", ["r"], ["y"])]
    model = make_model(nodes, [vi("x", [1, 4])], [out_vi("y")], [numpy_helper.from_array(np.array(0, np.float32), "zero")], opset=11)
    model.ir_version = 6
    out, ours = infer(abridge, tmp_path, model, {"x": np.ones((1, 4), np.float32)})
    assert dims(ours["s"]) == [1] and dims(ours["cond"]) == []
    assert dims(ours["r"]) == [1, 1, 4]
    branch = {v.name: v for g in (a.g for a in out.graph.node[3].attribute) for v in g.value_info}
    assert dims(branch["e0"]) == [1, 4], "subgraph values are typed in the subgraph's value_info"


def test_infer_shapes_op_without_rule_leaves_outputs_untyped(abridge, tmp_path):
    nodes = [helper.make_node("Relu", ["x"], ["a"]),
             helper.make_node("Mystery", ["a"], ["b"], domain="com.example"),
             helper.make_node("Relu", ["b"], ["c"]),
             helper.make_node("Neg", ["a"], ["d"])]
    g = helper.make_graph(nodes, "g", [vi("x", [2, 3])], [vi("c", [2, 3]), vi("d", [2, 3])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)])
    m.ir_version = 8
    onnx.save(m, str(tmp_path / "m.onnx"))
    p = abridge("convert", tmp_path / "m.onnx", "-o", tmp_path / "out.onnx", "--passes", "infer-shapes")
    assert p.returncode == 0, p.stderr
    out = onnx.load(str(tmp_path / "out.onnx"))
    ours = {v.name: v for v in out.graph.value_info}
    assert set(ours) == {"a"}, "b (no rule) and its consumer's output stay untyped"
    assert dims(ours["a"]) == [2, 3]
    assert [dims(o) for o in out.graph.output] == [[2, 3], [2, 3]]


def test_infer_shapes_conflicting_declaration_is_refused(abridge, tmp_path):
    rng = np.random.default_rng(44)
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv1", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["y"])]
    model = make_model(nodes, [vi("x", [1, 3, 5, 5])], [vi("y", [1, 8, 5, 5])],
                       [numpy_helper.from_array(rng.standard_normal((8, 3, 3, 3)).astype(np.float32), "w")],
                       value_info=[vi("c", [1, 8, 4, 4])])
    onnx.save(model, str(tmp_path / "m.onnx"))
    p = abridge("convert", tmp_path / "m.onnx", "-o", tmp_path / "out.onnx", "--passes", "infer-shapes")
    assert p.returncode == 65, p.stderr
    assert "'conv1'" in p.stderr and "'c'" in p.stderr and "[1, 8, 5, 5]" in p.stderr and "[1, 8, 4, 4]" in p.stderr, p.stderr
    assert not (tmp_path / "out.onnx").exists()


def test_infer_shapes_conflicting_element_type_is_refused(abridge, tmp_path):
    nodes = [helper.make_node("Cast", ["x"], ["c"], name="to_int", to=TensorProto.INT32),
             helper.make_node("Cast", ["c"], ["y"], to=TensorProto.FLOAT)]
    model = make_model(nodes, [vi("x", [2])], [vi("y", [2])], value_info=[vi("c", [2], TensorProto.INT64)])
    onnx.save(model, str(tmp_path / "m.onnx"))
    p = abridge("convert", tmp_path / "m.onnx", "-o", tmp_path / "out.onnx", "--passes", "infer-shapes")
    assert p.returncode == 65 and "'to_int'" in p.stderr and "int32" in p.stderr, p.stderr
    assert not (tmp_path / "out.onnx").exists()


def test_infer_shapes_fills_symbolic_intermediates_but_not_graph_outputs(abridge, tmp_path):
    nodes = [helper.make_node("Relu", ["x"], ["a"]), helper.make_node("Neg", ["a"], ["y"])]
    model = make_model(nodes, [vi("x", [2, 3])], [vi("y", ["N", None])], value_info=[vi("a", ["M", None])])
    out, ours = infer(abridge, tmp_path, model)
    assert dims(ours["a"]) == [2, 3]
    assert dims(out.graph.output[0]) == ["N", None]
    p = abridge("convert", tmp_path / "out.onnx", "-o", tmp_path / "again.onnx", "--passes", "infer-shapes")
    assert p.returncode == 0 and "passes changed nothing" in p.stderr + p.stdout, "a second run changes nothing"


@pytest.mark.parametrize("ir_version", [3, 8])
def test_infer_shapes_initializer_listed_as_input(abridge, tmp_path, ir_version):
    # From IR version 4 a feed may override an initializer that is also a graph input, so its
    # contents are not used (only its declared type); before, every initializer is an input and
    # a constant.
    nodes = [helper.make_node("Reshape", ["x", "shape"], ["r"]), helper.make_node("Relu", ["r"], ["y"])]
    g = helper.make_graph(nodes, "g", [vi("x", [2, 6]), vi("shape", [2], TensorProto.INT64)], [vi("y", [None, None])],
                          [numpy_helper.from_array(np.array([3, -1], np.int64), "shape")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 9)])
    m.ir_version = ir_version
    onnx.save(m, str(tmp_path / "m.onnx"))
    assert abridge("convert", tmp_path / "m.onnx", "-o", tmp_path / "out.onnx", "--passes", "infer-shapes").returncode == 0
    ours = {v.name: v for v in onnx.load(str(tmp_path / "out.onnx")).graph.value_info}
    assert dims(ours["r"]) == ([3, 4] if ir_version == 3 else [None, None])


def test_fold_batch_norm_leaves_overridable_initializers(abridge, tmp_path):
    # IR 4+: an initializer that is also a graph input is a default a feed may replace.
    rng = np.random.default_rng(40)
    g = conv_bn_graph(rng, "Conv", 1)
    g.input.extend([helper.make_tensor_value_info(t.name, TensorProto.FLOAT, list(t.dims)) for t in g.initializer])
    save(g, tmp_path / "m.onnx")
    p = abridge("convert", tmp_path / "m.onnx", "-o", tmp_path / "out.onnx", "--passes", "fold-batch-norm")
    assert p.returncode == 0, p.stderr
    assert [n.op_type for n in onnx.load(str(tmp_path / "out.onnx")).graph.node] == ["Conv", "BatchNormalization"]


def test_inspect_lists_overridable_initializers(abridge, tmp_path):
    rng = np.random.default_rng(41)
    g = conv_bn_graph(rng, "Conv", 1)
    g.input.extend([helper.make_tensor_value_info(t.name, TensorProto.FLOAT, list(t.dims)) for t in g.initializer[:2]])
    save(g, tmp_path / "m.onnx")
    p = abridge("inspect", tmp_path / "m.onnx")
    assert p.returncode == 0, p.stderr
    assert "2 initializers also listed as inputs, which a feed may override: w, b" in p.stdout, p.stdout
    import json
    j = json.loads(abridge("inspect", tmp_path / "m.onnx", "--json").stdout)
    assert j["overridableInitializers"] == ["w", "b"]
