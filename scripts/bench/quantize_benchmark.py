#!/usr/bin/env python3
"""Benchmark (not a test): abridge quantize against onnxruntime's quantize_static on the samples.

For each sample and setting (per-tensor / per-channel; MinMax, Percentile, Entropy) it runs both
quantizers on the same calibration data, then measures the quantized models with onnxruntime on
the sample's test set. Prints wall time and peak RSS of each quantizer (fresh subprocesses) and
the accuracy / perplexity table.

    python3 scripts/bench/quantize_benchmark.py [--abridge .build/release/abridge] [--samples a,b]
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "interop"))
from qhelpers import SAMPLES, metric  # noqa: E402

ORT_SCRIPT = """
import sys, numpy as np, onnx
sys.path.insert(0, {interop!r})
from onnxruntime.quantization import QuantFormat, QuantType, quantize_static, CalibrationMethod
from onnxruntime.quantization.shape_inference import quant_pre_process
from qhelpers import NpzReader
name, out, per_channel, method = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4]
pre = out + ".pre.onnx"
quant_pre_process({samples!r} + "/" + name + ".onnx", pre, skip_symbolic_shape=True)
names = [i.name for i in onnx.load(pre).graph.input]
reader = NpzReader({samples!r} + "/" + name + ".calib.npz", names)
m = {{"minmax": CalibrationMethod.MinMax, "percentile": CalibrationMethod.Percentile, "entropy": CalibrationMethod.Entropy}}[method]
quantize_static(pre, out, reader, quant_format=QuantFormat.QDQ, per_channel=per_channel,
                activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, calibrate_method=m)
"""


def timed(cmd):
    """Wall seconds and peak RSS (MiB) of one fresh process, via GNU time."""
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} failed: {p.stderr[-2000:]}")
    rss_kib = int(p.stderr.strip().splitlines()[-1])
    return wall, rss_kib / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--abridge", default=str(ROOT / ".build" / "release" / "abridge"))
    ap.add_argument("--samples", default="digits-mlp,digits-cnn,tiny-lm")
    args = ap.parse_args()
    script = ORT_SCRIPT.format(interop=str(ROOT / "Tests" / "interop"), samples=str(SAMPLES))
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for name in args.samples.split(","):
            kind, float_value = metric(name, SAMPLES / f"{name}.onnx")
            for per_channel in (False, True):
                for method in ("minmax", "percentile", "entropy"):
                    ours = f"{d}/{name}-ours.onnx"
                    theirs = f"{d}/{name}-ort.onnx"
                    cmd = [args.abridge, "quantize", str(SAMPLES / f"{name}.onnx"), "--calibration",
                           str(SAMPLES / f"{name}.calib.npz"), "-o", ours, "--force", "--quiet", "--method", method]
                    if not per_channel:
                        cmd.append("--no-per-channel")
                    t_ours, rss_ours = timed(cmd)
                    t_ort, rss_ort = timed([sys.executable, "-c", script, name, theirs, "1" if per_channel else "0", method])
                    _, v_ours = metric(name, ours)
                    _, v_ort = metric(name, theirs)
                    rows.append(dict(sample=name, metric=kind, float=float_value, per_channel=per_channel, method=method,
                                     abridge=v_ours, onnxruntime=v_ort, abridge_s=t_ours, onnxruntime_s=t_ort,
                                     abridge_rss_mib=rss_ours, onnxruntime_rss_mib=rss_ort))
                    r = rows[-1]
                    print(f"{name:10} {'per-channel' if per_channel else 'per-tensor ':11} {method:10} "
                          f"float {float_value:.4f}  abridge {v_ours:.4f}  ort {v_ort:.4f}  "
                          f"time {t_ours:6.2f}s vs {t_ort:6.2f}s", flush=True)
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
