"""Shared fixtures for the interop tests: the abridge binary and the model corpora.

The binary is taken from $ABRIDGE_BIN, else .build/release/abridge, else .build/debug/abridge.
"""
import os
import pathlib
import subprocess

import onnx
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"


def abridge_binary() -> str:
    env = os.environ.get("ABRIDGE_BIN")
    if env:
        return env
    for config in ("release", "debug"):
        p = ROOT / ".build" / config / "abridge"
        if p.exists():
            return str(p)
    raise RuntimeError("abridge binary not found: build it first (swift build -c release)")


@pytest.fixture(scope="session")
def abridge():
    """Runs abridge with arguments; returns the CompletedProcess (never raises on exit status)."""
    binary = abridge_binary()

    def run(*args, check=False, timeout=600):
        p = subprocess.run([binary, *map(str, args)], capture_output=True, text=True, timeout=timeout)
        if check and p.returncode != 0:
            raise AssertionError(f"abridge {' '.join(map(str, args))} failed ({p.returncode}):\n{p.stderr}")
        return p

    return run


def onnx_test_data_models():
    base = pathlib.Path(onnx.__file__).parent / "backend" / "test" / "data"
    out = []
    for sub in ("light", "simple", "pytorch-converted", "pytorch-operator"):
        out += sorted((base / sub).rglob("*.onnx"))
    return out


def conformance_models():
    base = SHARED / "conformance" / "node"
    return sorted(base.glob("*/model.onnx")) if base.exists() else []


def sample_models():
    return sorted((ROOT / "samples").glob("*.onnx"))
