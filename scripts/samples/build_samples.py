#!/usr/bin/env python3
"""Build Abridge's committed sample models and data into samples/.

Run once by a developer (outputs are committed):

    pip install -r scripts/samples/requirements.txt
    python3 scripts/samples/build_samples.py            # all three samples
    python3 scripts/samples/build_samples.py --only digits-cnn

Samples (see samples/README.md):
  digits-mlp  MLP (Gemm, Relu, Softmax) on scikit-learn's bundled 8x8 digits.
  digits-cnn  CNN (Conv, BatchNormalization, Relu, MaxPool, Gemm) on the same
              data shaped [N, 1, 8, 8]; BatchNormalization is kept in the graph.
  tiny-lm     byte-level causal transformer LM (Gather, MatMul,
              LayerNormalization, Softmax attention with a causal mask, Gelu)
              trained on a fixed list of CPython 3.11 standard-library files.

For each NAME it writes samples/NAME.onnx, NAME.calib.npz (calibration inputs
from the training split), NAME.test.npz (held-out inputs plus `labels`) and
NAME.json (metadata, with the float metric measured by onnxruntime on
NAME.test.npz).

Reproducibility: every random choice is seeded (SEED below), torch runs with
deterministic algorithms and a fixed number of threads (2), and tiny-lm trains
for a fixed number of steps (a wall-time cap only guards against a far slower
or busier machine; if it ever cuts training short, the json says so and the
script warns and exits non-zero). The .npz files are written with fixed zip timestamps, so a
rebuild on the same package versions gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata as md
import io
import json
import math
import os
import platform
import sys
import sysconfig
import time
import warnings
import zipfile
from pathlib import Path

# Before torch loads its OpenMP runtime: threads that sleep instead of spin
# while waiting. Same numerics, but far less slowdown when other jobs share
# the 2 cores (measured here: digits-cnn training 71 s -> 24 s under load).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np

SEED = 0
TORCH_THREADS = 2
REPO = Path(__file__).resolve().parents[2]
SCRIPT_REL = "scripts/samples/build_samples.py"
PACKAGES = [
    "numpy", "scikit-learn", "scipy", "torch", "onnx", "onnxruntime",
    "protobuf", "sympy", "networkx", "filelock", "fsspec", "Jinja2",
    "typing_extensions", "setuptools", "joblib", "threadpoolctl",
]

DIGITS_DATA = {
    "origin": "scikit-learn's bundled copy of the UCI ML 'Optical Recognition of "
              "Handwritten Digits' data set (sklearn.datasets.load_digits: 1,797 "
              "8x8 images, 16 gray levels, 10 classes), E. Alpaydin and C. Kaynak, 1998",
    "source": "https://archive.ics.uci.edu/dataset/80/optical+recognition+of+handwritten+digits "
              "(doi:10.24432/C50P49)",
    "license": "CC BY 4.0 (UCI Machine Learning Repository); scikit-learn itself is BSD-3-Clause",
    "preprocessing": "pixel values divided by 16.0 (range [0, 1]), float32",
    "split": "sklearn.model_selection.train_test_split(test_size=0.25, "
             "stratify=labels, random_state=0): 1,347 train / 450 test",
}

# tiny-lm text: top-level .py files of the CPython 3.11 standard library.
# Train and test are disjoint sets of files. Their sha256 (of the files used
# for the committed build) are recorded in tiny-lm.json; the script warns when
# the local copies differ (another 3.11.x patch release).
LM_TRAIN_FILES = [
    "_collections_abc.py", "_pyio.py", "_strptime.py", "aifc.py", "argparse.py",
    "ast.py", "asyncore.py", "base64.py", "bdb.py", "cgi.py", "codecs.py",
    "compileall.py", "configparser.py", "contextlib.py", "dataclasses.py",
    "datetime.py", "difflib.py", "dis.py", "doctest.py", "enum.py", "ftplib.py",
    "functools.py", "gettext.py", "gzip.py", "imaplib.py", "inspect.py",
    "ipaddress.py", "locale.py", "mailbox.py", "mimetypes.py", "modulefinder.py",
    "nntplib.py", "ntpath.py", "optparse.py", "os.py", "pathlib.py", "pdb.py",
    "pickle.py", "pickletools.py", "pkgutil.py", "platform.py", "plistlib.py",
    "pprint.py", "profile.py", "pstats.py", "pydoc.py", "random.py",
    "selectors.py", "shutil.py", "smtpd.py", "smtplib.py", "socket.py",
    "socketserver.py", "ssl.py", "subprocess.py", "sunau.py", "tarfile.py",
    "telnetlib.py", "tempfile.py", "threading.py", "tokenize.py", "trace.py",
    "traceback.py", "tracemalloc.py", "typing.py", "uuid.py", "warnings.py",
    "wave.py", "weakref.py", "webbrowser.py", "zipfile.py", "zipimport.py",
]
LM_TEST_FILES = ["calendar.py", "fractions.py", "heapq.py", "statistics.py", "textwrap.py"]

# tiny-lm architecture and training schedule
LM_SEQ = 64
LM_VOCAB = 256           # bytes
LM_D = 128
LM_HEADS = 4
LM_LAYERS = 4
LM_FF = 4 * LM_D
LM_BATCH = 64
LM_STEPS = 2800          # fixed: this is what makes the build reproducible
LM_MAX_MINUTES = 14.0    # guard only (the issue allows at most 15); see module docstring
LM_LR = 2e-3
LM_WARMUP = 100
LM_MASK_VALUE = -1.0e4   # finite (fits float16); exp(-1e4) == 0 in float32
LM_TEST_SEQS = 512
CALIB_SAMPLES = 200


# --------------------------------------------------------------------------
# helpers

def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def versions() -> dict:
    out = {"python": platform.python_version()}
    for p in PACKAGES:
        try:
            out[p] = md.version(p)
        except md.PackageNotFoundError:
            out[p] = None
    return out


def check_requirements() -> None:
    """Warn when installed versions differ from requirements.txt pins."""
    req = Path(__file__).with_name("requirements.txt")
    for line in req.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" not in line:
            continue
        name, want = (s.strip() for s in line.split("==", 1))
        try:
            have = md.version(name)
        except md.PackageNotFoundError:
            have = None
        if have != want:
            warnings.warn(f"{name}: installed {have}, requirements.txt pins {want}; "
                          "outputs may differ from the committed samples")


def save_npz(path: Path, arrays: dict) -> None:
    """np.savez equivalent (uncompressed, ZIP_STORED) with fixed timestamps,
    so identical arrays give identical bytes. np.load reads it as usual."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for key, arr in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def setup_torch():
    import torch
    torch.manual_seed(SEED)
    torch.set_num_threads(TORCH_THREADS)
    torch.use_deterministic_algorithms(True)
    return torch


def export_onnx(torch, model, example, path: Path, input_name: str, output_name: str,
                opset: int, constant_folding: bool) -> None:
    """Legacy TorchScript exporter (dynamo=False): plain ONNX ops, no onnxscript."""
    model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, (example,), str(path),
            dynamo=False,
            export_params=True,
            opset_version=opset,
            do_constant_folding=constant_folding,
            training=torch.onnx.TrainingMode.EVAL,
            input_names=[input_name],
            output_names=[output_name],
            dynamic_axes={input_name: {0: "batch"}, output_name: {0: "batch"}},
        )


def tidy_lm_graph(m) -> None:
    """Cosmetic fixes to the exported tiny-lm graph (no numeric change):
    - the exporter names transposed Linear weights 'onnx::MatMul_NNN'; rename
      them after their layer ('blocks.0.qkv.weight_t': [in, out], i.e. the
      torch weight transposed) so per-layer reports are readable;
    - the exporter gives the logits' sequence axis a made-up symbolic name;
      the sequence length is fixed, so make it 64."""
    rename = {}
    inits = {i.name: i for i in m.graph.initializer}
    for n in m.graph.node:
        if n.op_type == "MatMul" and n.input[1] in inits and n.input[1].startswith("onnx::"):
            layer = n.name.strip("/").rsplit("/", 1)[0].replace("/", ".")   # /blocks.0/qkv/MatMul
            rename[n.input[1]] = f"{layer}.weight_t"
    assert len(set(rename.values())) == len(rename)
    for i in m.graph.initializer:
        i.name = rename.get(i.name, i.name)
    for n in m.graph.node:
        for k, x in enumerate(n.input):
            if x in rename:
                n.input[k] = rename[x]
    out = m.graph.output[0].type.tensor_type.shape.dim
    out[1].Clear()
    out[1].dim_value = LM_SEQ


def finish_onnx(path: Path, name: str, doc: str, required_ops: set, forbidden_ops: set = frozenset(),
                tidy=None):
    """Add metadata, run the full checker, check the op set; return summary."""
    import onnx
    m = onnx.load(str(path))
    if tidy:
        tidy(m)
    m.doc_string = doc
    del m.metadata_props[:]
    for k, v in [("abridge.sample", name), ("abridge.builder", SCRIPT_REL)]:
        p = m.metadata_props.add()
        p.key, p.value = k, v
    onnx.save(m, str(path))
    m = onnx.load(str(path))
    onnx.checker.check_model(m, full_check=True)
    ops = {}
    for n in m.graph.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    missing = required_ops - set(ops)
    if missing:
        raise SystemExit(f"{name}: graph lacks required ops {sorted(missing)}; has {sorted(ops)}")
    bad = forbidden_ops & set(ops)
    if bad:
        raise SystemExit(f"{name}: graph has forbidden ops {sorted(bad)}")
    opset = next(o.version for o in m.opset_import if o.domain in ("", "ai.onnx"))
    if m.ir_version > 10:
        raise SystemExit(f"{name}: IR version {m.ir_version} > 10")

    def io_desc(vi):
        t = vi.type.tensor_type
        dims = [d.dim_param if d.dim_param else d.dim_value for d in t.shape.dim]
        return {"name": vi.name,
                "dtype": onnx.helper.tensor_dtype_to_np_dtype(t.elem_type).name,
                "shape": dims}
    init_names = {i.name for i in m.graph.initializer}
    inputs = [io_desc(v) for v in m.graph.input if v.name not in init_names]
    outputs = [io_desc(v) for v in m.graph.output]
    params = int(sum(np.prod(i.dims) for i in m.graph.initializer if i.data_type == onnx.TensorProto.FLOAT))
    return {"opset": opset, "ir_version": m.ir_version, "ops": dict(sorted(ops.items())),
            "inputs": inputs, "outputs": outputs, "float_initializer_elements": params}


def ort_run(path: Path, feeds: dict, batch: int = 128) -> np.ndarray:
    """Run a single-input single-output model over axis 0 of its feed in batches."""
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = TORCH_THREADS
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    (name, arr), = feeds.items()
    out_name = sess.get_outputs()[0].name
    # symbolic batch axis: batch of one must work too
    sess.run([out_name], {name: arr[:1]})
    parts = [sess.run([out_name], {name: arr[i:i + batch]})[0] for i in range(0, len(arr), batch)]
    return np.concatenate(parts, axis=0)


def accuracy_from(outputs: np.ndarray, labels: np.ndarray):
    pred = outputs.argmax(axis=-1)
    correct = int((pred == labels).sum())
    return correct, correct / len(labels)


def perplexity_from(logits: np.ndarray, labels: np.ndarray):
    """Per-byte perplexity: exp(mean over all N*seq positions of -log softmax(logits)[label]).
    Computed in float64 from the float32 logits."""
    x = logits.astype(np.float64)
    mx = x.max(axis=-1, keepdims=True)
    lse = (np.log(np.exp(x - mx).sum(axis=-1)) + mx[..., 0])
    picked = np.take_along_axis(x, labels[..., None].astype(np.int64), axis=-1)[..., 0]
    nll = float((lse - picked).mean())
    return nll, math.exp(nll)


def write_json(path: Path, meta: dict) -> None:
    path.write_text(json.dumps(meta, indent=2) + "\n")


# --------------------------------------------------------------------------
# digits

def digits_split():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    d = load_digits()
    x = (d.data / 16.0).astype(np.float32)
    y = d.target.astype(np.int64)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.25, stratify=y, random_state=SEED)
    rng = np.random.default_rng(SEED)
    calib_idx = np.sort(rng.permutation(len(xtr))[:CALIB_SAMPLES])
    return xtr, ytr, xte, yte, calib_idx


def train_classifier(torch, model, xtr, ytr, epochs, lr, weight_decay, batch=32):
    g = torch.Generator().manual_seed(SEED)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    X = torch.from_numpy(xtr)
    Y = torch.from_numpy(ytr)
    lossf = torch.nn.CrossEntropyLoss()
    t0 = time.time()
    steps = 0
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(len(X), generator=g)
        tot = 0.0
        for i in range(0, len(X), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = lossf(model(X[idx]), Y[idx])
            loss.backward()
            opt.step()
            steps += 1
            tot += loss.item() * len(idx)
        sched.step()
        if ep % 10 == 0 or ep == epochs - 1:
            log(f"  epoch {ep + 1}/{epochs} train loss {tot / len(X):.4f}")
    model.eval()
    return time.time() - t0, steps


def build_digits(kind: str, out: Path) -> dict:
    torch = setup_torch()
    nn = torch.nn
    name = f"digits-{kind}"
    log(f"== {name}")
    xtr, ytr, xte, yte, calib_idx = digits_split()

    if kind == "mlp":
        class DigitsMLP(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(64, 128)
                self.fc2 = nn.Linear(128, 64)
                self.fc3 = nn.Linear(64, 10)

            def forward(self, x):
                h = torch.relu(self.fc1(x))
                h = torch.relu(self.fc2(h))
                return self.fc3(h)

        class WithSoftmax(nn.Module):
            def __init__(self, net):
                super().__init__()
                self.net = net

            def forward(self, x):
                return torch.softmax(self.net(x), dim=-1)

        net = DigitsMLP()
        shape = lambda a: a                      # [N, 64]
        input_name, output_name = "input", "probabilities"
        epochs, lr, wd = 60, 2e-3, 1e-4
        required = {"Gemm", "Relu", "Softmax"}
        arch = "Linear(64,128)-ReLU-Linear(128,64)-ReLU-Linear(64,10)-Softmax"
        output_kind = "probabilities (Softmax over 10 classes)"
    else:
        class DigitsCNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
                self.bn1 = nn.BatchNorm2d(16)
                self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
                self.bn2 = nn.BatchNorm2d(32)
                self.pool = nn.MaxPool2d(2)
                self.fc1 = nn.Linear(32 * 2 * 2, 64)
                self.fc2 = nn.Linear(64, 10)

            def forward(self, x):
                h = self.pool(torch.relu(self.bn1(self.conv1(x))))   # 16x4x4
                h = self.pool(torch.relu(self.bn2(self.conv2(h))))   # 32x2x2
                h = torch.flatten(h, 1)
                return self.fc2(torch.relu(self.fc1(h)))

        net = DigitsCNN()
        shape = lambda a: a.reshape(-1, 1, 8, 8)
        input_name, output_name = "input", "logits"
        epochs, lr, wd = 40, 3e-3, 1e-4
        required = {"Conv", "BatchNormalization", "Relu", "MaxPool", "Gemm"}
        arch = ("Conv(1->16,3x3,pad1)-BatchNorm-ReLU-MaxPool2 - Conv(16->32,3x3,pad1)-BatchNorm-"
                "ReLU-MaxPool2 - Flatten - Linear(128,64)-ReLU-Linear(64,10)")
        output_kind = "logits (10 classes, no Softmax)"

    xtr_s, xte_s = shape(xtr), shape(xte)
    train_s, steps = train_classifier(torch, net, xtr_s, ytr, epochs, lr, wd)
    model = WithSoftmax(net) if kind == "mlp" else net
    model.eval()
    with torch.no_grad():
        torch_out = model(torch.from_numpy(xte_s)).numpy()
    torch_correct, torch_acc = accuracy_from(torch_out, yte)
    log(f"  torch test accuracy {torch_acc:.4f} ({torch_correct}/{len(yte)})")
    nparams = sum(p.numel() for p in net.parameters())

    onnx_path = out / f"{name}.onnx"
    # digits-cnn: constant folding off so BatchNormalization is not folded into Conv
    export_onnx(torch, model, torch.from_numpy(xte_s[:2]), onnx_path, input_name, output_name,
                opset=17, constant_folding=(kind == "mlp"))
    graph = finish_onnx(onnx_path, name, f"Abridge sample {name}: {arch}", required,
                        forbidden_ops={"ZipMap"})

    save_npz(out / f"{name}.calib.npz", {input_name: xtr_s[calib_idx]})
    save_npz(out / f"{name}.test.npz", {input_name: xte_s, "labels": yte})

    test = np.load(out / f"{name}.test.npz")
    ort_out = ort_run(onnx_path, {input_name: test[input_name]})
    correct, acc = accuracy_from(ort_out, test["labels"])
    log(f"  onnxruntime test accuracy {acc:.4f} ({correct}/{len(yte)}); "
        f"max |ort - torch| = {np.abs(ort_out - torch_out).max():.2e}")
    if correct != torch_correct:
        raise SystemExit(f"{name}: onnxruntime and torch disagree on accuracy")

    meta = {
        "name": name,
        "task": "classification",
        "model": f"{name}.onnx",
        "calibration": f"{name}.calib.npz",
        "test": f"{name}.test.npz",
        "input_keys": [input_name],
        "label_key": "labels",
        "output_key": output_name,
        "output_kind": output_kind,
        "inputs": graph["inputs"],
        "outputs": graph["outputs"],
        "labels": {"dtype": "int64", "shape": [len(yte)], "meaning": "digit class 0-9"},
        "test_samples": int(len(yte)),
        "calibration_samples": int(len(calib_idx)),
        "metric": {"name": "accuracy", "value": acc, "correct": correct, "count": int(len(yte)),
                   "how": "fraction of test samples whose output argmax equals the label",
                   "measured_with": f"onnxruntime {md.version('onnxruntime')} CPUExecutionProvider "
                                    f"on {name}.test.npz"},
        "accuracy": acc,
        "opset": graph["opset"],
        "ir_version": graph["ir_version"],
        "ops": graph["ops"],
        "data": DIGITS_DATA | {"calibration": f"{CALIB_SAMPLES} samples of the training split, "
                                              f"numpy default_rng({SEED}).permutation, sorted"},
        "build": {
            "script": SCRIPT_REL,
            "command": f"python3 {SCRIPT_REL} --only {name}",
            "framework": "PyTorch, legacy TorchScript ONNX exporter (dynamo=False)",
            "architecture": arch,
            "parameters": int(nparams),
            "seed": SEED,
            "torch_threads": TORCH_THREADS,
            "optimizer": f"AdamW lr={lr} weight_decay={wd}, cosine schedule, batch 32",
            "epochs": epochs,
            "steps": steps,
            "training_seconds": round(train_s, 1),
            "export": {"opset": 17, "do_constant_folding": kind == "mlp",
                       "training": "TrainingMode.EVAL", "dynamic_axes": "axis 0 = 'batch'"},
            "torch_accuracy": torch_acc,
            "versions": versions(),
        },
    }
    write_json(out / f"{name}.json", meta)
    return meta


# --------------------------------------------------------------------------
# tiny-lm

def lm_text():
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    if sys.version_info[:2] != (3, 11):
        warnings.warn(f"tiny-lm text is defined as CPython 3.11's stdlib; this is {platform.python_version()}")
    files = {}
    for f in LM_TRAIN_FILES + LM_TEST_FILES:
        files[f] = (stdlib / f).read_bytes()
    old = REPO / "samples" / "tiny-lm.json"
    if old.exists():
        try:
            recorded = json.loads(old.read_text())["data"]["files_sha256"]
            diff = [f for f, b in files.items() if recorded.get(f) != hashlib.sha256(b).hexdigest()]
            if diff:
                warnings.warn(f"{len(diff)} stdlib files differ from the committed build "
                              f"(e.g. {diff[:3]}): tiny-lm will not be bit-identical")
        except (KeyError, ValueError):
            pass
    train = b"".join(files[f] for f in LM_TRAIN_FILES)
    test = b"".join(files[f] for f in LM_TEST_FILES)
    shas = {f: hashlib.sha256(b).hexdigest() for f, b in files.items()}
    return stdlib, np.frombuffer(train, np.uint8).astype(np.int64), \
        np.frombuffer(test, np.uint8).astype(np.int64), shas


def make_lm(torch):
    nn = torch.nn
    F = torch.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1 = nn.LayerNorm(LM_D)
            self.qkv = nn.Linear(LM_D, 3 * LM_D)
            self.proj = nn.Linear(LM_D, LM_D)
            self.ln2 = nn.LayerNorm(LM_D)
            self.fc1 = nn.Linear(LM_D, LM_FF)
            self.fc2 = nn.Linear(LM_FF, LM_D)
            # True above the diagonal: positions a query may not attend to
            self.register_buffer("future", torch.triu(torch.ones(LM_SEQ, LM_SEQ, dtype=torch.bool),
                                                      diagonal=1).view(1, 1, LM_SEQ, LM_SEQ),
                                 persistent=False)

        def attention(self, x):
            hd = LM_D // LM_HEADS
            q, k, v = self.qkv(x).split(LM_D, dim=-1)
            # python-int shapes with -1 for batch: constant Reshape shapes in ONNX
            q = q.reshape(-1, LM_SEQ, LM_HEADS, hd).transpose(1, 2)
            k = k.reshape(-1, LM_SEQ, LM_HEADS, hd).transpose(1, 2)
            v = v.reshape(-1, LM_SEQ, LM_HEADS, hd).transpose(1, 2)
            att = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(hd))
            att = att.masked_fill(self.future, LM_MASK_VALUE)
            att = torch.softmax(att, dim=-1)
            y = torch.matmul(att, v).transpose(1, 2).reshape(-1, LM_SEQ, LM_D)
            return self.proj(y)

        def forward(self, x):
            x = x + self.attention(self.ln1(x))
            return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))

    class TinyLM(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(LM_VOCAB, LM_D)
            self.pos = nn.Parameter(torch.zeros(LM_SEQ, LM_D))
            self.blocks = nn.ModuleList([Block() for _ in range(LM_LAYERS)])
            self.ln_f = nn.LayerNorm(LM_D)
            self.head = nn.Linear(LM_D, LM_VOCAB)
            for n, p in self.named_parameters():
                if p.dim() >= 2:
                    nn.init.normal_(p, std=0.02)
                elif n.endswith(".bias"):
                    nn.init.zeros_(p)
            for b in self.blocks:   # GPT-2 style scaled init of residual projections
                nn.init.normal_(b.proj.weight, std=0.02 / math.sqrt(2 * LM_LAYERS))
                nn.init.normal_(b.fc2.weight, std=0.02 / math.sqrt(2 * LM_LAYERS))

        def forward(self, ids):
            x = self.tok(ids) + self.pos
            for b in self.blocks:
                x = b(x)
            return self.head(self.ln_f(x))

    return TinyLM()


def lm_windows(data: np.ndarray, starts: np.ndarray):
    idx = starts[:, None] + np.arange(LM_SEQ + 1)[None, :]
    w = data[idx]
    return w[:, :-1].copy(), w[:, 1:].copy()


def build_lm(out: Path, steps: int, max_minutes: float) -> dict:
    torch = setup_torch()
    F = torch.nn.functional
    name = "tiny-lm"
    log(f"== {name}")
    stdlib, train, test, shas = lm_text()
    log(f"  text: {len(train):,} train bytes ({len(LM_TRAIN_FILES)} files), "
        f"{len(test):,} test bytes ({len(LM_TEST_FILES)} files) from {stdlib}")

    rng = np.random.default_rng(SEED)
    # held-out: LM_TEST_SEQS non-overlapping windows spread evenly over the test files
    n_windows = (len(test) - 1) // (LM_SEQ + 1)
    pick = np.linspace(0, n_windows - 1, LM_TEST_SEQS).round().astype(np.int64)
    xte, yte = lm_windows(test, pick * (LM_SEQ + 1))
    # calibration: random windows of the training text
    xcal, _ = lm_windows(train, np.sort(rng.integers(0, len(train) - LM_SEQ - 1, CALIB_SAMPLES)))

    model = make_lm(torch)
    nparams = sum(p.numel() for p in model.parameters())
    log(f"  parameters: {nparams:,}")
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and n != "pos"]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and n != "pos")]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=LM_LR, betas=(0.9, 0.95))

    def lr_at(s):
        if s < LM_WARMUP:
            return LM_LR * (s + 1) / LM_WARMUP
        t = (s - LM_WARMUP) / max(1, steps - LM_WARMUP)
        return LM_LR * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * t)))

    Xte, Yte = torch.from_numpy(xte), torch.from_numpy(yte)

    def test_loss(n=LM_TEST_SEQS):
        model.eval()
        with torch.no_grad():
            tot = 0.0
            for i in range(0, n, 128):
                lg = model(Xte[i:i + 128])
                tot += float(F.cross_entropy(lg.reshape(-1, LM_VOCAB), Yte[i:i + 128].reshape(-1),
                                             reduction="sum"))
        model.train()
        return tot / (n * LM_SEQ)

    g = np.random.default_rng(SEED + 1)
    t0 = time.time()
    done = 0
    truncated = False
    model.train()
    run_loss = None
    for s in range(steps):
        if time.time() - t0 > max_minutes * 60:
            truncated = True
            break
        for grp in opt.param_groups:
            grp["lr"] = lr_at(s)
        xb, yb = lm_windows(train, g.integers(0, len(train) - LM_SEQ - 1, LM_BATCH))
        logits = model(torch.from_numpy(xb))
        loss = F.cross_entropy(logits.reshape(-1, LM_VOCAB), torch.from_numpy(yb).reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        done = s + 1
        lv = loss.item()
        run_loss = lv if run_loss is None else 0.98 * run_loss + 0.02 * lv
        if done % 250 == 0 or done == steps or done == 20:
            el = time.time() - t0
            log(f"  step {done}/{steps} train loss {run_loss:.3f} held-out loss {test_loss(128):.3f} "
                f"({el:.0f}s, {el / done:.3f}s/step)")
    train_s = time.time() - t0
    if truncated:
        warnings.warn(f"tiny-lm: wall-time cap of {max_minutes} min reached after {done}/{steps} "
                      "steps; this build is NOT the reproducible one")
    model.eval()
    with torch.no_grad():
        torch_logits = torch.cat([model(Xte[i:i + 128]) for i in range(0, LM_TEST_SEQS, 128)]).numpy()
    torch_nll, torch_ppl = perplexity_from(torch_logits, yte)
    log(f"  torch held-out perplexity {torch_ppl:.4f} (nll {torch_nll:.4f} nats/byte)")

    onnx_path = out / f"{name}.onnx"
    input_name, output_name = "input_ids", "logits"
    export_onnx(torch, model, Xte[:2], onnx_path, input_name, output_name, opset=20,
                constant_folding=True)
    graph = finish_onnx(
        onnx_path, name,
        f"Abridge sample {name}: byte-level causal transformer, {LM_LAYERS} layers, d={LM_D}, "
        f"{LM_HEADS} heads, seq {LM_SEQ}",
        {"Gather", "MatMul", "LayerNormalization", "Softmax", "Gelu", "Where"}, tidy=tidy_lm_graph)

    save_npz(out / f"{name}.calib.npz", {input_name: xcal})
    save_npz(out / f"{name}.test.npz", {input_name: xte, "labels": yte})
    tst = np.load(out / f"{name}.test.npz")
    ort_logits = ort_run(onnx_path, {input_name: tst[input_name]}, batch=64)
    nll, ppl = perplexity_from(ort_logits, tst["labels"])
    log(f"  onnxruntime held-out perplexity {ppl:.4f}; max |ort - torch| logits = "
        f"{np.abs(ort_logits - torch_logits).max():.2e}")
    if abs(ppl - torch_ppl) / torch_ppl > 1e-4:
        raise SystemExit(f"{name}: onnxruntime and torch perplexity differ: {ppl} vs {torch_ppl}")

    meta = {
        "name": name,
        "task": "lm",
        "model": f"{name}.onnx",
        "calibration": f"{name}.calib.npz",
        "test": f"{name}.test.npz",
        "input_keys": [input_name],
        "label_key": "labels",
        "output_key": output_name,
        "output_kind": "logits over 256 byte values at every position ([batch, 64, 256]); "
                       "logits[n, t] predicts labels[n, t] = the byte after input_ids[n, t]",
        "inputs": graph["inputs"],
        "outputs": graph["outputs"],
        "labels": {"dtype": "int64", "shape": [LM_TEST_SEQS, LM_SEQ],
                   "meaning": "next-byte targets: labels[n, t] == input_ids[n, t + 1] for t < 63"},
        "test_samples": LM_TEST_SEQS,
        "calibration_samples": CALIB_SAMPLES,
        "metric": {"name": "perplexity", "value": ppl, "nll_nats_per_byte": nll,
                   "bits_per_byte": nll / math.log(2), "count": LM_TEST_SEQS * LM_SEQ,
                   "how": "exp(mean over all N*seq test positions of -log softmax(logits)[label]), "
                          "softmax over the last axis, computed in float64 from float32 logits",
                   "measured_with": f"onnxruntime {md.version('onnxruntime')} CPUExecutionProvider "
                                    f"on {name}.test.npz"},
        "perplexity": ppl,
        "opset": graph["opset"],
        "ir_version": graph["ir_version"],
        "ops": graph["ops"],
        "data": {
            "origin": f"top-level .py source files of the CPython {platform.python_version()} "
                      "standard library (sysconfig stdlib path), read as raw bytes",
            "license": "PSF License Version 2 (Python Software Foundation License); "
                       "Copyright (c) 2001 Python Software Foundation, all rights reserved",
            "source": "https://docs.python.org/3/license.html",
            "train_files": LM_TRAIN_FILES,
            "test_files": LM_TEST_FILES,
            "files_sha256": shas,
            "train_bytes": int(len(train)),
            "test_bytes": int(len(test)),
            "split": "by file: train and test files are disjoint; each split is the "
                     "concatenation of its files in the listed order",
            "test_windows": f"{LM_TEST_SEQS} non-overlapping {LM_SEQ + 1}-byte windows of the test "
                            f"text at evenly spaced offsets (multiples of {LM_SEQ + 1})",
            "calibration": f"{CALIB_SAMPLES} random {LM_SEQ}-byte windows of the training text "
                           f"(numpy default_rng({SEED}).integers, sorted)",
        },
        "build": {
            "script": SCRIPT_REL,
            "command": f"python3 {SCRIPT_REL} --only {name}",
            "framework": "PyTorch, legacy TorchScript ONNX exporter (dynamo=False)",
            "architecture": {"layers": LM_LAYERS, "d_model": LM_D, "heads": LM_HEADS, "d_ff": LM_FF,
                             "seq": LM_SEQ, "vocab": LM_VOCAB, "norm": "pre-LayerNorm",
                             "activation": "GELU (exact, erf)", "positions": "learned [64, 128]",
                             "causal_mask": f"Where(future, {LM_MASK_VALUE}, scores) before Softmax",
                             "dropout": 0},
            "parameters": int(nparams),
            "seed": SEED,
            "torch_threads": TORCH_THREADS,
            "optimizer": f"AdamW lr={LM_LR} betas=(0.9,0.95) weight_decay=0.05 (matrices), "
                         f"warmup {LM_WARMUP} then cosine to 10%, grad clip 1.0, batch {LM_BATCH}",
            "steps": done,
            "planned_steps": steps,
            "truncated_by_wall_time": truncated,
            "wall_time_cap_minutes": max_minutes,
            "training_seconds": round(train_s, 1),
            "training_bytes_seen": done * LM_BATCH * LM_SEQ,
            "export": {"opset": 20, "do_constant_folding": True, "training": "TrainingMode.EVAL",
                       "dynamic_axes": "axis 0 = 'batch'; sequence length fixed at 64"},
            "torch_perplexity": torch_ppl,
            "versions": versions(),
        },
    }
    write_json(out / f"{name}.json", meta)
    return meta


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", choices=["digits-mlp", "digits-cnn", "tiny-lm"], action="append",
                    help="build only this sample (repeatable)")
    ap.add_argument("--out", type=Path, default=REPO / "samples")
    ap.add_argument("--lm-steps", type=int, default=LM_STEPS,
                    help=f"tiny-lm training steps (default {LM_STEPS}; change only for experiments)")
    ap.add_argument("--lm-max-minutes", type=float, default=LM_MAX_MINUTES)
    args = ap.parse_args()
    check_requirements()
    args.out.mkdir(parents=True, exist_ok=True)
    todo = args.only or ["digits-mlp", "digits-cnn", "tiny-lm"]
    results = []
    for name in todo:
        if name == "digits-mlp":
            results.append(build_digits("mlp", args.out))
        elif name == "digits-cnn":
            results.append(build_digits("cnn", args.out))
        else:
            results.append(build_lm(args.out, args.lm_steps, args.lm_max_minutes))
    log("== summary")
    for m in results:
        sizes = {k: (args.out / m[k]).stat().st_size for k in ("model", "calibration", "test")}
        log(f"  {m['name']}: {m['metric']['name']} {m['metric']['value']:.4f}; sizes {sizes}")
    total = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    log(f"  samples/ total {total / 1e6:.2f} MB")
    if total > 10 * 1024 * 1024:
        raise SystemExit("samples/ exceeds 10 MB")
    cut = [m["name"] for m in results if m["build"].get("truncated_by_wall_time")]
    if cut:
        raise SystemExit(f"{cut}: training was cut short by the wall-time cap; the outputs are "
                         "written but are NOT the reproducible build: do not commit them, rerun "
                         "on a quieter machine")


if __name__ == "__main__":
    main()
