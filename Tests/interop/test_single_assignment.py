"""A tensor name defined twice is an invalid model (fresh-user trial, bug 2).

onnx.checker requires single static assignment: a node output may not repeat another node's
output, a graph input or an initializer (of this graph or, for a subgraph, of an enclosing graph),
and a function body follows the same rule. Before the fix, `run` used one producer and `quantize`
silently dropped a node. Now the reader refuses every such model with exit 65 and one line naming
the tensor and both definitions; models the checker accepts still load.
"""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

F32 = TensorProto.FLOAT
INVALID = 65


def vi(name, shape=(1, 4)):
    return helper.make_tensor_value_info(name, F32, list(shape))


def model(nodes, inputs, outputs, inits=(), ir=8, opset=17, functions=()):
    g = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    imports = [helper.make_opsetid("", opset)] + ([helper.make_opsetid("custom", 1)] if functions else [])
    return helper.make_model(g, opset_imports=imports, ir_version=ir, functions=list(functions))


W = numpy_helper.from_array(np.arange(16, dtype=np.float32).reshape(4, 4), "w")


def two_producers():
    return model([helper.make_node("MatMul", ["x", "w"], ["y"], name="first"),
                  helper.make_node("Relu", ["x"], ["y"], name="second")], [vi("x")], [vi("y")], [W])


def output_named_like_input():
    return model([helper.make_node("Relu", ["x"], ["x"], name="clobber"),
                  helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], [vi("x")], [vi("y")], [W])


def output_named_like_initializer():
    return model([helper.make_node("Relu", ["x"], ["w"], name="clobber"),
                  helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], [vi("x")], [vi("y")], [W])


def output_named_like_initializer_input_ir3():
    return model([helper.make_node("Relu", ["x"], ["w"], name="clobber"),
                  helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                 [vi("x"), vi("w", (4, 4))], [vi("y")], [W], ir=3, opset=8)


def subgraph_output_named_like_outer_input():
    then = helper.make_graph([helper.make_node("Neg", ["x"], ["x"], name="inner")], "then", [], [vi("x")])
    other = helper.make_graph([helper.make_node("Relu", ["x"], ["z"], name="e")], "else", [], [vi("z")])
    c = helper.make_tensor_value_info("c", TensorProto.BOOL, [])
    return model([helper.make_node("If", ["c"], ["y"], name="branch", then_branch=then, else_branch=other)],
                 [vi("x"), c], [vi("y")])


def function_body_twice():
    f = helper.make_function("custom", "F", ["a"], ["b"],
                             [helper.make_node("Neg", ["a"], ["b"], name="n1"), helper.make_node("Relu", ["a"], ["b"], name="n2")],
                             [helper.make_opsetid("", 17)])
    return model([helper.make_node("F", ["x"], ["y"], domain="custom", name="call")], [vi("x")], [vi("y")], functions=[f])


CASES = {
    # builder: (strings the error names)
    "two_producers": (two_producers, ["'y'", "'first'", "'second'"]),
    "input": (output_named_like_input, ["'x'", "'clobber'", "graph input"]),
    "initializer": (output_named_like_initializer, ["'w'", "'clobber'", "initializer"]),
    "initializer_input_ir3": (output_named_like_initializer_input_ir3, ["'w'", "'clobber'", "initializer"]),
    "subgraph": (subgraph_output_named_like_outer_input, ["'x'", "'inner'", "enclosing graph"]),
    "function": (function_body_twice, ["'b'", "'n1'", "'n2'", "function 'F'"]),
}


def assert_one_error(p, *names):
    assert p.returncode >= 0, f"killed by signal {-p.returncode}; stderr:\n{p.stderr}"
    assert p.returncode == INVALID, f"exit {p.returncode}; stderr:\n{p.stderr}"
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("abridge: error: "), p.stderr
    for n in names:
        assert n in lines[0], f"{n!r} not in: {lines[0]}"
    assert "single static assignment" in lines[0]


@pytest.mark.parametrize("case", sorted(CASES))
def test_checker_rejects_and_every_command_refuses(abridge, tmp_path, case):
    build, names = CASES[case]
    m = build()
    with pytest.raises(onnx.checker.ValidationError, match="single static assignment"):
        onnx.checker.check_model(m)
    path = tmp_path / "bad.onnx"
    onnx.save(m, path)
    out = tmp_path / "out"
    out.mkdir()
    np.savez(tmp_path / "d.npz", x=np.ones((2, 4), np.float32), c=np.array([True, True]))
    assert_one_error(abridge("inspect", path), *names)
    assert_one_error(abridge("convert", path, "-o", out / "c.onnx"), *names)
    assert_one_error(abridge("run", path, "--inputs", tmp_path / "d.npz", "-o", out / "o.npz"), *names)
    assert_one_error(abridge("quantize", path, "--calibration", tmp_path / "d.npz", "-o", out / "q.onnx"), *names)
    assert sorted(f.name for f in out.iterdir()) == []


def test_subgraph_output_repeating_a_later_outer_output_still_loads(abridge, tmp_path):
    # The checker accepts a branch output named like the If's own output (defined after the
    # branch is checked), so the reader must too.
    then = helper.make_graph([helper.make_node("Neg", ["x"], ["y"], name="t")], "then", [], [vi("y")])
    other = helper.make_graph([helper.make_node("Relu", ["x"], ["z"], name="e")], "else", [], [vi("z")])
    c = helper.make_tensor_value_info("c", TensorProto.BOOL, [])
    m = model([helper.make_node("If", ["c"], ["y"], name="branch", then_branch=then, else_branch=other)], [vi("x"), c], [vi("y")])
    onnx.checker.check_model(m)
    path = tmp_path / "ok.onnx"
    onnx.save(m, path)
    p = abridge("convert", path, "-o", tmp_path / "c.onnx")
    assert p.returncode == 0, p.stderr
    onnx.checker.check_model(onnx.load(tmp_path / "c.onnx"))
