"""The README's quick start: `scripts/demo` installs what is missing, builds, quantizes the
digits-cnn sample with its calibration data and prints the compare table (issue 6, item 8).

It runs the exact command. It builds in release mode, so it runs when the suite tests the release
binary (scripts/test sets ABRIDGE_BIN to .build/release/abridge, already built), and is skipped
otherwise to keep a debug test run fast.
"""
import os
import subprocess

import pytest

from conftest import ROOT


@pytest.mark.skipif(not os.environ.get("ABRIDGE_BIN", "").endswith(".build/release/abridge"),
                    reason="runs the release build: set ABRIDGE_BIN=.build/release/abridge (scripts/test does)")
def test_quick_start_prints_the_compare_table():
    p = subprocess.run([str(ROOT / "scripts" / "demo")], capture_output=True, text=True, timeout=1800, cwd=ROOT)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    out = p.stdout
    for needle in ("== abridge compare", "accuracy", "file size", "latency p50 (ms)", "timings measured by abridge"):
        assert needle in out, f"{needle!r} missing from the demo's output:\n{out[-3000:]}"
