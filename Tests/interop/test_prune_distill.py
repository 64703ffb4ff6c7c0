"""abridge prune --calibration: the distillation after the least-squares refits.

Oracles: onnxruntime (the distilled model runs and agrees with our runtime), numpy (sparsity
kept), hand arithmetic (the default work budget).
"""
import json

import numpy as np
import pytest
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


def with_fixed_batch(src, dst, batch=1):
    m = onnx.load(str(src))
    for v in list(m.graph.input) + list(m.graph.output):
        d = v.type.tensor_type.shape.dim[0]
        d.ClearField("dim_param")
        d.dim_value = batch
    onnx.save(m, str(dst))


def test_fixed_batch_and_float64_data_are_distilled(abridge, tmp_path):
    # A model exported with batch 1 is trained one sample per pass (gradients summed over the
    # step); float64 calibration data are converted to the declared float32 as in every command.
    b1 = tmp_path / "mlp-b1.onnx"
    with_fixed_batch(SAMPLES / "digits-mlp.onnx", b1)
    x = np.load(SAMPLES / "digits-mlp.calib.npz")["input"]
    np.savez(tmp_path / "f64.npz", input=x.astype(np.float64))
    for model, data in ((b1, SAMPLES / "digits-mlp.calib.npz"), (SAMPLES / "digits-mlp.onnx", tmp_path / "f64.npz")):
        out = tmp_path / "out.onnx"
        p = abridge("prune", model, "-o", out, "--force", "--json", "--pattern", "channels", "--sparsity", "0.5",
                    "--calibration", data, "--distill-steps", "20")
        assert p.returncode == 0, p.stderr
        d = json.loads(p.stdout)["report"]["distillation"]
        assert d["steps"] == 20 and d["samples"] == 200 and d["relativeErrorAfter"] <= d["relativeErrorBefore"], d
        s = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
        y = s.run(None, {"input": x[:1]})[0]
        assert y.shape == (1, 10) and np.isfinite(y).all()


def matmul_3d_model(path):
    """x [N,64] -> Reshape [N,4,16] -> MatMul [16,16] -> Relu -> MatMul [16,16] -> y [N,4,16]."""
    rng = np.random.default_rng(1)
    inits = [numpy_helper.from_array(np.array([0, 4, 16], np.int64), "shape"),
             numpy_helper.from_array((rng.standard_normal((16, 16)) * 0.3).astype(np.float32), "w1"),
             numpy_helper.from_array((rng.standard_normal((16, 16)) * 0.3).astype(np.float32), "w2")]
    nodes = [helper.make_node("Reshape", ["x", "shape"], ["r"], name="reshape"),
             helper.make_node("MatMul", ["r", "w1"], ["h"], name="mm1"),
             helper.make_node("Relu", ["h"], ["a"], name="relu"),
             helper.make_node("MatMul", ["a", "w2"], ["y"], name="mm2")]
    g = helper.make_graph(nodes, "mm3d", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 64])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4, 16])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    onnx.save(m, str(path))


def test_a_distillation_that_cannot_run_on_the_data_keeps_the_refit_model(abridge, tmp_path):
    src = tmp_path / "mm3d.onnx"
    matmul_3d_model(src)
    x = np.random.default_rng(2).random((32, 64), dtype=np.float32)
    np.savez(tmp_path / "calib.npz", x=x)
    np.savez(tmp_path / "nan.npz", x=np.full((32, 64), np.nan, np.float32))
    for data, reason in (("calib.npz", "only 2-D × 2-D products are trained"), ("nan.npz", "every sample holds NaN or infinite values")):
        out = tmp_path / "out.onnx"
        p = abridge("prune", src, "-o", out, "--force", "--json", "--sparsity", "0.5", "--calibration", tmp_path / data)
        assert p.returncode == 0, p.stderr
        r = json.loads(p.stdout)["report"]
        assert "distillation" not in r and reason in r["distillationSkipped"], r.get("distillationSkipped")
        assert "distillation stopped" in p.stderr and "the refit weights are kept" in p.stderr
        y = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"]).run(None, {"x": x[:2]})[0]
        assert y.shape == (2, 4, 16)


def test_nothing_pruned_is_not_distilled(abridge, tmp_path):
    p = abridge("prune", SAMPLES / "digits-cnn.onnx", "-o", tmp_path / "o.onnx", "--json", "--sparsity", "0.5",
                "--exclude-nodes", ".*", "--calibration", SAMPLES / "digits-cnn.calib.npz")
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)["report"]
    assert r["distillationSkipped"] == "no layer was pruned" and "distillation" not in r


@pytest.mark.parametrize("batch", [3, 4])
def test_fixed_batch_above_one_runs_every_stage_in_full_batches(abridge, tmp_path, batch):
    # digits-mlp exported with batch 3 or 4: the refits, the distillation and --eval run passes
    # of exactly that many samples. 200 calibration samples leave 2 out at batch 3 (said); the
    # 450 test samples fill the last pass of 4 with copies, whose predictions are dropped.
    src = tmp_path / f"mlp-b{batch}.onnx"
    with_fixed_batch(SAMPLES / "digits-mlp.onnx", src, batch)
    out = tmp_path / "out.onnx"
    p = abridge("prune", src, "-o", out, "--json", "--pattern", "channels", "--sparsity", "0.5", "--distill-steps", "20",
                "--calibration", SAMPLES / "digits-mlp.calib.npz", "--eval", SAMPLES / "digits-mlp.test.npz")
    assert p.returncode == 0, p.stderr
    s = json.loads(p.stdout)
    r = s["report"]
    assert r["distillation"]["samples"] == 200 - 200 % batch
    assert ("left out of the refits" in p.stderr) == (800 % batch != 0)
    assert r["macsBefore"] == 17024   # per sample, as for the symbolic-batch model
    data = np.load(SAMPLES / "digits-mlp.test.npz")
    x, labels = data["input"], data["labels"]
    pad = (-len(x)) % batch
    xp = np.concatenate([x, np.repeat(x[-1:], pad, axis=0)])
    sess = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    pred = np.concatenate([sess.run(None, {"input": xp[i:i + batch]})[0].argmax(-1) for i in range(0, len(xp), batch)])[:len(x)]
    assert s["evalSamples"] == 450 and abs(s["accuracyAfter"] - float((pred == labels).mean())) < 1e-9
