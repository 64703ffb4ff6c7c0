"""Bad input gets one clear error and nothing else (issue 2, item 6).

Every hostile file is crafted here (onnx.helper or raw protobuf bytes) in tmp_path. For each case,
`abridge inspect` (where it reads the part concerned; inspect loads no external data) and
`abridge convert MODEL -o OUT` must:
  - exit with the status of README's table (65 invalid model/data, 66 missing/unreadable,
    73 cannot create output), never from a signal (returncode >= 0);
  - print exactly one line on stderr, `abridge: error: ...`, naming the file (and the tensor for
    tensor errors);
  - leave no output file and no temporary `.OUT.tmp-*` file behind.
"""
import os
import pathlib
import random

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from qhelpers import SAMPLES

F32 = TensorProto.FLOAT
INVALID = 65   # invalid model or data
NO_INPUT = 66  # input missing or unreadable
CANNOT_CREATE = 73


# --------------------------------------------------------------------------------------------
# helpers

def assert_one_error(p, status, *names):
    """The process failed with `status` (not a signal) and printed one error line naming `names`."""
    assert p.returncode >= 0, f"killed by signal {-p.returncode}; stderr:\n{p.stderr}"
    assert p.returncode == status, f"exit {p.returncode}, expected {status}; stderr:\n{p.stderr}"
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, f"expected exactly one stderr line, got:\n{p.stderr}"
    line = lines[0]
    assert line.startswith("abridge: error: "), line
    for n in names:
        assert str(n) in line, f"error line does not name {n!r}: {line}"
    return line


def assert_no_output(out_dir: pathlib.Path, before=()):
    """Nothing but the files listed in `before` is in `out_dir` (no output, no .tmp- file)."""
    left = sorted(p.name for p in out_dir.iterdir() if p.name not in before)
    assert left == [], f"files left behind: {left}"


def convert_fails(abridge, model, tmp_path, status, *names, extra=()):
    out_dir = tmp_path / "out"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / "converted.onnx"
    p = abridge("convert", model, "-o", out, *extra)
    line = assert_one_error(p, status, *names)
    assert_no_output(out_dir)
    return line


def inspect_fails(abridge, model, status, *names):
    return assert_one_error(abridge("inspect", model), status, *names)


def both_fail(abridge, model, tmp_path, status, *names):
    inspect_fails(abridge, model, status, *names)
    convert_fails(abridge, model, tmp_path, status, *names)


def varint(v: int) -> bytes:
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def simple_model(initializers=(), nodes=None, inputs=None):
    """Y = X + W over float[4], with the given initializers (W must be one of them or an input)."""
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, [4])
    y = helper.make_tensor_value_info("Y", TensorProto.FLOAT, [4])
    if nodes is None:
        nodes = [helper.make_node("Add", ["X", "W"], ["Y"], name="add")]
    graph = helper.make_graph(nodes, "g", [x] + list(inputs or []), [y], initializer=list(initializers))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def raw_tensor(name, dtype, dims, raw: bytes):
    t = TensorProto()
    t.name = name
    t.data_type = dtype
    t.dims.extend(dims)
    t.raw_data = raw
    return t


def save(model, path: pathlib.Path) -> pathlib.Path:
    path.write_bytes(model.SerializeToString())
    return path


# --------------------------------------------------------------------------------------------
# files that are not ONNX models

def test_missing_file(abridge, tmp_path):
    model = tmp_path / "nope.onnx"
    both_fail(abridge, model, tmp_path, NO_INPUT, model)


def test_directory(abridge, tmp_path):
    model = tmp_path / "adir.onnx"
    model.mkdir()
    both_fail(abridge, model, tmp_path, NO_INPUT, model)


def test_unreadable_file(abridge, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    model = save(simple_model([numpy_helper.from_array(np.ones(4, np.float32), "W")]), tmp_path / "m.onnx")
    model.chmod(0)
    both_fail(abridge, model, tmp_path, NO_INPUT, model)


def test_empty_file(abridge, tmp_path):
    model = tmp_path / "empty.onnx"
    model.write_bytes(b"")
    line = inspect_fails(abridge, model, INVALID, model)
    assert "empty" in line
    convert_fails(abridge, model, tmp_path, INVALID, model)


def test_random_bytes(abridge, tmp_path):
    model = tmp_path / "random.onnx"
    model.write_bytes(random.Random(20240602).randbytes(4096))
    both_fail(abridge, model, tmp_path, INVALID, model)


def test_valid_protobuf_without_graph(abridge, tmp_path):
    # A well-formed ModelProto with only ir_version: protobuf-c accepts it; abridge must not.
    model = tmp_path / "nograph.onnx"
    model.write_bytes(varint(1 << 3 | 0) + varint(8))
    both_fail(abridge, model, tmp_path, INVALID, model)


@pytest.mark.parametrize("fraction", [0.5, 0.999])
def test_truncated_model(abridge, tmp_path, fraction):
    full = simple_model([numpy_helper.from_array(np.arange(2048, dtype=np.float32)[:4], "W"),
                         numpy_helper.from_array(np.arange(4096, dtype=np.float32), "big")]).SerializeToString()
    model = tmp_path / "truncated.onnx"
    model.write_bytes(full[: int(len(full) * fraction)])
    line = inspect_fails(abridge, model, INVALID, model)
    assert "offset" in line  # malformed protobuf errors give the byte offset
    convert_fails(abridge, model, tmp_path, INVALID, model)


def deep_type_proto(depth: int) -> bytes:
    """A TypeProto nested `depth` times: sequence_type(4) { elem_type(1) { TypeProto ... } }.

    Built by computing the length prefixes from the inside out (string concatenation would be
    quadratic at this depth)."""
    headers = []
    length = 0  # the innermost TypeProto is empty
    for _ in range(depth):
        h1 = varint(1 << 3 | 2) + varint(length)          # Sequence.elem_type
        length += len(h1)
        h2 = varint(4 << 3 | 2) + varint(length)          # TypeProto.sequence_type
        length += len(h2)
        headers.append(h2 + h1)
    return b"".join(reversed(headers))


def test_deeply_nested_message(abridge, tmp_path):
    # 100,000 nested TypeProtos (~1 MB): protobuf-c alone recurses until the stack overflows.
    deep = deep_type_proto(100_000)
    value_info = field(1, b"X") + field(2, deep)                     # ValueInfoProto name, type
    graph = field(2, b"g") + field(11, value_info)                     # GraphProto name, input
    opset = field(1, b"") + varint(2 << 3 | 0) + varint(17)
    model_bytes = varint(1 << 3 | 0) + varint(8) + field(8, opset) + field(7, graph)
    model = tmp_path / "deep.onnx"
    model.write_bytes(model_bytes)
    assert model.stat().st_size > 500_000
    line = inspect_fails(abridge, model, INVALID, model)
    assert "nested" in line
    convert_fails(abridge, model, tmp_path, INVALID, model)


def nested_if_model(path: pathlib.Path, depth: int) -> pathlib.Path:
    """`depth` nested If nodes, each then_branch holding the next If (3 message levels per If).
    Python protobuf refuses to build more than 100 levels, so it is assembled from serialized
    pieces."""
    def leaf(name):
        return helper.make_graph([helper.make_node("Identity", ["X"], [name])], name, [],
                                 [helper.make_tensor_value_info(name, TensorProto.FLOAT, [4])]).SerializeToString()

    def graph_attr(name, graph_bytes):
        return field(1, name.encode()) + field(6, graph_bytes) + varint(20 << 3 | 0) + varint(5)  # g, type=GRAPH

    def if_node(out, then_bytes, else_name):
        return (field(1, b"C") + field(2, out.encode()) + field(4, b"If")
                + field(5, graph_attr("then_branch", then_bytes)) + field(5, graph_attr("else_branch", leaf(else_name))))

    def vi(name, elem, dims):
        return helper.make_tensor_value_info(name, elem, dims).SerializeToString()

    inner = leaf("Z0")
    for i in range(1, depth + 1):
        inner = field(1, if_node(f"Z{i}", inner, f"E{i}")) + field(2, f"b{i}".encode()) + field(12, vi(f"Z{i}", F32, [4]))
    graph = (field(1, if_node("Y", inner, "E")) + field(2, b"g") + field(11, vi("X", F32, [4]))
             + field(11, vi("C", TensorProto.BOOL, [])) + field(12, vi("Y", F32, [4])))
    opset = field(1, b"") + varint(2 << 3 | 0) + varint(17)
    path.write_bytes(varint(1 << 3 | 0) + varint(8) + field(8, opset) + field(7, graph))
    return path


def test_nested_subgraphs_below_limit_are_fine(abridge, tmp_path):
    # Control for the next test: 25 levels of If (about 80 message levels) convert unchanged.
    model = nested_if_model(tmp_path / "if25.onnx", 25)
    out = tmp_path / "if25-out.onnx"
    p = abridge("convert", model, "-o", out)
    assert p.returncode == 0, p.stderr
    assert onnx.load(str(out)) == onnx.load(str(model))


def test_deeply_nested_subgraphs(abridge, tmp_path):
    # 60 levels of If: about 185 message levels, past the limit of 100.
    model = nested_if_model(tmp_path / "deep_if.onnx", 60)
    line = inspect_fails(abridge, model, INVALID, model)
    assert "nested" in line
    convert_fails(abridge, model, tmp_path, INVALID, model)


def test_length_past_end_of_file(abridge, tmp_path):
    # A valid model followed by a `graph` field whose length prefix claims 1,000,000 bytes.
    good = simple_model([numpy_helper.from_array(np.ones(4, np.float32), "W")]).SerializeToString()
    model = tmp_path / "overlong.onnx"
    model.write_bytes(good + varint(7 << 3 | 2) + varint(1_000_000) + b"\x00" * 10)
    line = inspect_fails(abridge, model, INVALID, model)
    assert "1000000" in line and "offset" in line
    convert_fails(abridge, model, tmp_path, INVALID, model)


def test_nested_length_past_enclosing_message(abridge, tmp_path):
    # A raw_data length that fits the file but not the enclosing TensorProto.
    tensor = (field(8, b"W") + varint(2 << 3 | 0) + varint(1) + varint(1 << 3 | 0) + varint(4)
              + varint(9 << 3 | 2) + varint(16 + 50))            # claims 66 bytes, tensor holds 16
    tensor += b"\x00" * 16
    graph = field(1, helper.make_node("Add", ["X", "W"], ["Y"]).SerializeToString()) + field(2, b"g") + field(5, tensor)
    model = tmp_path / "nested_overlong.onnx"
    opset = field(1, b"") + varint(2 << 3 | 0) + varint(17)
    model.write_bytes(varint(1 << 3 | 0) + varint(8) + field(8, opset) + field(7, graph) + b"\x00" * 100)
    both_fail(abridge, model, tmp_path, INVALID, model)


# --------------------------------------------------------------------------------------------
# tensors whose data do not match their type and shape


TENSOR_CASES = {
    # name: (tensor factory, expected phrase in message or None)
    "raw_data_too_short": lambda: raw_tensor("W", F32, [4], b"\x00" * 12),
    "raw_data_too_long": lambda: raw_tensor("W", F32, [4], b"\x00" * 20),
    "raw_data_too_long_large": lambda: raw_tensor("W", F32, [1024], b"\x00" * (4096 + 4)),  # mapped, not copied
    "raw_data_empty_for_nonempty_shape": lambda: raw_tensor("W", F32, [4], b""),
    "int4_raw_one_byte_short": lambda: raw_tensor("W", TensorProto.INT4, [5], b"\x00" * 2),   # 5 int4 need 3 bytes
    "float6_raw_wrong": lambda: raw_tensor("W", TensorProto.FLOAT6E2M3, [4], b"\x00" * 4),    # 4 x 6 bits = 3 bytes
    "float_data_too_few": lambda: _typed(F32, [4], float_data=[1.0, 2.0, 3.0]),
    "int64_data_too_many": lambda: _typed(TensorProto.INT64, [2], int64_data=[1, 2, 3]),
    "int32_data_float16_too_few": lambda: _typed(TensorProto.FLOAT16, [4], int32_data=[0x3C00] * 3),
    "int32_data_int4_unpacked": lambda: _typed(TensorProto.INT4, [4], int32_data=[1, 2, 3, 4]),  # needs 2 packed
    "float_data_for_int8": lambda: _typed(TensorProto.INT8, [2], float_data=[1.0, 2.0]),
    "no_data_for_nonempty_shape": lambda: _typed(F32, [4]),
    "huge_dims_no_overflow": lambda: raw_tensor("W", F32, [1 << 40], b"\x00" * 16),
    "dims_product_overflows": lambda: raw_tensor("W", F32, [1 << 31, 1 << 31, 1 << 31], b"\x00" * 16),
    "byte_count_overflows": lambda: raw_tensor("W", F32, [1 << 61], b"\x00" * 16),
    "negative_dim": lambda: raw_tensor("W", F32, [-1, 4], b"\x00" * 16),
    "negative_dim_typed": lambda: _typed(F32, [-4], float_data=[1.0, 2.0, 3.0, 4.0]),
    "negative_dims_even_count": lambda: raw_tensor("W", F32, [-2, -2], b"\x00" * 16),  # product 4 but invalid
}


def _typed(dtype, dims, **fields):
    t = TensorProto()
    t.name = "W"
    t.data_type = dtype
    t.dims.extend(dims)
    for k, v in fields.items():
        getattr(t, k).extend(v)
    return t


@pytest.mark.parametrize("case", sorted(TENSOR_CASES))
def test_bad_initializer(abridge, tmp_path, case):
    t = TENSOR_CASES[case]()
    m = simple_model([t])
    model = save(m, tmp_path / f"{case}.onnx")
    both_fail(abridge, model, tmp_path, INVALID, model, "'W'")


def test_bad_constant_attribute_tensor(abridge, tmp_path):
    bad = raw_tensor("cval", F32, [4], b"\x00" * 8)
    const = helper.make_node("Constant", [], ["W"], name="const", value=bad)
    add = helper.make_node("Add", ["X", "W"], ["Y"], name="add")
    model = save(simple_model(nodes=[const, add]), tmp_path / "const.onnx")
    both_fail(abridge, model, tmp_path, INVALID, model, "cval")


def test_bad_tensor_in_subgraph_initializer(abridge, tmp_path):
    bad = raw_tensor("sub_w", F32, [2, 2], b"\x00" * 15)
    then_g = helper.make_graph([helper.make_node("Add", ["X", "sub_w"], ["T"])], "then", [],
                               [helper.make_tensor_value_info("T", F32, [4])], initializer=[bad])
    else_g = helper.make_graph([helper.make_node("Identity", ["X"], ["E"])], "else", [],
                               [helper.make_tensor_value_info("E", F32, [4])])
    node = helper.make_node("If", ["C"], ["Y"], then_branch=then_g, else_branch=else_g)
    c = helper.make_tensor_value_info("C", TensorProto.BOOL, [])
    model = save(simple_model(nodes=[node], inputs=[c]), tmp_path / "sub.onnx")
    both_fail(abridge, model, tmp_path, INVALID, model, "sub_w")


def test_bad_sparse_initializer_values(abridge, tmp_path):
    values = _typed(F32, [3], float_data=[1.0, 2.0])                   # 2 values for NNZ 3
    indices = helper.make_tensor("W_idx", TensorProto.INT64, [3], [0, 1, 3])
    sparse = helper.make_sparse_tensor(values, indices, [4])
    m = simple_model()
    m.graph.sparse_initializer.append(sparse)
    model = save(m, tmp_path / "sparse.onnx")
    both_fail(abridge, model, tmp_path, INVALID, model, "'W'")


# --------------------------------------------------------------------------------------------
# external data (inspect reads none of it, so these are convert cases)

def external_model(folder: pathlib.Path, entries: dict, dims=(4,), dtype=F32, name="W.onnx"):
    """A model in `folder` whose initializer W uses external data with `entries`."""
    t = TensorProto()
    t.name = "W"
    t.data_type = dtype
    t.dims.extend(dims)
    t.data_location = TensorProto.EXTERNAL
    for k, v in entries.items():
        e = t.external_data.add()
        e.key = k
        e.value = v
    folder.mkdir(parents=True, exist_ok=True)
    return save(simple_model([t]), folder / name)


def _data(n=16):
    return np.arange(n, dtype=np.float32).tobytes()


@pytest.fixture
def layout(tmp_path):
    """tmp/m/ (model folder, with w.bin = 64 bytes) and tmp/outside/ (secret.bin = 64 bytes)."""
    m = tmp_path / "m"
    outside = tmp_path / "outside"
    m.mkdir()
    outside.mkdir()
    (m / "w.bin").write_bytes(_data())
    (outside / "secret.bin").write_bytes(_data())
    return m, outside


def test_external_data_valid_reference_loads(abridge, tmp_path, layout):
    # The control case: the same layout with a good reference converts (so the failures below
    # are about the reference alone).
    m, _ = layout
    model = external_model(m, {"location": "w.bin", "offset": "16", "length": "16"})
    out = tmp_path / "out" / "ok.onnx"
    out.parent.mkdir()
    p = abridge("convert", model, "-o", out)
    assert p.returncode == 0, p.stderr
    loaded = onnx.load(str(out))
    np.testing.assert_array_equal(numpy_helper.to_array(loaded.graph.initializer[0]), np.arange(4, 8, dtype=np.float32))


def _ext_case(kind, m, outside):
    if kind == "absolute":
        return {"location": str(outside / "secret.bin")}, "absolute"
    if kind == "dotdot":
        return {"location": "../outside/secret.bin"}, "'..'"
    if kind == "nested_dotdot":
        (m / "sub").mkdir()
        return {"location": "sub/../../outside/secret.bin"}, "'..'"
    if kind == "symlinked_file":
        os.symlink(outside / "secret.bin", m / "link.bin")
        return {"location": "link.bin"}, "symbolic link"
    if kind == "symlinked_directory":
        os.symlink(outside, m / "linkdir")
        return {"location": "linkdir/secret.bin"}, "symbolic link"
    if kind == "hard_link_outside":
        os.link(outside / "secret.bin", m / "hard.bin")
        return {"location": "hard.bin"}, "hard link"
    if kind == "empty_location":
        return {"location": ""}, "empty"
    if kind == "nul_in_location":
        return {"location": "w.bin\x00junk"}, "NUL"
    if kind == "missing_location_key":
        return {"offset": "0", "length": "16"}, "location"
    if kind == "missing_data_file":
        return {"location": "absent.bin"}, "absent.bin"
    if kind == "offset_past_end":
        return {"location": "w.bin", "offset": "128", "length": "16"}, "past the end"
    if kind == "length_past_end":
        return {"location": "w.bin", "offset": "56", "length": "16"}, "past the end"
    if kind == "offset_length_overflow":
        return {"location": "w.bin", "offset": "9223372036854775807", "length": "16"}, "past the end"
    if kind == "length_mismatches_shape":
        return {"location": "w.bin", "offset": "0", "length": "12"}, "does not match"
    if kind == "implicit_length_mismatches_shape":
        return {"location": "w.bin", "offset": "0"}, "does not match"   # 64 bytes to EOF, 16 needed
    raise AssertionError(kind)


EXT_CASES = ["absolute", "dotdot", "nested_dotdot", "symlinked_file", "symlinked_directory",
             "hard_link_outside", "empty_location", "nul_in_location", "missing_location_key",
             "missing_data_file", "offset_past_end", "length_past_end", "offset_length_overflow",
             "length_mismatches_shape", "implicit_length_mismatches_shape"]


@pytest.mark.parametrize("kind", EXT_CASES)
def test_bad_external_data(abridge, tmp_path, layout, kind):
    m, outside = layout
    entries, phrase = _ext_case(kind, m, outside)
    model = external_model(m, entries)
    secret_before = (outside / "secret.bin").read_bytes()
    line = convert_fails(abridge, model, tmp_path, INVALID, model, "'W'")
    assert phrase in line, line
    assert (outside / "secret.bin").read_bytes() == secret_before


@pytest.mark.parametrize("value", ["0x10", "-16", " 16", "16 ", "+16", "1e2", "16.0", "", "١٦",
                                   "99999999999999999999999"])
@pytest.mark.parametrize("key", ["offset", "length"])
def test_non_decimal_offset_or_length(abridge, tmp_path, layout, key, value):
    m, _ = layout
    entries = {"location": "w.bin", "offset": "0", "length": "16"}
    entries[key] = value
    model = external_model(m, entries)
    line = convert_fails(abridge, model, tmp_path, INVALID, model, "'W'")
    assert key in line


def test_string_tensor_with_external_data(abridge, tmp_path, layout):
    m, _ = layout
    model = external_model(m, {"location": "w.bin", "offset": "0", "length": "16"}, dtype=TensorProto.STRING)
    convert_fails(abridge, model, tmp_path, INVALID, model, "'W'")


# --------------------------------------------------------------------------------------------
# outputs

@pytest.fixture
def good_model(tmp_path):
    return save(simple_model([numpy_helper.from_array(np.ones(4, np.float32), "W")]), tmp_path / "good.onnx")


def test_output_exists_without_force(abridge, tmp_path, good_model):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "o.onnx"
    out.write_bytes(b"precious")
    p = abridge("convert", good_model, "-o", out)
    assert_one_error(p, CANNOT_CREATE, out)
    assert out.read_bytes() == b"precious"
    assert_no_output(out_dir, before={"o.onnx"})


def test_output_folder_missing(abridge, tmp_path, good_model):
    out = tmp_path / "no" / "such" / "o.onnx"
    p = abridge("convert", good_model, "-o", out)
    assert_one_error(p, CANNOT_CREATE, out)
    assert not (tmp_path / "no").exists()


def test_output_is_a_directory(abridge, tmp_path, good_model):
    out = tmp_path / "out.onnx"
    out.mkdir()
    p = abridge("convert", good_model, "-o", out, "--force")
    assert_one_error(p, CANNOT_CREATE, out)
    assert out.is_dir() and list(out.iterdir()) == []


def test_output_folder_not_writable(abridge, tmp_path, good_model):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    out_dir = tmp_path / "ro"
    out_dir.mkdir()
    out_dir.chmod(0o555)
    try:
        p = abridge("convert", good_model, "-o", out_dir / "o.onnx")
        assert_one_error(p, CANNOT_CREATE, out_dir / "o.onnx")
        assert list(out_dir.iterdir()) == []
    finally:
        out_dir.chmod(0o755)


def test_force_replaces_by_rename(abridge, tmp_path, good_model):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "o.onnx"
    out.write_bytes(b"old content")
    # A hard link to the old output keeps the old bytes only if the output is replaced by
    # rename (a write in place would change both names' content).
    os.link(out, tmp_path / "old-link")
    old_inode = out.stat().st_ino
    p = abridge("convert", good_model, "-o", out, "--force")
    assert p.returncode == 0, p.stderr
    assert out.stat().st_ino != old_inode
    assert (tmp_path / "old-link").read_bytes() == b"old content"
    assert onnx.load(str(out)) == onnx.load(str(good_model))
    assert sorted(x.name for x in out_dir.iterdir()) == ["o.onnx"]


def _model_with_external_data(folder: pathlib.Path, data_name: str):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / data_name).write_bytes(_data())
    return external_model(folder, {"location": data_name, "offset": "0", "length": "16"}, name="in.onnx")


@pytest.mark.parametrize("mode", ["default_name", "explicit_name", "automatic"])
def test_output_data_file_is_input_data_file(abridge, tmp_path, mode):
    m = tmp_path / "m"
    if mode == "explicit_name":
        model = _model_with_external_data(m, "weights.bin")
        args = ["-o", m / "out.onnx", "--external-data", "--external-data-name", "weights.bin"]
    elif mode == "default_name":
        model = _model_with_external_data(m, "out.onnx.data")
        args = ["-o", m / "out.onnx", "--external-data"]
    else:  # a model that uses external data keeps using it, named <output>.data
        model = _model_with_external_data(m, "out.onnx.data")
        args = ["-o", m / "out.onnx"]
    data_file = m / model_location(model)
    before = data_file.read_bytes()
    mtime = data_file.stat().st_mtime_ns
    listing = sorted(x.name for x in m.iterdir())
    p = abridge("convert", model, *args, "--force")
    assert_one_error(p, CANNOT_CREATE, model_location(model))
    assert data_file.read_bytes() == before and data_file.stat().st_mtime_ns == mtime
    assert sorted(x.name for x in m.iterdir()) == listing


def model_location(model_path: pathlib.Path) -> str:
    m = onnx.load(str(model_path), load_external_data=False)
    return {e.key: e.value for e in m.graph.initializer[0].external_data}["location"]


def test_output_is_the_input(abridge, tmp_path, good_model):
    before = good_model.read_bytes()
    p = abridge("convert", good_model, "-o", good_model)
    assert_one_error(p, CANNOT_CREATE, good_model)
    assert good_model.read_bytes() == before


@pytest.mark.parametrize("name", ["sub/w.data", "../w.data", "/tmp/w.data", ""])
def test_external_data_name_with_folder_refused(abridge, tmp_path, good_model, name):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "sub").mkdir()
    p = abridge("convert", good_model, "-o", out_dir / "o.onnx", "--external-data", "--size-threshold", "0",
                "--external-data-name", name)
    assert_one_error(p, CANNOT_CREATE)
    assert sorted(x.name for x in out_dir.iterdir()) == ["sub"]
    assert list((out_dir / "sub").iterdir()) == []
    assert not (tmp_path / "w.data").exists()


@pytest.mark.parametrize("args", [["prune", "MODEL"], ["prune", "MODEL", "-o", "OUT", "--sparsity", "2"],
                                  ["quantize", "MODEL", "-o", "OUT", "--method", "magic"], ["frobnicate"]])
def test_usage_errors_read_like_other_errors(abridge, tmp_path, good_model, args):
    args = [str(good_model) if a == "MODEL" else str(tmp_path / "out.onnx") if a == "OUT" else a for a in args]
    p = abridge(*args)
    assert p.returncode == 64, p.stderr
    assert p.stderr.startswith("abridge: error: "), p.stderr
    assert "Usage: abridge" in p.stderr
    assert p.stdout == ""
    assert not (tmp_path / "out.onnx").exists()


def test_unknown_pass_and_empty_output_are_usage_errors(abridge, tmp_path, good_model):
    p = abridge("convert", good_model, "-o", tmp_path / "o.onnx", "--passes", "no-such-pass")
    assert p.returncode == 64 and "unknown pass 'no-such-pass'" in p.stderr and "infer-shapes" in p.stderr
    p = abridge("convert", good_model, "-o", "")
    assert p.returncode == 64 and "output path is empty" in p.stderr


def test_compare_report_into_a_folder_is_refused_without_a_force_hint(abridge, tmp_path):
    (tmp_path / "dir").mkdir()
    p = abridge("compare", SAMPLES / "digits-cnn.onnx", SAMPLES / "digits-cnn.onnx", "--data", SAMPLES / "digits-cnn.test.npz",
                "--runs", "0", "--html", tmp_path / "dir")
    assert p.returncode == 73 and "not a regular file" in p.stderr and "--force" not in p.stderr


@pytest.mark.parametrize("command", [["quantize", "--calibration", "DATA"], ["prune", "--pattern", "channels", "--calibration", "DATA"],
                                     ["prune", "--eval", "DATA"]])
def test_data_that_do_not_fit_name_the_file(abridge, tmp_path, command):
    np.savez(tmp_path / "ws.npz", input=np.zeros((4, 1, 7, 8), np.float32))
    args = [str(tmp_path / "ws.npz") if a == "DATA" else a for a in command[1:]]
    p = abridge(command[0], SAMPLES / "digits-cnn.onnx", *args, "-o", tmp_path / "o.onnx")
    assert p.returncode == 65
    assert f"{tmp_path / 'ws.npz'} does not fit" in p.stderr and "input 'input'" in p.stderr, p.stderr
    assert not (tmp_path / "o.onnx").exists()
