#!/usr/bin/env python3
"""Benchmark (not a test): Abridge's runtime against onnxruntime and onnx's ReferenceEvaluator.

Issue 3, item 10. For each model it measures, in one run:

  - batch-1 latency: median and p90 over --runs timed runs after --warmup untimed ones;
  - throughput: samples per second of a batch of 32 when the model has a free batch axis (the
    samples), or of 32 batch-1 runs for the light models, whose batch is fixed at 1 (median over
    --throughput-runs timed runs);

for Abridge (`abridge run --repeat`, which times the session runs alone, without process
start-up, model load or data reading) and onnxruntime, each with 1 and 2 threads, and for
`onnx.reference.ReferenceEvaluator` with fewer runs (--ref-runs; its light-model throughput is
measured over --ref-throughput-samples batch-1 runs and scaled to 32, since 32 of its runs on
ResNet-50 take minutes). It prints the figures and the ratios: Abridge latency / onnxruntime
latency at the same thread count (target <= 3 on the CNNs) and ReferenceEvaluator latency /
Abridge latency (target >= 10).

Models: the onnx package's light ResNet-50, SqueezeNet and Inception v1, with their
ConstantOfShape(0.02) weights replaced by seeded random initializers (the helper of
Tests/interop/test_light_models.py, so the arithmetic is real) and a seeded N(0, 1) input; and the
samples (samples/*.onnx) on the first rows of their .test.npz. As a sanity check, Abridge's
outputs are compared with onnxruntime's (largest relative difference printed).

onnxruntime runs the CPU execution provider with its default graph optimizations
(ORT_ENABLE_ALL: it fuses Conv+BatchNorm+Relu; Abridge runs the graph as given),
intra_op_num_threads = T, inter_op_num_threads = 1, sequential execution.

    swift build -c release
    python3 scripts/bench/runtime_benchmark.py [--models resnet50,squeezenet,...] [--runs 20]
        [--json OUT.json]
"""
import argparse
import json
import os
import pathlib
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime
from onnx.reference import ReferenceEvaluator

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "interop"))
from test_light_models import LIGHT, feed_inputs, randomized  # noqa: E402

from benchinfo import machine  # noqa: E402

SAMPLES = ROOT / "samples"
LIGHT_MODELS = {"resnet50": "light_resnet50", "squeezenet": "light_squeezenet", "inception_v1": "light_inception_v1"}
SAMPLE_MODELS = ["digits-mlp", "digits-cnn", "tiny-lm"]
CNNS = {"resnet50", "squeezenet", "inception_v1", "digits-cnn"}
BATCH = 32


def stats(seconds):
    a = np.asarray(seconds, dtype=np.float64)
    return {"median_s": float(np.median(a)), "p90_s": float(np.percentile(a, 90)), "runs": len(a)}


def timed(fn, runs, warmup):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def prepare(name, tmp):
    """(model path, batch-1 npz, throughput npz, batch-1 feeds, throughput feed list, fixed batch)."""
    tmp = pathlib.Path(tmp)
    if name in LIGHT_MODELS:
        path = LIGHT / f"{LIGHT_MODELS[name]}.onnx"
        seed = sum(path.stem.encode())
        model, pre = randomized(onnx.load(str(path)), seed)
        # Time the model's own outputs only (the helper adds the pre-Softmax tensor as an output).
        extra = [o for o in model.graph.output if o.name == pre]
        if len(model.graph.output) > 1:
            for o in extra:
                model.graph.output.remove(o)
        model_path = tmp / f"{name}.onnx"
        onnx.save(model, str(model_path))
        single = feed_inputs(model, seed)
        rng = np.random.default_rng(seed + 2)
        many = [{k: rng.normal(0.0, 1.0, size=v.shape).astype(v.dtype) for k, v in single.items()} for _ in range(BATCH)]
        stacked = {k: np.concatenate([m[k] for m in many]) for k in single}
        fixed = True
    else:
        model_path = SAMPLES / f"{name}.onnx"
        names = {i.name for i in onnx.load(str(model_path)).graph.input}
        with np.load(SAMPLES / f"{name}.test.npz") as d:
            data = {k: d[k] for k in d.files if k in names}
        single = {k: v[:1] for k, v in data.items()}
        stacked = {k: v[:BATCH] for k, v in data.items()}
        many = [stacked]
        fixed = False
    one_npz, many_npz = tmp / f"{name}.1.npz", tmp / f"{name}.{BATCH}.npz"
    np.savez(one_npz, **single)
    np.savez(many_npz, **stacked)
    return model_path, one_npz, many_npz, single, many, fixed


def abridge_times(binary, model, npz, threads, runs, warmup, tmp):
    timing, out = pathlib.Path(tmp) / "timing.json", pathlib.Path(tmp) / "out.npz"
    cmd = [binary, "run", str(model), "--inputs", str(npz), "--threads", str(threads), "--repeat", str(runs),
           "--warmup", str(warmup), "--timing-json", str(timing), "-o", str(out), "--force", "-q"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-3000:]}")
    with np.load(out) as o:
        outputs = {k: o[k] for k in o.files}
    return json.loads(timing.read_text())["runs_s"], outputs


def ort_session(model, threads):
    so = onnxruntime.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    return onnxruntime.InferenceSession(str(model), so, providers=["CPUExecutionProvider"])


def rel_diff(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.max(np.abs(a - b)) / max(1e-12, float(np.max(np.abs(b)))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--abridge", default=str(ROOT / ".build" / "release" / "abridge"))
    ap.add_argument("--models", default=",".join([*LIGHT_MODELS, *SAMPLE_MODELS]))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--runs", type=int, default=20, help="timed batch-1 runs (latency)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--throughput-runs", type=int, default=5)
    ap.add_argument("--ref-runs", type=int, default=3, help="timed ReferenceEvaluator batch-1 runs")
    ap.add_argument("--ref-throughput-samples", type=int, default=4,
                    help="ReferenceEvaluator batch-1 runs timed for light-model throughput (scaled to 32)")
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--json", help="also write all figures here")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    info = machine()
    print(f"# machine: nproc {info['nproc']}, {info['cpu']}, Linux {info['kernel']}, {info['date']}, "
          f"load average {info['load_average']}; onnxruntime {info['onnxruntime']}, onnx {info['onnx']}")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            model, one_npz, many_npz, single, many, fixed = prepare(name, tmp)
            row = {"model": name, "throughput_unit": f"{BATCH} batch-1 runs" if fixed else f"batch {BATCH}",
                   "abridge": {}, "onnxruntime": {}}
            # Sub-millisecond models get more runs (same wall time budget, steadier medians).
            probe = ort_session(model, 1)
            quick = min(timed(lambda: probe.run(None, single), 3, 1)) < 1e-3
            del probe
            runs = args.runs * (25 if quick else 1)
            tp_runs = args.throughput_runs * (25 if quick else 1)
            row["runs"], row["throughput_runs"] = runs, tp_runs
            for t in threads:
                sess = ort_session(model, t)
                lat = timed(lambda: sess.run(None, single), runs, args.warmup)
                tp = timed(lambda: [sess.run(None, f) for f in many], tp_runs, 1)
                ort_out = dict(zip([o.name for o in sess.get_outputs()], sess.run(None, single)))
                row["onnxruntime"][t] = {"latency": stats(lat), "throughput_sps": BATCH / float(np.median(tp))}
                alat, aout = abridge_times(args.abridge, model, one_npz, t, runs, args.warmup, tmp)
                atp, _ = abridge_times(args.abridge, model, many_npz, t, tp_runs, 1, tmp)
                row["abridge"][t] = {"latency": stats(alat), "throughput_sps": BATCH / float(np.median(atp)),
                                     "max_rel_diff_vs_ort": max(rel_diff(aout[k], v) for k, v in ort_out.items())}
                del sess
            if not args.no_reference:
                ref = ReferenceEvaluator(str(model))
                rlat = timed(lambda: ref.run(None, single), args.ref_runs * (25 if quick else 1), 1)
                if fixed:
                    k = max(1, min(BATCH, args.ref_throughput_samples))
                    rtp = timed(lambda: [ref.run(None, f) for f in many[:k]], 1, 0)
                    sps = k / rtp[0]
                else:
                    rtp = timed(lambda: ref.run(None, many[0]), max(1, args.ref_runs), 0)
                    sps = BATCH / float(np.median(rtp))
                row["reference"] = {"latency": stats(rlat), "throughput_sps": sps}
            results.append(row)
            print_row(row, threads)
            sys.stdout.flush()
    info["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    print(f"# load average at the end: {info['load_average_end']}")
    print()
    print_table(results, threads)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"machine": info, "args": vars(args), "results": results}, indent=1))


def ms(s):
    """Milliseconds with three significant digits (sub-millisecond models stay readable)."""
    return f"{s * 1e3:.3g}" if s < 1e-2 else f"{s * 1e3:.1f}"


def print_row(row, threads):
    for t in threads:
        a, o = row["abridge"][t], row["onnxruntime"][t]
        print(f"{row['model']:>13} T={t}: abridge {ms(a['latency']['median_s'])} ms (p90 {ms(a['latency']['p90_s'])}), "
              f"{a['throughput_sps']:.1f}/s | ort {ms(o['latency']['median_s'])} ms (p90 {ms(o['latency']['p90_s'])}), "
              f"{o['throughput_sps']:.1f}/s | x ort {a['latency']['median_s'] / o['latency']['median_s']:.2f} "
              f"| max rel diff {a['max_rel_diff_vs_ort']:.1e}")
    if "reference" in row:
        r = row["reference"]
        print(f"{row['model']:>13} ref: {ms(r['latency']['median_s'])} ms, {r['throughput_sps']:.2f}/s")


def print_table(results, threads):
    """A Markdown table (pasted into BENCHMARKS.md)."""
    head = ["model", "throughput as"]
    for t in threads:
        head += [f"abridge T{t} ms median / p90", f"ort T{t} ms median / p90", f"x ort T{t}"]
    head += ["reference ms", "reference / abridge T1"]
    for t in threads:
        head += [f"abridge T{t} /s", f"ort T{t} /s"]
    head += ["reference /s"]
    print("| " + " | ".join(head) + " |")
    print("|" + " --- |" * len(head))
    for row in results:
        cells = [row["model"] + (" (CNN)" if row["model"] in CNNS else ""), row["throughput_unit"]]
        for t in threads:
            a, o = row["abridge"][t]["latency"], row["onnxruntime"][t]["latency"]
            cells += [f"{ms(a['median_s'])} / {ms(a['p90_s'])}", f"{ms(o['median_s'])} / {ms(o['p90_s'])}",
                      f"{a['median_s'] / o['median_s']:.2f}"]
        r = row.get("reference")
        a1 = row["abridge"][threads[0]]["latency"]["median_s"]
        cells += [ms(r["latency"]["median_s"]) if r else "-", f"{r['latency']['median_s'] / a1:.1f}" if r else "-"]
        for t in threads:
            cells += [f"{row['abridge'][t]['throughput_sps']:.1f}", f"{row['onnxruntime'][t]['throughput_sps']:.1f}"]
        cells += [f"{r['throughput_sps']:.2f}" if r else "-"]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
