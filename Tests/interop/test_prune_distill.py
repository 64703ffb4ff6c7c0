"""abridge prune --calibration: the distillation after the least-squares refits.

Oracles: onnxruntime (the distilled model runs and agrees with our runtime), numpy (sparsity
kept), hand arithmetic (the default work budget).
"""
import json

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from qhelpers import SAMPLES


def big_image_cnn(path, side=256):
    """x [N,1,side,side] -> Conv 1->16 3x3 -> Relu -> Conv 16->16 3x3 -> y: (144 + 2304) * side^2
    MACs per sample (160M at 256x256), small weights."""
    rng = np.random.default_rng(0)
    w1 = numpy_helper.from_array((rng.standard_normal((16, 1, 3, 3)) * 0.3).astype(np.float32), "w1")
    w2 = numpy_helper.from_array((rng.standard_normal((16, 16, 3, 3)) * 0.1).astype(np.float32), "w2")
    pads = helper.make_attribute("pads", [1, 1, 1, 1])
    c1 = helper.make_node("Conv", ["x", "w1"], ["h"], name="conv1")
    c1.attribute.append(pads)
    c2 = helper.make_node("Conv", ["r", "w2"], ["y"], name="conv2")
    c2.attribute.append(pads)
    g = helper.make_graph([c1, helper.make_node("Relu", ["h"], ["r"], name="relu"), c2], "big",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, side, side])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 16, side, side])], [w1, w2])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    onnx.save(m, str(path))
    return rng.random((2, 1, side, side), dtype=np.float32)


def test_default_distillation_respects_its_work_budget(abridge, tmp_path):
    src = tmp_path / "big.onnx"
    x = big_image_cnn(src)
    np.savez(tmp_path / "calib.npz", x=x)
    common = ("prune", src, "--force", "--json", "--sparsity", "0.5", "--calibration", tmp_path / "calib.npz", "--mixup", "0")
    p = abridge(*common, "-o", tmp_path / "a.onnx")
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)["report"]
    # 600 steps x 2 rows x 4 x 163,577,856 MACs (65,536 positions x 2,496 weights) = 7.85e11 > 5e11.
    assert "distillation" not in r
    assert "over the default budget" in r["distillationSkipped"] and "--distill-steps" in r["distillationSkipped"]
    # Asked for explicitly, it runs whatever the cost; zeros stay zeros, the result runs in onnxruntime.
    p = abridge(*common, "-o", tmp_path / "b.onnx", "--distill-steps", "2")
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)["report"]
    d = r["distillation"]
    assert d["steps"] == 2 and d["samples"] == 2 and d["blendsPerStep"] == 0 and d["trainedTensors"] == ["w1", "w2"]
    m = onnx.load(str(tmp_path / "b.onnx"))
    w = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    assert int((w["w2"] == 0).sum()) == w["w2"].size // 2 and int((w["w1"] == 0).sum()) == 72
    y = ort.InferenceSession(str(tmp_path / "b.onnx"), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    assert np.isfinite(y).all()


def test_distillation_off_and_unsupported_graphs_say_why(abridge, tmp_path):
    out = tmp_path / "lm.onnx"
    p = abridge("prune", SAMPLES / "tiny-lm.onnx", "-o", out, "--json", "--pattern", "channels", "--sparsity", "0.25",
                "--calibration", SAMPLES / "tiny-lm.calib.npz", "--calibration-size", "8")
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)["report"]
    # Token ids cannot be blended; the graph starts with a Gather, which has no training kernel.
    assert "input_ids" in r["blendsNotUsed"]
    assert r["distillationSkipped"].startswith("cannot train through Gather node")
    p = abridge("prune", SAMPLES / "tiny-lm.onnx", "-o", out, "--force", "--pattern", "channels", "--sparsity", "0.25",
                "--calibration", SAMPLES / "tiny-lm.calib.npz", "--calibration-size", "8", "--distill-steps", "0")
    assert p.returncode == 0, p.stderr
    assert "not distilled: --distill-steps 0" in p.stdout
