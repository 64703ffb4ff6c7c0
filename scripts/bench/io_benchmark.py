#!/usr/bin/env python3
"""I/O benchmark for issue 2 (item 9): load + save of a ~500 MB model, side by side with `cp`
and Python `onnx.load` + `onnx.save`, in one run.

Generates a model of 4 float initializers of ~125 MB each (numpy_helper.from_array, raw_data) in
a temporary folder, then runs every configuration REPS times in round-robin order and reports the
median wall time and the median peak RSS (from /usr/bin/time -f "%e %M" when present, else
getrusage(RUSAGE_CHILDREN) of a fresh wrapper process per run), with ratios to `cp` and RSS /
model size.

    python3 scripts/bench/io_benchmark.py [--size-mb 500] [--reps 5] [--bin .build/release/abridge]

abridge flushes every output to disk (fsync) before renaming it into place, which `cp` does not;
the "cp + sync" row is the like-for-like baseline.

Targets (issue 2): inline convert <= 1.5x cp in time and <= 1.2x the file in peak RSS; inspect of
the external-data version touches almost none of the data (RSS far below the data size).
This is a script, not a test: it asserts nothing and prints the figures.
"""
import argparse
import datetime
import os
import pathlib
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from benchinfo import cpu_model

ROOT = pathlib.Path(__file__).resolve().parents[2]
TIME = "/usr/bin/time"

# Runs argv in a fresh process and prints the child's wall time and peak RSS (KiB); used when
# /usr/bin/time is missing. RUSAGE_CHILDREN of this wrapper covers only that one child.
RUSAGE_WRAPPER = r"""
import resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
wall = time.perf_counter() - t
print(f"{wall:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}", file=sys.stderr)
sys.exit(rc)
"""

PY_LOAD_SAVE = "import onnx, sys; m = onnx.load(sys.argv[1]); onnx.save(m, sys.argv[2])"
PY_IMPORT = "import onnx"


def generate(path: pathlib.Path, size_mb: int):
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    per = size_mb * 1_000_000 // 4 // 4          # floats per initializer
    rng = np.random.default_rng(0)
    inits = []
    for k in range(4):
        a = rng.standard_normal(per, dtype=np.float32)
        inits.append(numpy_helper.from_array(a, f"W{k}"))
    nodes = [helper.make_node("Add", ["X", "W0"], ["T0"])]
    for k in range(1, 4):
        nodes.append(helper.make_node("Add", [f"T{k - 1}", f"W{k}"], [f"T{k}"]))
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, [per])
    y = helper.make_tensor_value_info("T3", TensorProto.FLOAT, [per])
    model = helper.make_model(helper.make_graph(nodes, "bench", [x], [y], initializer=inits),
                              opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, str(path))


def measure(argv, outputs=()):
    """Runs argv once; returns (wall seconds, peak RSS bytes). Removes `outputs` first."""
    for o in outputs:
        if os.path.exists(o):
            os.remove(o)
    if os.path.exists(TIME):
        cmd = [TIME, "-f", "%e %M", *argv]
    else:
        cmd = [sys.executable, "-c", RUSAGE_WRAPPER, *argv]
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(map(str, argv))}\n{p.stderr}")
    last = p.stderr.strip().splitlines()[-1].split()
    rss_kib = int(last[1])
    return wall, rss_kib * 1024


def describe_machine():
    nproc = os.cpu_count()
    try:
        nproc = int(subprocess.run(["nproc"], capture_output=True, text=True).stdout)
    except Exception:
        pass
    cpu = cpu_model()
    mem = ""
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB RAM"
                break
    except OSError:
        pass
    return f"{nproc} cores ({cpu}), {mem}, Linux {platform.release()}"


def fs_type(path: pathlib.Path) -> str:
    try:
        out = subprocess.run(["df", "--output=fstype", str(path)], capture_output=True, text=True).stdout.split()
        return out[-1]
    except Exception:
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=int, default=500, help="total initializer size in MB (default 500)")
    ap.add_argument("--reps", type=int, default=5, help="repetitions per configuration (default 5)")
    ap.add_argument("--bin", default=str(ROOT / ".build" / "release" / "abridge"), help="abridge binary")
    ap.add_argument("--dir", default=None, help="folder for the files (default: a new temporary folder)")
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    args = ap.parse_args()

    abridge = args.bin
    if not os.path.exists(abridge):
        raise SystemExit(f"{abridge} not found: run `swift build -c release` first")
    work = pathlib.Path(args.dir or tempfile.mkdtemp(prefix="abridge-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        model = work / "model.onnx"
        print(f"generating {args.size_mb} MB model in {work} ...", file=sys.stderr)
        generate(model, args.size_mb)
        size = model.stat().st_size
        ext = work / "ext.onnx"            # the external-data version, made once
        subprocess.run([abridge, "convert", model, "-o", ext, "--external-data", "--quiet", "--force"], check=True)
        ext_data = work / "ext.onnx.data"

        out = str(work / "out.onnx")
        out_data = out + ".data"
        configs = [
            ("cp", ["cp", model, out], [out]),
            ("cp + sync (cp, then flush to disk as abridge does)", ["sh", "-c", 'cp "$0" "$1" && sync "$1"', model, out], [out]),
            ("abridge convert (inline)", [abridge, "convert", model, "-o", out, "--quiet"], [out]),
            ("abridge convert --external-data", [abridge, "convert", model, "-o", out, "--external-data", "--quiet"], [out, out_data]),
            ("abridge convert external -> external", [abridge, "convert", ext, "-o", out, "--external-data", "--quiet"], [out, out_data]),
            ("abridge convert external -> inline", [abridge, "convert", ext, "-o", out, "--quiet"], [out]),
            ("abridge inspect (external version)", [abridge, "inspect", ext], []),
            ("python onnx.load + onnx.save", [sys.executable, "-c", PY_LOAD_SAVE, model, out], [out]),
            ("python import onnx (alone)", [sys.executable, "-c", PY_IMPORT], []),
        ]
        results = {name: [] for name, _, _ in configs}
        for rep in range(args.reps):
            print(f"repetition {rep + 1}/{args.reps}", file=sys.stderr)
            for name, argv, outputs in configs:
                results[name].append(measure([str(a) for a in argv], outputs))
        for o in (out, out_data):
            if os.path.exists(o):
                os.remove(o)

        cp_wall = statistics.median(w for w, _ in results["cp"])
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"machine: {describe_machine()}; load average at the end {load}")
        print(f"date: {datetime.date.today().isoformat()}; files on {fs_type(work)}; "
              f"model {size / 1e6:.1f} MB ({size} bytes), external-data file {ext_data.stat().st_size / 1e6:.1f} MB; "
              f"{args.reps} repetitions, round-robin, median (min-max)")
        print()
        print("| configuration | wall s, median (min-max) | x cp | peak RSS MB | RSS / model size |")
        print("| --- | --- | --- | --- | --- |")
        for name, _, _ in configs:
            walls = [w for w, _ in results[name]]
            rss = [r for _, r in results[name]]
            w = statistics.median(walls)
            r = statistics.median(rss)
            print(f"| {name} | {w:.3f} ({min(walls):.3f}-{max(walls):.3f}) | {w / cp_wall:.2f} | "
                  f"{r / 1e6:.1f} | {r / size:.3f} |")
        inline = results["abridge convert (inline)"]
        w = statistics.median(x for x, _ in inline) / cp_wall
        r = statistics.median(x for _, x in inline) / size
        insp = statistics.median(x for _, x in results["abridge inspect (external version)"])
        print()
        sync_wall = statistics.median(x for x, _ in results["cp + sync (cp, then flush to disk as abridge does)"])
        ws = statistics.median(x for x, _ in inline) / sync_wall
        print(f"targets: inline convert time {w:.2f}x cp (target <= 1.5: {'met' if w <= 1.5 else 'MISSED'}; "
              f"{ws:.2f}x cp + sync), "
              f"RSS {r:.2f}x file (target <= 1.2: {'met' if r <= 1.2 else 'MISSED'}); "
              f"inspect of the external version peaks at {insp / 1e6:.1f} MB for "
              f"{ext_data.stat().st_size / 1e6:.0f} MB of data")
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
