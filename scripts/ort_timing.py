#!/usr/bin/env python3
"""Times ONNX models with onnxruntime for `abridge compare --runtime onnxruntime`.

abridge writes the feeds (a batch-1 feed and a batch-N feed, keys = graph input names) to .npz
files and runs:

    ort_timing.py --models ORIGINAL.onnx CONVERTED.onnx --single single.npz --batch batch.npz \
        --runs N --throughput-runs M --warmup W --threads T

Each model gets W untimed batch-1 runs, N timed batch-1 runs (latency; energy is read from the
Linux powercap RAPL package counters around them when readable), one untimed and M timed batch-N
runs (throughput). Times come from time.perf_counter(). onnxruntime runs on the CPU execution
provider with intra_op_num_threads=T, inter_op_num_threads=1, sequential execution.

Prints one JSON object on stdout:
    {"onnxruntime_version": str, "threads": T,
     "energy": {"available": bool, "reason": str|null, "zones": [str]},
     "models": [{"latency_s": [float], "throughput_s": [float], "energy_uj": int|null}, ...]}
Exit status: 0; 3 when onnxruntime or numpy cannot be imported; 2 on bad arguments; 1 when a
model fails to load or run (message on stderr).
"""
import argparse
import json
import os
import sys
import time

RAPL_ROOT = "/sys/class/powercap"


def rapl_zones():
    """Top-level RAPL package zones as (path, name, max_range), or (None, reason)."""
    if not os.path.isdir(RAPL_ROOT):
        return None, f"{RAPL_ROOT} does not exist: this kernel exposes no powercap (RAPL) counters (virtual machines usually hide them)"
    names = sorted(n for n in os.listdir(RAPL_ROOT)
                   if n.startswith("intel-rapl:") and n[len("intel-rapl:"):].isdigit())
    if not names:
        return None, f"{RAPL_ROOT} holds no RAPL package zone (intel-rapl:N)"
    zones = []
    for n in names:
        folder = os.path.join(RAPL_ROOT, n)
        try:
            with open(os.path.join(folder, "max_energy_range_uj")) as f:
                max_range = int(f.read())
            with open(os.path.join(folder, "energy_uj")) as f:
                int(f.read())
        except (OSError, ValueError) as e:
            return None, f"cannot read {folder}/energy_uj: {e} (root only since Linux 5.10, CVE-2020-8694)"
        try:
            with open(os.path.join(folder, "name")) as f:
                label = f.read().strip()
        except OSError:
            label = n
        zones.append((folder, label, max_range))
    return zones, None


def read_energy(zones):
    out = []
    for folder, _, _ in zones:
        with open(os.path.join(folder, "energy_uj")) as f:
            out.append(int(f.read()))
    return out


def energy_delta(zones, before, after):
    """Sum of counter increases, undoing one wraparound per counter (max_energy_range_uj)."""
    total = 0
    for (_, _, max_range), b, a in zip(zones, before, after):
        total += a - b if a >= b else max_range - b + a
    return total


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--check", action="store_true", help="only check that onnxruntime imports; print its version")
    p.add_argument("--models", nargs="+")
    p.add_argument("--single")
    p.add_argument("--batch")
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--throughput-runs", type=int, default=5)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = p.parse_args()
    try:
        import numpy as np
        import onnxruntime as ort
    except ImportError as e:
        print(f"onnxruntime is not available to {sys.executable}: {e} (pip install onnxruntime)", file=sys.stderr)
        return 3
    if args.check:
        print(ort.__version__)
        return 0
    if not (args.models and args.single and args.batch):
        p.error("--models, --single and --batch are required")
    single_raw = dict(np.load(args.single))
    batch_raw = dict(np.load(args.batch))
    zones, reason = rapl_zones()
    result = {
        "onnxruntime_version": ort.__version__,
        "threads": args.threads,
        "energy": {"available": zones is not None, "reason": reason,
                   "zones": [z[1] for z in zones] if zones else []},
        "models": [],
    }
    for path in args.models:
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3
        try:
            session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
            single, batch = conformed(session, single_raw), conformed(session, batch_raw)
            for _ in range(args.warmup):
                session.run(None, single)
            before = read_energy(zones) if zones else None
            latency = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                session.run(None, single)
                latency.append(time.perf_counter() - t0)
            energy = energy_delta(zones, before, read_energy(zones)) if zones else None
            if args.warmup > 0:
                session.run(None, batch)
            throughput = []
            for _ in range(args.throughput_runs):
                t0 = time.perf_counter()
                session.run(None, batch)
                throughput.append(time.perf_counter() - t0)
        except Exception as e:  # onnxruntime raises several exception types
            print(f"{path}: onnxruntime failed: {e}", file=sys.stderr)
            return 1
        result["models"].append({"latency_s": latency, "throughput_s": throughput, "energy_uj": energy})
    json.dump(result, sys.stdout)
    return 0


FLOAT_TYPES = {"tensor(float16)": "float16", "tensor(float)": "float32", "tensor(double)": "float64"}


def conformed(session, feed):
    """The feed with floating-point arrays cast to each input's floating-point type (a float16
    model compared with its float32 original gets float16 feeds)."""
    out = dict(feed)
    for i in session.get_inputs():
        want = FLOAT_TYPES.get(i.type)
        if want is not None and i.name in out and out[i.name].dtype != want and out[i.name].dtype.kind == "f":
            out[i.name] = out[i.name].astype(want)
    return out


if __name__ == "__main__":
    sys.exit(main())
