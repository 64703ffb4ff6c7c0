"""The README's quick start: `scripts/demo` installs what is missing, builds, quantizes the
digits-cnn sample with its calibration data and prints the compare table (issue 6, item 8).

It runs the demo script with ABRIDGE_BIN set, so the script uses the binary the suite already
built instead of installing and building again (the install and build steps are the ones
.ci/run has just run). Skipped unless ABRIDGE_BIN is the release binary, as scripts/test sets it.
"""
import os
import subprocess

import pytest

from conftest import ROOT


@pytest.mark.skipif(not os.environ.get("ABRIDGE_BIN", "").endswith(".build/release/abridge"),
                    reason="runs the release build: set ABRIDGE_BIN=.build/release/abridge (scripts/test does)")
def test_quick_start_prints_the_compare_table():
    env = dict(os.environ)
    p = subprocess.run([str(ROOT / "scripts" / "demo")], capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    out = p.stdout
    for needle in ("== abridge compare", "accuracy", "file size", "latency p50 (ms)", "timings measured by abridge"):
        assert needle in out, f"{needle!r} missing from the demo's output:\n{out[-3000:]}"
