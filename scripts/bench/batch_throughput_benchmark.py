#!/usr/bin/env python3
"""Benchmark (not a test): batch throughput of Abridge binaries against onnxruntime on one sample.

Runs the whole test set of a sample (digits-cnn: 450 images) as one batch, alternating, for
--rounds rounds: onnxruntime (CPU provider, intra_op_num_threads = --threads, inter_op 1,
sequential) --runs timed runs in-process, then each Abridge binary given with --abridge
(`abridge run --repeat --threads`, which times the session runs alone). Prints median, p25, p75
and min per run, and samples/s at the median. Alternating rounds spread a shared machine's load
over all contenders; quote the medians with their spread.

    python3 scripts/bench/batch_throughput_benchmark.py --abridge OLD/abridge --abridge .build/release/abridge
"""
import argparse
import json
import pathlib
import subprocess
import tempfile
import time

import numpy as np
import onnxruntime

ROOT = pathlib.Path(__file__).resolve().parents[2]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", default="digits-cnn")
    ap.add_argument("--abridge", action="append", help="an abridge binary (repeatable)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--runs", type=int, default=40, help="timed runs per round and contender")
    ap.add_argument("--warmup", type=int, default=5)
    args = ap.parse_args()
    binaries = args.abridge or [str(ROOT / ".build" / "release" / "abridge")]
    model = ROOT / "samples" / f"{args.sample}.onnx"
    so = onnxruntime.SessionOptions()
    so.intra_op_num_threads = args.threads
    so.inter_op_num_threads = 1
    so.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    sess = onnxruntime.InferenceSession(str(model), so, providers=["CPUExecutionProvider"])
    names = {i.name for i in sess.get_inputs()}
    with np.load(ROOT / "samples" / f"{args.sample}.test.npz") as d:
        feed = {k: d[k] for k in d.files if k in names}
    batch = len(next(iter(feed.values())))
    times = {"onnxruntime": [], **{b: [] for b in binaries}}
    with tempfile.TemporaryDirectory() as tmp:
        npz, timing, out = pathlib.Path(tmp) / "in.npz", pathlib.Path(tmp) / "t.json", pathlib.Path(tmp) / "o.npz"
        np.savez(npz, **feed)
        for _ in range(args.rounds):
            for _ in range(args.warmup):
                sess.run(None, feed)
            for _ in range(args.runs):
                t = time.perf_counter()
                sess.run(None, feed)
                times["onnxruntime"].append(time.perf_counter() - t)
            for b in binaries:
                subprocess.run([b, "run", str(model), "--inputs", str(npz), "--threads", str(args.threads),
                                "--repeat", str(args.runs), "--warmup", str(args.warmup), "--timing-json", str(timing),
                                "-o", str(out), "--force", "-q"], check=True)
                times[b] += json.loads(timing.read_text())["runs_s"]
    print(f"# {args.sample}, batch {batch}, threads {args.threads}, {args.rounds} rounds x {args.runs} runs")
    for k, v in times.items():
        a = np.asarray(v) * 1e3
        p25, p75 = np.percentile(a, [25, 75])
        print(f"{k}: median {np.median(a):.3f} ms (p25 {p25:.3f}, p75 {p75:.3f}, min {a.min():.3f}), "
              f"{batch / np.median(a) * 1e3:,.0f} samples/s")


if __name__ == "__main__":
    main()
