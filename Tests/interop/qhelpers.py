"""Helpers for the quantization interop tests: metrics computed with onnxruntime and numpy."""
import json
import pathlib

import numpy as np
import onnx
import onnxruntime as ort

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"


def session(path, optimized=None):
    so = ort.SessionOptions()
    so.log_severity_level = 3
    if optimized:
        so.optimized_model_filepath = str(optimized)
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def outputs(path, data, optimized=None):
    s = session(path, optimized)
    feeds = {i.name: data[i.name] for i in s.get_inputs()}
    return s.run(None, feeds)[0]


def perplexity(logits, labels):
    z = logits - logits.max(-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    nll = -np.take_along_axis(logp, labels[..., None], -1)[..., 0]
    mask = labels != -100
    return float(np.exp(nll[mask].mean()))


def metric(name, path):
    """(kind, value) of a model on the sample's test set: accuracy or perplexity."""
    meta = json.loads((SAMPLES / f"{name}.json").read_text())
    data = np.load(SAMPLES / f"{name}.test.npz")
    y = outputs(path, data)
    if meta["task"] == "lm":
        return "perplexity", perplexity(y, data["labels"])
    return "accuracy", float((y.argmax(-1) == data["labels"]).mean())


class NpzReader:
    """onnxruntime CalibrationDataReader over a sample's calibration .npz (one sample per call)."""

    def __init__(self, path, input_names):
        d = np.load(path)
        self.arrays = {k: d[k] for k in input_names}
        self.n = len(next(iter(self.arrays.values())))
        self.i = 0

    def get_next(self):
        if self.i >= self.n:
            return None
        feed = {k: v[self.i:self.i + 1] for k, v in self.arrays.items()}
        self.i += 1
        return feed

    def rewind(self):
        self.i = 0


def ort_quantize_static(name, out, per_channel, method="minmax"):
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process
    model = SAMPLES / f"{name}.onnx"
    pre = pathlib.Path(str(out) + ".pre.onnx")
    quant_pre_process(str(model), str(pre), skip_symbolic_shape=True)
    names = [i.name for i in onnx.load(str(pre)).graph.input]
    reader = NpzReader(SAMPLES / f"{name}.calib.npz", names)
    calibrate = {"minmax": CalibrationMethod.MinMax, "percentile": CalibrationMethod.Percentile,
                 "entropy": CalibrationMethod.Entropy}[method]
    quantize_static(str(pre), str(out), reader, quant_format=QuantFormat.QDQ, per_channel=per_channel,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, calibrate_method=calibrate)
