#!/usr/bin/env python3
"""Benchmark (not a test): channel-pruned models against the originals in onnxruntime.

Issue 7. For each model it runs `abridge prune MODEL -o OUT --pattern channels --sparsity S`
(S = 0.25 and 0.5 by default, with `--calibration` so that the least-squares recovery runs too),
checks in the written files that every Conv / Gemm / MatMul weight is no larger than before and
that some are smaller, and prints side by side for the original and the pruned models:

  - parameters (elements of all initializers, counted from the .onnx files) and file bytes;
  - the shape of one weight before and after (the layer with the most multiply-accumulates);
  - multiply-accumulates of the prunable layers (`abridge prune --json`: macsBefore / macsAfter);
  - onnxruntime batch-1 latency and batch-B throughput (B = --batch, 32 by default), with
    intra_op_num_threads = 1 and with onnxruntime's default (0: one thread per physical core),
    and the speed-up of each pruned model over the original.

Timing: warm-up runs, then the variants (original, each pruned model) are run in rounds, one
timed run of each per round in a rotating order (each after one untimed run of the same session,
so that the thread pool of the previous session has stopped spinning), so that the noise of a
shared machine falls on all of them alike. Figures are the median with the interquartile range
(p25-p75) and the minimum; the speed-up is the ratio of the medians. Sub-millisecond models are
timed over inner loops of several calls (per-call time reported). onnxruntime runs the CPU
provider with its default graph optimizations (ORT_ENABLE_ALL: it folds BatchNormalization into
Conv, fuses Relu and, on x86, moves Conv to the blocked NCHWc layout, whose channel blocks are 8
(AVX2) or 16 (AVX-512) wide; --graph-optimization extended leaves that layout out),
inter_op_num_threads 1, sequential execution.

Models:
  digits-cnn  samples/digits-cnn.onnx (Conv 16, 32 on 8x8 digits, Gemm 128 -> 64 -> 10); inputs
              and calibration from samples/digits-cnn.{test,calib}.npz;
  vgg-cnn     a plain VGG-style CNN built here with onnx.helper and seeded random (He) weights:
              input [N, 3, 64, 64], six Conv 3x3 + BatchNormalization + Relu blocks with 32, 32,
              64, 128, 256, 256 channels (MaxPool 2x2 after all but the first), GlobalAveragePool,
              Flatten, Gemm 256 -> 10, opset 17; no residual Add / Concat (the channel pruner
              leaves such groups alone). Calibration: 32 seeded N(0, 1) inputs. Its weights are
              random, so only speed and sizes mean something for it, not accuracy;
  digits-mlp  samples/digits-mlp.onnx (Gemm 64 -> 128 -> 64 -> 10: pruning removes Gemm rows and
              the matching columns downstream).

With --accuracy-table it instead prints the accuracy of each sample (digits-mlp, digits-cnn,
tiny-lm) pruned with each pattern (unstructured 50% / 90%, 2:4, channels 25% / 50%), without
recovery, with `--calibration samples/NAME.calib.npz --distill-steps 0` (least-squares refits
only) and with `--calibration samples/NAME.calib.npz` (refits then distillation, the default; the
refits-only run is skipped when the default did not distill), as reported by `abridge prune --eval
samples/NAME.test.npz --json` (our runtime), cross-checked with onnxruntime on the same test set
(tiny-lm: next-byte accuracy, and perplexity per byte from onnxruntime).

    python3 scripts/bench/prune_benchmark.py [--abridge BIN (default $ABRIDGE_BIN, else .build/release/abridge)]
        [--models digits-cnn,vgg-cnn,digits-mlp] [--sparsities 0.25,0.5] [--runs 60]
        [--throughput-runs 20] [--batch 32] [--threads 1,0] [--graph-optimization all|extended]
        [--quick] [--keep DIR] [--json OUT]
    python3 scripts/bench/prune_benchmark.py --accuracy-table [--samples digits-mlp,digits-cnn,tiny-lm]

--quick: fewer timed runs and no digits-mlp. On a 2-core machine the default benchmark takes
about 1.5 minutes, most of it `abridge prune --calibration` on vgg-cnn (channel selection by
reconstruction); --accuracy-table about 8 minutes, nearly all of it tiny-lm (--quick skips it:
a few seconds).
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
from onnx import TensorProto, helper, numpy_helper

from benchinfo import machine

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
WEIGHT_OPS = {"Conv", "ConvTranspose", "Gemm", "MatMul"}

VGG_CHANNELS = [32, 32, 64, 128, 256, 256]
VGG_SIZE = 64
VGG_CLASSES = 10
VGG_CALIBRATION = 32
SEED = 7


# ----------------------------------------------------------------------------------------------
# The built VGG-style model


def build_vgg(path, size=VGG_SIZE, channels=VGG_CHANNELS, classes=VGG_CLASSES, seed=SEED):
    """A plain Conv-BN-Relu(-MaxPool) CNN with seeded random weights, saved to `path`."""
    rng = np.random.default_rng(seed)
    inits, nodes = [], []

    def init(name, array):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array, dtype=np.float32), name))
        return name

    x, c_in = "input", 3
    for i, c_out in enumerate(channels, 1):
        fan_in = c_in * 9
        w = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(c_out, c_in, 3, 3))
        # Output channels of unequal strength, as in trained networks, so the L1 ranking matters.
        w *= rng.uniform(0.3, 1.0, size=(c_out, 1, 1, 1))
        nodes.append(helper.make_node("Conv", [x, init(f"conv{i}.weight", w)], [f"conv{i}"], name=f"/conv{i}/Conv",
                                      kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]))
        bn = [init(f"bn{i}.weight", rng.uniform(0.5, 1.5, c_out)), init(f"bn{i}.bias", rng.normal(0.0, 0.1, c_out)),
              init(f"bn{i}.running_mean", rng.normal(0.0, 0.1, c_out)),
              init(f"bn{i}.running_var", rng.uniform(0.5, 1.5, c_out))]
        nodes.append(helper.make_node("BatchNormalization", [f"conv{i}", *bn], [f"bn{i}"], name=f"/bn{i}/BatchNormalization",
                                      epsilon=1e-5))
        nodes.append(helper.make_node("Relu", [f"bn{i}"], [f"relu{i}"], name=f"/relu{i}/Relu"))
        x = f"relu{i}"
        if i > 1:
            nodes.append(helper.make_node("MaxPool", [x], [f"pool{i}"], name=f"/pool{i}/MaxPool", kernel_shape=[2, 2],
                                          strides=[2, 2]))
            x = f"pool{i}"
        c_in = c_out
    nodes.append(helper.make_node("GlobalAveragePool", [x], ["gap"], name="/gap/GlobalAveragePool"))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"], name="/flatten/Flatten", axis=1))
    fc_w = init("fc.weight", rng.normal(0.0, np.sqrt(1.0 / c_in), size=(classes, c_in)))
    fc_b = init("fc.bias", rng.normal(0.0, 0.01, classes))
    nodes.append(helper.make_node("Gemm", ["flat", fc_w, fc_b], ["logits"], name="/fc/Gemm", transB=1))
    graph = helper.make_graph(
        nodes, "vgg_cnn",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, size, size])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", classes])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="prune_benchmark")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def prepare(name, tmp, batch):
    """(model path, calibration .npz or None, batch-1 feed, batch-B feed)."""
    tmp = pathlib.Path(tmp)
    if name == "vgg-cnn":
        path = tmp / "vgg-cnn.onnx"
        build_vgg(path)
        rng = np.random.default_rng(SEED + 1)
        calib = tmp / "vgg-cnn.calib.npz"
        np.savez(calib, input=rng.normal(0.0, 1.0, (VGG_CALIBRATION, 3, VGG_SIZE, VGG_SIZE)).astype(np.float32))
        many = rng.normal(0.0, 1.0, (batch, 3, VGG_SIZE, VGG_SIZE)).astype(np.float32)
        return path, calib, {"input": many[:1]}, {"input": many}
    path = SAMPLES / f"{name}.onnx"
    names = [i.name for i in onnx.load(str(path)).graph.input]
    with np.load(SAMPLES / f"{name}.test.npz") as d:
        data = {k: d[k] for k in names}
    n = len(next(iter(data.values())))
    reps = -(-batch // n)  # the test set may be smaller than the batch
    stacked = {k: np.concatenate([v] * reps)[:batch] for k, v in data.items()}
    calib = SAMPLES / f"{name}.calib.npz"
    return path, calib if calib.exists() else None, {k: v[:1] for k, v in data.items()}, stacked


# ----------------------------------------------------------------------------------------------
# abridge prune and the checks of the written files


def abridge_prune(binary, model, out, extra, calib=None, eval_data=None):
    cmd = [binary, "prune", str(model), "-o", str(out), *extra, "--json", "--force", "-q"]
    if calib is not None:
        cmd += ["--calibration", str(calib)]
    if eval_data is not None:
        cmd += ["--eval", str(eval_data)]
    start = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-3000:]}")
    report = json.loads(p.stdout)
    report["seconds"] = seconds
    return report


def weight_shapes(path):
    """{node name: weight shape} of the Conv / Gemm / MatMul nodes whose weight is an initializer."""
    model = onnx.load(str(path))
    dims = {i.name: list(i.dims) for i in model.graph.initializer}
    return {n.name: dims[n.input[1]] for n in model.graph.node if n.op_type in WEIGHT_OPS and len(n.input) > 1
            and n.input[1] in dims}


def parameter_count(path):
    model = onnx.load(str(path))
    return int(sum(int(np.prod(i.dims)) for i in model.graph.initializer))


def check_shrunk(original, pruned):
    """Every weight no larger than before, at least one strictly smaller; returns the shrunk count."""
    before, after = weight_shapes(original), weight_shapes(pruned)
    shrunk = 0
    for node, shape in before.items():
        new = after.get(node)
        if new is None or len(new) != len(shape) or any(a > b for a, b in zip(new, shape)):
            raise AssertionError(f"{pruned}: weight of {node} is {new}, was {shape}")
        shrunk += int(np.prod(new)) < int(np.prod(shape))
    if shrunk == 0:
        raise AssertionError(f"{pruned}: no weight shrank")
    return shrunk


# ----------------------------------------------------------------------------------------------
# onnxruntime timing


OPT_LEVELS = {"all": "ORT_ENABLE_ALL", "extended": "ORT_ENABLE_EXTENDED", "basic": "ORT_ENABLE_BASIC",
              "disabled": "ORT_DISABLE_ALL"}
GRAPH_OPTIMIZATION = "all"


def ort_session(model, threads):
    so = onnxruntime.SessionOptions()
    so.graph_optimization_level = getattr(onnxruntime.GraphOptimizationLevel, OPT_LEVELS[GRAPH_OPTIMIZATION])
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    so.log_severity_level = 3
    return onnxruntime.InferenceSession(str(model), so, providers=["CPUExecutionProvider"])


def stats(seconds):
    a = np.asarray(seconds, dtype=np.float64)
    return {"median_s": float(np.median(a)), "p25_s": float(np.percentile(a, 25)), "p75_s": float(np.percentile(a, 75)),
            "min_s": float(a.min()), "max_s": float(a.max()), "runs": len(a)}


def inner_loops(sess, feed, target_s):
    """Calls per timed sample so that one sample lasts at least about target_s."""
    t = min(_time_calls(sess, feed, 1) for _ in range(5))
    return int(max(1, min(1000, round(target_s / max(t, 1e-7)))))


def _time_calls(sess, feed, k):
    start = time.perf_counter()
    for _ in range(k):
        sess.run(None, feed)
    return (time.perf_counter() - start) / k


def rounds(sessions, feed, runs, warmup, inner):
    """Per-call seconds of each session, run in rotating order round by round.

    Each timed sample follows one untimed call of the same session: with several threads, the
    pool of the session run just before keeps spinning for a while after its run and would take
    a core from the one being timed."""
    for s in sessions:
        for _ in range(warmup):
            _time_calls(s, feed, inner)
    times = [[] for _ in sessions]
    n = len(sessions)
    for r in range(runs):
        for j in range(n):
            i = (r + j) % n
            sessions[i].run(None, feed)
            times[i].append(_time_calls(sessions[i], feed, inner))
    return times


def ms(s):
    return f"{s * 1e3:.3g}" if s < 1e-2 else f"{s * 1e3:.1f}"


def thread_label(t):
    return "1" if t == 1 else ("default" if t == 0 else str(t))


# ----------------------------------------------------------------------------------------------
# The speed benchmark


def benchmark(args):
    sparsities = [float(s) for s in args.sparsities.split(",")]
    threads = [int(t) for t in args.threads.split(",")]
    info = machine()
    print(f"# machine: nproc {info['nproc']}, {info['cpu']}, Linux {info['kernel']}, {info['date']}, "
          f"load average {info['load_average']}; onnxruntime {info['onnxruntime']}, onnx {info['onnx']}; "
          f"graph optimization {args.graph_optimization}", flush=True)
    results = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = pathlib.Path(args.keep) if args.keep else pathlib.Path(tmpdir)
        tmp.mkdir(parents=True, exist_ok=True)
        for name in args.models.split(","):
            model, calib, single, many = prepare(name, tmp, args.batch)
            variants = [{"label": "original", "path": model, "sparsity": 0.0}]
            for s in sparsities:
                out = tmp / f"{name}.channels{int(round(s * 100))}.onnx"
                rep = abridge_prune(args.abridge, model, out, ["--pattern", "channels", "--sparsity", str(s),
                                                              "--round-channels", str(args.round_channels)], calib)
                shrunk = check_shrunk(model, out)
                variants.append({"label": f"channels {s:.0%}", "path": out, "sparsity": s, "report": rep,
                                 "weights_shrunk": shrunk})
                print(f"{name}: pruned {s:.0%} in {rep['seconds']:.1f} s (calibration samples "
                      f"{rep['report'].get('calibrationSamples', 0)}), {shrunk} weights shrank", flush=True)
            # The layer with the most MACs, to show its weight shape before and after.
            layers = [l for l in variants[-1]["report"]["report"]["layers"] if l.get("status") == "pruned"]
            big = max(layers, key=lambda l: l["macsBefore"])
            shapes = [weight_shapes(v["path"]).get(big["node"]) for v in variants]
            for v, shape in zip(variants, shapes):
                v["params"] = parameter_count(v["path"])
                v["file_bytes"] = os.path.getsize(v["path"])
                v["example_shape"] = shape
                rep = v.get("report", {}).get("report")
                v["macs"] = rep["macsAfter"] if rep else variants[1]["report"]["report"]["macsBefore"]
            # The pruned models must still run and give outputs of the same shape.
            ref_shapes = [o.shape for o in ort_session(model, 1).run(None, many)]
            for v in variants[1:]:
                got = [o.shape for o in ort_session(v["path"], 1).run(None, many)]
                if got != ref_shapes:
                    raise AssertionError(f"{v['path']}: outputs {got}, original {ref_shapes}")
            row = {"model": name, "example_layer": big["node"], "variants": [], "timing": {}}
            for t in threads:
                sessions = [ort_session(v["path"], t) for v in variants]
                inner1 = inner_loops(sessions[0], single, args.min_sample_s)
                innerb = inner_loops(sessions[0], many, args.min_sample_s)
                lat = rounds(sessions, single, args.runs, args.warmup, inner1)
                tp = rounds(sessions, many, args.throughput_runs, max(1, args.warmup // 2), innerb)
                row["timing"][thread_label(t)] = {
                    "latency_inner_calls": inner1, "throughput_inner_calls": innerb,
                    "latency": [stats(x) for x in lat], "throughput_batch": [stats(x) for x in tp]}
                del sessions
                for v, l, b in zip(variants, lat, tp):
                    print(f"{name:>10} T={thread_label(t):7} {v['label']:13} batch-1 {ms(np.median(l))} ms "
                          f"(IQR {ms(np.percentile(l, 25))}-{ms(np.percentile(l, 75))}), "
                          f"batch-{args.batch} {args.batch / np.median(b):,.0f}/s", flush=True)
            for v in variants:
                row["variants"].append({k: (str(val) if isinstance(val, pathlib.Path) else val) for k, val in v.items()
                                        if k != "report"} | ({"prune_report": v["report"]} if "report" in v else {}))
            results.append(row)
    info["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    print(f"# load average at the end: {info['load_average_end']}")
    print()
    print_size_table(results)
    print()
    print_speed_table(results, args.batch)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"machine": info, "args": vars(args), "results": results}, indent=1))


def print_size_table(results):
    print("| model | variant | parameters | file bytes | MACs of prunable layers (per sample) | x MACs | "
          "largest layer: weight shape |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for row in results:
        base = row["variants"][0]
        for v in row["variants"]:
            print(f"| {row['model']} | {v['label']} | {v['params']:,} | {v['file_bytes']:,} | {v['macs']:,} | "
                  f"{base['macs'] / v['macs']:.2f} | `{row['example_layer']}` {v['example_shape']} |")


def print_speed_table(results, batch):
    labels = [v["label"] for v in results[0]["variants"]]
    head = ["model", "threads", "measure", *[f"{l}" if i == 0 else f"{l} (x)" for i, l in enumerate(labels)]]
    print("Cells: median (p25-p75, min); x = speed-up over the original (ratio of the medians).")
    print()
    print("| " + " | ".join(head) + " |")
    print("|" + " --- |" * len(head))
    for row in results:
        for t, tim in row["timing"].items():
            lat, tp = tim["latency"], tim["throughput_batch"]
            cells = [row["model"], t, "batch-1 latency, ms"]
            for i, s in enumerate(lat):
                c = f"{ms(s['median_s'])} ({ms(s['p25_s'])}-{ms(s['p75_s'])}, {ms(s['min_s'])})"
                if i:
                    c += f" (**{lat[0]['median_s'] / s['median_s']:.2f}x**)"
                cells.append(c)
            print("| " + " | ".join(cells) + " |")
            cells = [row["model"], t, f"batch-{batch} throughput, samples/s"]
            for i, s in enumerate(tp):
                # Samples per second from the median, p75 and p25 batch times (slower batch, fewer samples/s).
                c = f"{batch / s['median_s']:,.0f} ({batch / s['p75_s']:,.0f}-{batch / s['p25_s']:,.0f}, " \
                    f"max {batch / s['min_s']:,.0f})"
                if i:
                    c += f" (**{tp[0]['median_s'] / s['median_s']:.2f}x**)"
                cells.append(c)
            print("| " + " | ".join(cells) + " |")


# ----------------------------------------------------------------------------------------------
# Accuracy against sparsity


PATTERNS = [
    ("unstructured 50%", ["--pattern", "unstructured", "--sparsity", "0.5"]),
    ("unstructured 90%", ["--pattern", "unstructured", "--sparsity", "0.9"]),
    ("2:4", ["--pattern", "2:4"]),
    ("channels 25%", ["--pattern", "channels", "--sparsity", "0.25"]),
    ("channels 50%", ["--pattern", "channels", "--sparsity", "0.5"]),
]


def ort_metric(name, path):
    """(accuracy, perplexity or None) of a model on the sample's test set, computed with onnxruntime."""
    meta = json.loads((SAMPLES / f"{name}.json").read_text())
    sess = ort_session(path, 0)
    with np.load(SAMPLES / f"{name}.test.npz") as d:
        data = {k: d[k] for k in d.files}
    feeds = {i.name: data[i.name] for i in sess.get_inputs()}
    logits = sess.run(None, feeds)[0]
    labels = data[meta.get("label_key", "labels")]
    if meta["task"] == "lm":
        mask = labels != -100
        z = logits - logits.max(-1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
        nll = -np.take_along_axis(logp, np.where(mask, labels, 0)[..., None], -1)[..., 0]
        acc = float((logits.argmax(-1) == labels)[mask].mean())
        return acc, float(np.exp(nll[mask].mean()))
    return float((logits.argmax(-1) == labels).mean()), None


def accuracy_table(args):
    samples = args.samples.split(",")
    if args.quick:
        samples = [s for s in samples if s != "tiny-lm"]
    rows = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = pathlib.Path(args.keep) if args.keep else pathlib.Path(tmpdir)
        tmp.mkdir(parents=True, exist_ok=True)
        for name in samples:
            model, test, calib = SAMPLES / f"{name}.onnx", SAMPLES / f"{name}.test.npz", SAMPLES / f"{name}.calib.npz"
            base_acc, base_ppl = ort_metric(name, model)
            for label, extra in PATTERNS:
                row = {"sample": name, "pattern": label}
                # no recovery; refits then distillation (the default with calibration); refits only
                # (--distill-steps 0), run only when the default did distill.
                for key, c, more in (("plain", None, []), ("recovered", calib, []), ("refit", calib, ["--distill-steps", "0"])):
                    if key == "refit" and row["recovered"].get("distillation") is None:
                        row["refit"] = row["recovered"]
                        continue
                    out = tmp / f"{name}.{label.replace(' ', '').replace(':', 'of').replace('%', '')}.{key}.onnx"
                    rep = abridge_prune(args.abridge, model, out, extra + more, c, test)
                    acc, ppl = ort_metric(name, out)
                    row["float"], row["float_ort"], row["float_ppl"] = rep["accuracyBefore"], base_acc, base_ppl
                    row[key] = {"accuracy": rep["accuracyAfter"], "accuracy_ort": acc, "perplexity_ort": ppl,
                                "file_bytes": rep["fileBytesAfter"], "file_bytes_before": rep["fileBytesBefore"],
                                "params": rep["report"]["modelParamsAfter"], "macs": rep["report"]["macsAfter"],
                                "effective_macs": rep["report"]["effectiveMacsAfter"],
                                "macs_before": rep["report"]["macsBefore"], "seconds": rep["seconds"],
                                "distillation": rep["report"].get("distillation")}
                    print(f"{name:10} {label:17} {key:16} "
                          f"accuracy {rep['accuracyAfter']:.4f} (onnxruntime {acc:.4f}"
                          + (f", perplexity {ppl:.3f}" if ppl is not None else "") + f"), "
                          f"{rep['fileBytesAfter']:,} bytes, {rep['seconds']:.1f} s", flush=True)
                rows.append(row)
    print()
    print_accuracy_table(rows)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"machine": machine(), "args": vars(args), "rows": rows}, indent=1))


def print_accuracy_table(rows):
    def acc_cell(r):
        c = f"{r['accuracy']:.2%}"
        if abs(r["accuracy"] - r["accuracy_ort"]) > 1e-9:
            c += f" (ort {r['accuracy_ort']:.2%})"
        if r["perplexity_ort"] is not None:
            c += f", ppl {r['perplexity_ort']:.2f}"
        return c

    print("| sample | pattern | no recovery | `--calibration`, refits only (`--distill-steps 0`) | "
          "`--calibration` (refits + distillation) | file bytes | stored parameters | MACs | effective MACs |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    last = None
    for row in rows:
        p, r = row["plain"], row["recovered"]
        if row["sample"] != last:
            base = f"{row['float']:.2%}" + (f", ppl {row['float_ppl']:.2f}" if row["float_ppl"] is not None else "")
            print(f"| **{row['sample']}** | float | {base} | | | {p['file_bytes_before']:,} | | {p['macs_before']:,} | |")
            last = row["sample"]
        f = row["refit"]
        both = acc_cell(r) if r.get("distillation") else "(not distilled: same)"
        print(f"| {row['sample']} | {row['pattern']} | {acc_cell(p)} | {acc_cell(f)} | {both} | "
              f"{p['file_bytes']:,} | {p['params']:,} | {p['macs']:,} | {p['effective_macs']:,} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--abridge", default=os.environ.get("ABRIDGE_BIN", str(ROOT / ".build" / "release" / "abridge")))
    ap.add_argument("--models", default="digits-cnn,vgg-cnn,digits-mlp")
    ap.add_argument("--sparsities", default="0.25,0.5")
    ap.add_argument("--threads", default="1,0", help="intra_op_num_threads values (0: onnxruntime's default)")
    ap.add_argument("--batch", type=int, default=32, help="batch of the throughput runs")
    ap.add_argument("--runs", type=int, default=60, help="timed batch-1 rounds")
    ap.add_argument("--throughput-runs", type=int, default=20, help="timed batch-B rounds")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--min-sample-s", type=float, default=2e-3,
                    help="sub-millisecond models: loop calls so that one timed sample lasts about this long")
    ap.add_argument("--graph-optimization", choices=list(OPT_LEVELS), default="all",
                    help="onnxruntime graph optimization level (default all, onnxruntime's own default; "
                         "'extended' leaves out the NCHWc layout transformation of Conv)")
    ap.add_argument("--round-channels", type=int, default=1, help="abridge prune --round-channels N (keep multiples of N)")
    ap.add_argument("--quick", action="store_true", help="fewer runs, no digits-mlp (accuracy table: no tiny-lm)")
    ap.add_argument("--accuracy-table", action="store_true", help="print the accuracy-vs-sparsity table instead")
    ap.add_argument("--samples", default="digits-mlp,digits-cnn,tiny-lm", help="samples of --accuracy-table")
    ap.add_argument("--keep", help="write the models here and keep them (default: a temporary folder)")
    ap.add_argument("--json", help="also write all figures here")
    args = ap.parse_args()
    global GRAPH_OPTIMIZATION
    GRAPH_OPTIMIZATION = args.graph_optimization
    if not pathlib.Path(args.abridge).exists():
        sys.exit(f"no abridge binary at {args.abridge} (swift build -c release, or --abridge / ABRIDGE_BIN)")
    if args.accuracy_table:
        accuracy_table(args)
        return
    if args.quick:
        args.models = ",".join(m for m in args.models.split(",") if m != "digits-mlp")
        args.runs, args.throughput_runs, args.warmup = min(args.runs, 15), min(args.throughput_runs, 5), min(args.warmup, 2)
    benchmark(args)


if __name__ == "__main__":
    main()
