"""External data (issue 2, items 5 and 8): inline -> external -> inline is lossless; the data
file's location/offset/length entries are what onnx and onnxruntime expect; re-saving never
touches an old data file; output is deterministic; sparse initializers round-trip; a model over
2 GB switches to external data by itself (large test, opt-in with ABRIDGE_LARGE_TESTS=1).

Oracles: the Python onnx package (ModelProto equality, numpy_helper.to_array, onnx.load with
external data, onnx.checker) and onnxruntime 1.32 (loads and runs the external-data model with
the same results as the original).
"""
import hashlib
import json
import os
import pathlib

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import ROOT
from qhelpers import SAMPLES

ONNX_DATA = pathlib.Path(onnx.__file__).parent / "backend" / "test" / "data"

# Models with sizable initializers: the samples (raw_data, up to 3.5 MB), the onnx package's
# largest test model (848 initializers) and one with a single 7.5 KB weight.
CORPUS = [
    ROOT / "samples" / "digits-cnn.onnx",
    ROOT / "samples" / "digits-mlp.onnx",
    ROOT / "samples" / "tiny-lm.onnx",
    ONNX_DATA / "light" / "light_densenet121.onnx",
    ONNX_DATA / "pytorch-operator" / "test_operator_conv" / "model.onnx",
]


# --------------------------------------------------------------------------------------------
# helpers

def all_tensors(model: onnx.ModelProto):
    """Every TensorProto of the model with a label: initializers (dense and the values/indices
    of sparse ones) and attribute tensors, in every graph, subgraph and function."""
    def attr_tensors(attr, where):
        if attr.HasField("t"):
            yield f"{where}.{attr.name}", attr.t
        for i, t in enumerate(attr.tensors):
            yield f"{where}.{attr.name}[{i}]", t
        if attr.HasField("sparse_tensor"):
            yield f"{where}.{attr.name}.values", attr.sparse_tensor.values
            yield f"{where}.{attr.name}.indices", attr.sparse_tensor.indices
        if attr.HasField("g"):
            yield from graph_tensors(attr.g, f"{where}.{attr.name}")
        for i, g in enumerate(attr.graphs):
            yield from graph_tensors(g, f"{where}.{attr.name}[{i}]")

    def node_tensors(nodes, where):
        for k, n in enumerate(nodes):
            for a in n.attribute:
                yield from attr_tensors(a, f"{where}/node{k}")

    def graph_tensors(g, where):
        for t in g.initializer:
            yield f"{where}/{t.name}", t
        for s in g.sparse_initializer:
            yield f"{where}/{s.values.name}.values", s.values
            yield f"{where}/{s.values.name}.indices", s.indices
        yield from node_tensors(g.node, where)

    yield from graph_tensors(model.graph, "main")
    for f in model.functions:
        yield from node_tensors(f.node, f"fn:{f.name}")


def external_entries(t: TensorProto) -> dict:
    return {e.key: e.value for e in t.external_data}


def expected_bytes(t: TensorProto) -> int:
    n = int(np.prod(t.dims, dtype=np.int64)) if len(t.dims) else 1
    bits = {TensorProto.FLOAT: 32, TensorProto.INT64: 64, TensorProto.INT32: 32, TensorProto.DOUBLE: 64,
            TensorProto.FLOAT16: 16, TensorProto.INT8: 8, TensorProto.UINT8: 8, TensorProto.BOOL: 8}[t.data_type]
    return (n * bits + 7) // 8


def unset_loaded_location(loaded: onnx.ModelProto, unloaded: onnx.ModelProto):
    """onnx.load with external data sets data_location = DEFAULT explicitly on the tensors it
    filled in; clear that field so the model compares equal to one that never had it."""
    for (_, t), (_, u) in zip(all_tensors(loaded), all_tensors(unloaded)):
        if u.data_location == TensorProto.EXTERNAL:
            assert t.data_location == TensorProto.DEFAULT and len(t.external_data) == 0
            t.ClearField("data_location")
    return loaded


def check_external_file(model_path: pathlib.Path, data_name: str, threshold: int):
    """Checks every tensor's placement and entries against the data file; returns how many
    tensors are external."""
    unloaded = onnx.load(str(model_path), load_external_data=False)
    data_file = model_path.parent / data_name
    size = data_file.stat().st_size
    ranges = []
    for label, t in all_tensors(unloaded):
        if t.data_location != TensorProto.EXTERNAL:
            assert len(t.external_data) == 0, label
            continue
        e = external_entries(t)
        assert set(e) == {"location", "offset", "length"}, (label, e)
        assert e["location"] == data_name
        assert e["offset"].isdigit() and e["length"].isdigit(), e
        offset, length = int(e["offset"]), int(e["length"])
        assert length == expected_bytes(t) >= threshold, (label, length)
        assert offset + length <= size
        if length >= 4096:
            assert offset % 4096 == 0, f"{label}: offset {offset} of a large tensor is not page-aligned"
        assert not t.HasField("raw_data") and len(t.float_data) == 0 and len(t.int64_data) == 0, label
        ranges.append((offset, offset + length))
    ranges.sort()
    for (a0, a1), (b0, b1) in zip(ranges, ranges[1:]):
        assert a1 <= b0, f"overlapping ranges {a0}-{a1} and {b0}-{b1}"
    return len(ranges)


def ort_outputs(path: pathlib.Path, seed=0):
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(seed)
    feeds = {}
    for i in sess.get_inputs():
        shape = [d if isinstance(d, int) else 2 for d in i.shape]
        if i.type == "tensor(float)":
            feeds[i.name] = rng.standard_normal(shape).astype(np.float32)
        elif i.type == "tensor(int64)":
            feeds[i.name] = rng.integers(0, 8, shape).astype(np.int64)
        elif i.type == "tensor(bool)":
            feeds[i.name] = np.array(True) if not shape else np.ones(shape, bool)
        else:
            raise AssertionError(f"no feed for {i.type}")
    return sess.run(None, feeds)


def convert(abridge, src, dst, *args):
    p = abridge("convert", src, "-o", dst, *args)
    assert p.returncode == 0, f"convert {src} -> {dst} failed ({p.returncode}):\n{p.stderr}"
    return p


def ext_roundtrip(abridge, src: pathlib.Path, tmp_path: pathlib.Path, threshold: int):
    """src -> ext/model.onnx (+ model.onnx.data) -> back/model.onnx; returns the paths."""
    (tmp_path / "ext").mkdir()
    (tmp_path / "back").mkdir()
    ext = tmp_path / "ext" / "model.onnx"
    back = tmp_path / "back" / "model.onnx"
    convert(abridge, src, ext, "--external-data", "--size-threshold", threshold)
    convert(abridge, ext, back)
    return ext, back


# --------------------------------------------------------------------------------------------
# corpus models

@pytest.mark.parametrize("src", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_inline_external_inline_equal(abridge, tmp_path, src):
    threshold = 256
    ext, back = ext_roundtrip(abridge, src, tmp_path, threshold)
    original = onnx.load(str(src))
    n_external = check_external_file(ext, "model.onnx.data", threshold)
    n_large = sum(1 for _, t in all_tensors(original)
                  if t.data_type != TensorProto.STRING and expected_bytes(t) >= threshold)
    assert n_external == n_large > 0
    # The way back gives the input again, and no data file.
    assert onnx.load(str(back)) == original
    assert sorted(x.name for x in back.parent.iterdir()) == ["model.onnx"]
    # onnx.load resolves the external entries to the same tensors.
    loaded = onnx.load(str(ext))
    for (label, a), (_, b) in zip(all_tensors(original), all_tensors(loaded)):
        np.testing.assert_array_equal(numpy_helper.to_array(a), numpy_helper.to_array(b), err_msg=label)
    if all(t.HasField("raw_data") or t.data_type == TensorProto.STRING for _, t in all_tensors(original)):
        assert unset_loaded_location(loaded, onnx.load(str(ext), load_external_data=False)) == original
    onnx.checker.check_model(str(ext), full_check=False)


@pytest.mark.parametrize("name", ["digits-cnn", "digits-mlp", "tiny-lm"])
def test_onnxruntime_runs_external_version(abridge, tmp_path, name):
    src = ROOT / "samples" / f"{name}.onnx"
    ext = tmp_path / "model.onnx"
    convert(abridge, src, ext, "--external-data", "--size-threshold", "1024")
    assert (tmp_path / "model.onnx.data").stat().st_size > 0
    for a, b in zip(ort_outputs(src), ort_outputs(ext)):
        np.testing.assert_array_equal(a, b)


def test_size_threshold_boundary(abridge, tmp_path):
    # Tensors of exactly --size-threshold bytes go external, one byte less stays inline.
    a = numpy_helper.from_array(np.arange(256, dtype=np.float32), "A")     # 1024 bytes
    b = numpy_helper.from_array(np.arange(255, dtype=np.float32), "B")     # 1020 bytes
    c = numpy_helper.from_array(np.arange(1023, dtype=np.uint8), "C")      # 1023 bytes
    g = helper.make_graph([helper.make_node("Identity", ["A"], ["Y"])], "g", [],
                          [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [256])], initializer=[a, b, c])
    src = tmp_path / "t.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), str(src))
    out = tmp_path / "out" / "t.onnx"
    out.parent.mkdir()
    convert(abridge, src, out, "--external-data")            # default threshold: 1024
    m = onnx.load(str(out), load_external_data=False)
    placed = {t.name: t.data_location for t in m.graph.initializer}
    assert placed == {"A": TensorProto.EXTERNAL, "B": TensorProto.DEFAULT, "C": TensorProto.DEFAULT}
    assert external_entries(m.graph.initializer[0]) == {"location": "t.onnx.data", "offset": "0", "length": "1024"}
    assert (out.parent / "t.onnx.data").read_bytes() == np.arange(256, dtype=np.float32).tobytes()


# --------------------------------------------------------------------------------------------
# Constant attribute tensors, If subgraph initializers

def constant_and_subgraph_model():
    """Y = If(C, then: X + Wc + Wt, else: X - Wc), Wc from a Constant node (2048 floats), Wt an
    initializer of the then-branch (1024 floats), plus a Constant inside the else-branch."""
    n = 1024
    wc = numpy_helper.from_array(np.linspace(-1, 1, n, dtype=np.float32), "wc_value")
    wt = numpy_helper.from_array(np.arange(n, dtype=np.float32) / 7, "Wt")
    we = numpy_helper.from_array(np.full(n, 0.5, np.float32), "we_value")
    vi = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, [n])
    then_g = helper.make_graph([helper.make_node("Add", ["X", "Wc"], ["T0"]), helper.make_node("Add", ["T0", "Wt"], ["T"])],
                               "then", [], [vi("T")], initializer=[wt])
    else_g = helper.make_graph([helper.make_node("Constant", [], ["We"], value=we),
                                helper.make_node("Sub", ["X", "Wc"], ["E0"]), helper.make_node("Add", ["E0", "We"], ["E"])],
                               "else", [], [vi("E")])
    nodes = [helper.make_node("Constant", [], ["Wc"], value=wc),
             helper.make_node("If", ["C"], ["Y"], then_branch=then_g, else_branch=else_g)]
    g = helper.make_graph(nodes, "g", [vi("X"), helper.make_tensor_value_info("C", TensorProto.BOOL, [])], [vi("Y")])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])


def test_constant_and_subgraph_tensors(abridge, tmp_path):
    src = tmp_path / "cs.onnx"
    original = constant_and_subgraph_model()
    onnx.checker.check_model(original, full_check=True)
    onnx.save(original, str(src))
    ext, back = ext_roundtrip(abridge, src, tmp_path, 1024)
    assert check_external_file(ext, "model.onnx.data", 1024) == 3
    unloaded = onnx.load(str(ext), load_external_data=False)
    external = {label for label, t in all_tensors(unloaded) if t.data_location == TensorProto.EXTERNAL}
    assert external == {"main/node0.value", "main/node1.then_branch/Wt", "main/node1.else_branch/node0.value"}
    assert onnx.load(str(back)) == original
    loaded = onnx.load(str(ext))
    assert unset_loaded_location(loaded, unloaded) == original
    # onnxruntime loads the subgraph initializer and the Constant tensors from the data file.
    sess_orig = ort.InferenceSession(src.read_bytes(), providers=["CPUExecutionProvider"])
    sess_ext = ort.InferenceSession(str(ext), providers=["CPUExecutionProvider"])
    x = np.random.default_rng(1).standard_normal(1024).astype(np.float32)
    for c in (True, False):
        feeds = {"X": x, "C": np.array(c)}
        np.testing.assert_array_equal(sess_orig.run(None, feeds)[0], sess_ext.run(None, feeds)[0])


# --------------------------------------------------------------------------------------------
# re-saving, determinism, sparse

def test_resave_writes_new_data_file_and_leaves_old_one(abridge, tmp_path):
    src = ROOT / "samples" / "digits-cnn.onnx"
    first = tmp_path / "first.onnx"
    convert(abridge, src, first, "--external-data", "--size-threshold", "256")
    old_data = tmp_path / "first.onnx.data"
    before = old_data.read_bytes()
    st = old_data.stat()
    # Re-save the external-data model to new outputs: with external data (default name and a
    # chosen name), and inline.
    second = tmp_path / "second.onnx"
    convert(abridge, first, second, "--external-data", "--size-threshold", "256")
    third = tmp_path / "third.onnx"
    convert(abridge, first, third, "--external-data", "--size-threshold", "256", "--external-data-name", "w3.bin")
    inline = tmp_path / "inline.onnx"
    convert(abridge, first, inline)
    after = old_data.stat()
    assert old_data.read_bytes() == before
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (st.st_size, st.st_mtime_ns, st.st_ino)
    # Same tensors, threshold and alignment: the new data files hold the same bytes.
    assert (tmp_path / "second.onnx.data").read_bytes() == before
    assert (tmp_path / "w3.bin").read_bytes() == before
    for out, data_name in ((second, "second.onnx.data"), (third, "w3.bin")):
        locations = {external_entries(t)["location"] for _, t in all_tensors(onnx.load(str(out), load_external_data=False))
                     if t.data_location == TensorProto.EXTERNAL}
        assert locations == {data_name}
        assert onnx.load(str(out)) == onnx.load(str(first))
    assert onnx.load(str(inline)) == onnx.load(str(src))
    # Re-saving over an existing output with --force replaces its data file by rename, never by
    # appending a second copy.
    convert(abridge, first, second, "--external-data", "--size-threshold", "256", "--force")
    assert (tmp_path / "second.onnx.data").read_bytes() == before
    assert sorted(x.name for x in tmp_path.iterdir()) == sorted(
        ["first.onnx", "first.onnx.data", "second.onnx", "second.onnx.data", "third.onnx", "w3.bin", "inline.onnx"])


@pytest.mark.parametrize("external", [False, True], ids=["inline", "external"])
def test_deterministic_output(abridge, tmp_path, external):
    src = ROOT / "samples" / "tiny-lm.onnx"
    args = ["--external-data", "--size-threshold", "512"] if external else []
    outs = []
    for k in (1, 2):
        d = tmp_path / f"run{k}"
        d.mkdir()
        convert(abridge, src, d / "m.onnx", *args)
        outs.append(d)
    names = sorted(x.name for x in outs[0].iterdir())
    assert names == (["m.onnx", "m.onnx.data"] if external else ["m.onnx"])
    assert names == sorted(x.name for x in outs[1].iterdir())
    for n in names:
        assert (outs[0] / n).read_bytes() == (outs[1] / n).read_bytes(), n


def sparse_model():
    """A sparse initializer S (dense [64, 64], 600 non-zeros, [NNZ] linear indices) and a
    Constant with a sparse_value ([NNZ, 2] coordinate indices); Y = X + S + dense(Constant)."""
    rng = np.random.default_rng(7)
    lin = np.sort(rng.choice(64 * 64, 600, replace=False)).astype(np.int64)
    values = numpy_helper.from_array(rng.standard_normal(600).astype(np.float32), "S")
    indices = numpy_helper.from_array(lin, "S_indices")
    s = helper.make_sparse_tensor(values, indices, [64, 64])
    coords = np.stack([lin[:300] // 64, lin[:300] % 64], axis=1).astype(np.int64)
    cvalues = numpy_helper.from_array(np.arange(300, dtype=np.float32), "K")
    csparse = helper.make_sparse_tensor(cvalues, numpy_helper.from_array(coords, "K_indices"), [64, 64])
    vi = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, [64, 64])
    nodes = [helper.make_node("Constant", [], ["K"], sparse_value=csparse),
             helper.make_node("Add", ["X", "S"], ["T"]), helper.make_node("Add", ["T", "K"], ["Y"])]
    g = helper.make_graph(nodes, "g", [vi("X")], [vi("Y")], sparse_initializer=[s])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])


def test_sparse_initializer_roundtrip(abridge, tmp_path):
    original = sparse_model()
    onnx.checker.check_model(original)
    src = tmp_path / "sparse.onnx"
    onnx.save(original, str(src))
    inline = tmp_path / "inline.onnx"
    convert(abridge, src, inline)
    assert onnx.load(str(inline)) == original
    ext, back = ext_roundtrip(abridge, src, tmp_path, 1024)
    # values (2400 B), indices (4800 B) and the Constant's indices (4800 B) and values (1200 B)
    assert check_external_file(ext, "model.onnx.data", 1024) == 4
    assert onnx.load(str(back)) == original
    # onnxruntime densifies the sparse initializer and the sparse Constant.
    x = np.ones((64, 64), np.float32)
    dense = np.zeros(64 * 64, np.float32)
    dense[numpy_helper.to_array(original.graph.sparse_initializer[0].indices)] = \
        numpy_helper.to_array(original.graph.sparse_initializer[0].values)
    kd = np.zeros((64, 64), np.float32)
    sv = original.graph.node[0].attribute[0].sparse_tensor
    ci = numpy_helper.to_array(sv.indices)
    kd[ci[:, 0], ci[:, 1]] = numpy_helper.to_array(sv.values)
    expected = x + dense.reshape(64, 64) + kd
    got = ort.InferenceSession(str(back), providers=["CPUExecutionProvider"]).run(None, {"X": x})[0]
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


def test_inspect_reports_external_bytes_without_reading_them(abridge, tmp_path):
    src = ROOT / "samples" / "tiny-lm.onnx"
    ext = tmp_path / "m.onnx"
    convert(abridge, src, ext, "--external-data", "--size-threshold", "1024")
    data = tmp_path / "m.onnx.data"
    # Replace the data file by an empty, unreadable-by-content one of the same name: inspect
    # must still work, since it reads none of the data.
    data.unlink()
    data.write_bytes(b"")
    p = abridge("inspect", ext, "--json")
    assert p.returncode == 0, p.stderr
    stats = json.loads(p.stdout)["statistics"]
    unloaded = onnx.load(str(ext), load_external_data=False)
    want = sum(int(external_entries(t)["length"]) for t in unloaded.graph.initializer
               if t.data_location == TensorProto.EXTERNAL)
    assert stats["externalBytes"] == want > 0


# --------------------------------------------------------------------------------------------
# over 2 GB: automatic switch to external data (needs ~4.5 GB of disk; opt-in)

LARGE = os.environ.get("ABRIDGE_LARGE_TESTS") == "1"


def _pattern(k: int, size: int):
    """Tensor k's bytes as (1 MiB block, repetitions, length of the final partial block)."""
    block = hashlib.sha256(f"tensor{k}".encode()).digest() * (1 << 15)   # 1 MiB, distinct per tensor
    reps, rest = divmod(size, len(block))
    return block, reps, rest


@pytest.mark.skipif(not LARGE, reason="builds a 2.2 GB model; set ABRIDGE_LARGE_TESTS=1 to run")
def test_model_over_2gb_switches_to_external(abridge, tmp_path):
    # An inline model whose graph holds 3 x 750 MiB float tensors (2.2 GiB in all). Python's
    # protobuf cannot serialize it, so it is written field by field; abridge reads it (the
    # payloads stay in the mapping) and must write external data, saying so.
    def varint(v):
        out = bytearray()
        while v >= 0x80:
            out.append((v & 0x7F) | 0x80)
            v >>= 7
        out.append(v)
        return bytes(out)

    def field(num, payload_len):
        return varint(num << 3 | 2) + varint(payload_len)

    n_elems = 750 * (1 << 20) // 4
    size = n_elems * 4
    tensors = []
    for k in range(3):
        name = f"W{k}".encode()
        head = varint(1 << 3 | 0) + varint(n_elems) + varint(2 << 3 | 0) + varint(1) + field(8, len(name)) + name
        tensors.append((head + field(9, size), size))
    node = helper.make_node("Identity", ["W0"], ["Y"]).SerializeToString()
    out_vi = helper.make_tensor_value_info("Y", TensorProto.FLOAT, [n_elems]).SerializeToString()
    graph_small = field(1, len(node)) + node + field(2, 1) + b"g" + field(12, len(out_vi)) + out_vi
    graph_len = len(graph_small) + sum(len(field(5, len(h) + s)) + len(h) + s for h, s in tensors)
    opset = helper.make_opsetid("", 17).SerializeToString()
    src = tmp_path / "big.onnx"
    with open(src, "wb") as f:
        f.write(varint(1 << 3 | 0) + varint(8) + field(8, len(opset)) + opset + field(7, graph_len) + graph_small)
        for k, (head, s) in enumerate(tensors):
            f.write(field(5, len(head) + s) + head)
            block, reps, rest = _pattern(k, s)
            for _ in range(reps):
                f.write(block)
            f.write(block[:rest])
    assert src.stat().st_size > 2 * 10**9 + (1 << 27)
    out = tmp_path / "out" / "big.onnx"
    out.parent.mkdir()
    p = abridge("convert", src, "-o", out, timeout=1200)
    assert p.returncode == 0, p.stderr
    assert "2 GiB" in p.stderr and "external" in p.stderr, p.stderr     # it says so
    assert out.stat().st_size < 1 << 20
    m = onnx.load(str(out), load_external_data=False)
    onnx.checker.check_model(str(out))
    data = out.parent / "big.onnx.data"
    with open(data, "rb") as f:
        for k, t in enumerate(m.graph.initializer):
            assert t.name == f"W{k}" and t.data_location == TensorProto.EXTERNAL
            e = external_entries(t)
            assert e["location"] == "big.onnx.data" and int(e["length"]) == size
            block, reps, rest = _pattern(k, size)
            f.seek(int(e["offset"]))
            h_got, h_want = hashlib.sha1(), hashlib.sha1()
            for _ in range(reps):
                h_got.update(f.read(len(block)))
                h_want.update(block)
            h_got.update(f.read(rest))
            h_want.update(block[:rest])
            assert h_got.digest() == h_want.digest(), f"W{k} data differ"


@pytest.mark.parametrize("command", [["quantize", "--calibration", "CALIB"], ["prune", "--pattern", "channels", "--sparsity", "0.5"]])
def test_derived_models_keep_external_data(abridge, tmp_path, command):
    # A model stored with external data gives an output with an external data file, and the
    # sizes reported count both files.
    m = onnx.load(str(SAMPLES / "digits-cnn.onnx"))
    onnx.save_model(m, str(tmp_path / "ext.onnx"), save_as_external_data=True, all_tensors_to_one_file=True,
                    location="ext.onnx.data", size_threshold=1024)
    args = [str(SAMPLES / "digits-cnn.calib.npz") if a == "CALIB" else a for a in command[1:]]
    p = abridge(command[0], tmp_path / "ext.onnx", *args, "-o", tmp_path / "out.onnx")
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "out.onnx.data").exists()
    onnx.checker.check_model(str(tmp_path / "out.onnx"), full_check=True)
    total_in = (tmp_path / "ext.onnx").stat().st_size + (tmp_path / "ext.onnx.data").stat().st_size
    total_out = (tmp_path / "out.onnx").stat().st_size + (tmp_path / "out.onnx.data").stat().st_size
    if command[0] == "prune":
        line = next(l for l in p.stdout.splitlines() if l.startswith("file:"))
        assert line.startswith(f"file: {total_in} -> {total_out} bytes"), line
    else:
        assert "out.onnx.data" in p.stderr and f"{total_out / total_in:.2f}x the input's" in p.stderr, p.stderr
