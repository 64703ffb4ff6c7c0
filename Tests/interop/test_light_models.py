"""The onnx package's light models agree with onnxruntime (issue 3, item 7).

The light models (`onnx/backend/test/data/light/*.onnx`: AlexNet, DenseNet-121, Inception v1/v2,
ResNet-50, ShuffleNet, SqueezeNet, VGG-19, ZFNet-512; opset 9) carry no trained weights: every
weight is `ConstantOfShape(0.02)`, so their output is a uniform 0.001 whatever the arithmetic
does. Each test therefore rewrites the model before running it:

  - every ConstantOfShape whose shape is an initializer becomes a seeded random initializer of
    that shape, scaled like a trained layer: He-normal (std sqrt(2 / fan_in)) for weights of rank
    >= 2, N(0, 0.01) for 1-D tensors (biases);
  - BatchNormalization parameters are redrawn too: scale and variance uniform in [0.5, 1.5]
    (variance stays positive), bias and mean N(0, 0.1);
  - the tensor feeding the last Softmax (DenseNet-121 has none: the input of its last node)
    becomes an extra graph output.

Then both our runtime (`abridge run MODEL --inputs IN.npz -o OUT.npz`) and onnxruntime run the
model on the same seeded random input, and the final output and the pre-Softmax tensor must agree
within rtol 1e-3. The absolute tolerance is 1e-6 of the tensor's largest magnitude (at least
1e-6): float32 sums carry an error proportional to their operands, not to their result, so an
element that is a small difference of large terms (ShuffleNet's random logits reach 3e5 while
some are near 100) differs by more than 1e-3 of itself between two correct summation orders.

Skipped when `abridge run --help` fails (the command is not built yet).
"""
import pathlib

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import helper, numpy_helper

LIGHT = pathlib.Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"
MODELS = sorted(LIGHT.glob("light_*.onnx"))
RTOL, ATOL = 1e-3, 1e-6


@pytest.fixture(scope="module")
def abridge_run(abridge):
    p = abridge("run", "--help")
    if p.returncode != 0:
        pytest.skip("abridge run not available yet")
    return abridge


def randomized(model: onnx.ModelProto, seed: int) -> tuple[onnx.ModelProto, str]:
    """The model with random weights and the last Softmax's input as an extra output.

    Returns the model and the name of that pre-Softmax tensor.
    """
    rng = np.random.default_rng(seed)
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}

    # BatchNormalization inputs 1..4: scale, B, mean, var.
    bn_role = {}
    for node in graph.node:
        if node.op_type == "BatchNormalization":
            for role, name in zip(("scale", "bias", "mean", "var"), node.input[1:5]):
                bn_role[name] = role

    def draw(name: str, shape: tuple[int, ...]) -> np.ndarray:
        role = bn_role.get(name)
        if role in ("scale", "var"):
            return rng.uniform(0.5, 1.5, size=shape).astype(np.float32)
        if role in ("bias", "mean"):
            return rng.normal(0.0, 0.1, size=shape).astype(np.float32)
        if len(shape) >= 2:
            fan_in = int(np.prod(shape[1:]))
            return rng.normal(0.0, np.sqrt(2.0 / max(1, fan_in)), size=shape).astype(np.float32)
        return rng.normal(0.0, 0.01, size=shape).astype(np.float32)

    kept, new_inits = [], []
    for node in graph.node:
        if node.op_type == "ConstantOfShape" and node.input and node.input[0] in inits:
            shape = tuple(int(d) for d in numpy_helper.to_array(inits[node.input[0]]))
            new_inits.append(numpy_helper.from_array(draw(node.output[0], shape), node.output[0]))
        else:
            kept.append(node)
    replaced = set()
    for i, t in enumerate(graph.initializer):
        if t.name in bn_role and t.data_type == onnx.TensorProto.FLOAT:
            shape = tuple(t.dims)
            graph.initializer[i].CopyFrom(numpy_helper.from_array(draw(t.name, shape), t.name))
            replaced.add(t.name)
    del graph.node[:]
    graph.node.extend(kept)
    graph.initializer.extend(new_inits)
    # Shape initializers no node reads any more.
    used = {name for node in graph.node for name in node.input}
    unused = [t for t in graph.initializer if t.name.endswith("__SHAPE") and t.name not in used]
    for t in unused:
        graph.initializer.remove(t)
    for v in [v for v in graph.input if v.name in {t.name for t in unused}]:
        graph.input.remove(v)

    softmaxes = [n for n in graph.node if n.op_type == "Softmax"]
    # DenseNet-121 ends without a Softmax: take the input of its last node instead.
    pre = (softmaxes[-1] if softmaxes else graph.node[-1]).input[0]
    if pre not in {o.name for o in graph.output}:
        graph.output.append(helper.make_tensor_value_info(pre, onnx.TensorProto.FLOAT, None))
    return model, pre


def feed_inputs(model: onnx.ModelProto, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed + 1)
    inits = {t.name for t in model.graph.initializer}
    feeds = {}
    for v in model.graph.input:
        if v.name in inits:
            continue
        shape = [d.dim_value if d.dim_value > 0 else 1 for d in v.type.tensor_type.shape.dim]
        feeds[v.name] = rng.normal(0.0, 1.0, size=shape).astype(np.float32)
    return feeds


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_light_model_matches_onnxruntime(path, tmp_path, abridge_run):
    seed = sum(path.stem.encode())
    model, pre = randomized(onnx.load(str(path)), seed)
    model_path = tmp_path / "model.onnx"
    onnx.save(model, str(model_path))
    feeds = feed_inputs(model, seed)
    inputs_path, outputs_path = tmp_path / "inputs.npz", tmp_path / "outputs.npz"
    np.savez(inputs_path, **feeds)

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = onnxruntime.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    expected = dict(zip(names, session.run(None, feeds)))

    p = abridge_run("run", model_path, "--inputs", inputs_path, "-o", outputs_path)
    assert p.returncode == 0, f"abridge run failed ({p.returncode}):\n{p.stderr}"
    with np.load(outputs_path) as got:
        for name in names:
            assert name in got.files, f"output {name!r} missing from {sorted(got.files)}"
            atol = max(ATOL, ATOL * float(np.max(np.abs(expected[name])))) if expected[name].size else ATOL
            np.testing.assert_allclose(got[name], expected[name], rtol=RTOL, atol=atol,
                                       err_msg=f"{path.stem}: output {name!r}")
    # The pre-Softmax tensor is not degenerate (the random weights did their job).
    assert np.std(expected[pre]) > 1e-3, f"{path.stem}: pre-Softmax tensor is nearly constant"
