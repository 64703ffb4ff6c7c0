"""abridge run: on a sample, on a conformance case folder, and its input errors."""
import pathlib

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import SHARED
from qhelpers import SAMPLES, outputs


def test_run_on_conformance_case_folder_with_expected(abridge):
    case = SHARED / "conformance" / "node" / "test_conv_with_strides_padding"
    p = abridge("run", case / "model.onnx", "--inputs", case / "test_data_set_0", "--expected", case / "test_data_set_0")
    assert p.returncode == 0, p.stderr
    assert "PASS" in p.stdout


def test_expected_mismatch_exits_1_with_worst_element(abridge, tmp_path):
    case = SHARED / "conformance" / "node" / "test_relu"
    np.savez(tmp_path / "want.npz", y=np.zeros((3, 4, 5), np.float32))
    p = abridge("run", case / "model.onnx", "--inputs", case / "test_data_set_0", "--expected", tmp_path / "want.npz")
    assert p.returncode == 1
    assert "FAIL y" in p.stdout and "worst at" in p.stdout


def test_run_sample_matches_onnxruntime(abridge, tmp_path):
    data = np.load(SAMPLES / "digits-cnn.test.npz")
    p = abridge("run", SAMPLES / "digits-cnn.onnx", "--inputs", SAMPLES / "digits-cnn.test.npz", "-o", tmp_path / "o.npz")
    assert p.returncode == 0, p.stderr
    np.testing.assert_allclose(np.load(tmp_path / "o.npz")["logits"], outputs(SAMPLES / "digits-cnn.onnx", data), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("array,needle", [
    (np.zeros((2, 1, 8, 8), np.int32), "expected float32"),
    (np.zeros((2, 1, 7, 8), np.float32), "dimension 2 differs"),
])
def test_wrong_dtype_or_shape_names_the_input_and_both_types(abridge, tmp_path, array, needle):
    np.savez(tmp_path / "bad.npz", input=array)
    p = abridge("run", SAMPLES / "digits-cnn.onnx", "--inputs", tmp_path / "bad.npz")
    assert p.returncode == 65
    assert "input 'input'" in p.stderr and needle in p.stderr, p.stderr


def test_float64_data_are_converted_to_a_float32_input(abridge, tmp_path):
    # Floating-point data of another width are converted to the declared input type (numpy's
    # default float64 arrays, float32 data for a float16 model): same outputs as float32 data.
    data = np.load(SAMPLES / "digits-cnn.test.npz")
    np.savez(tmp_path / "d64.npz", input=data["input"][:8].astype(np.float64))
    p = abridge("run", SAMPLES / "digits-cnn.onnx", "--inputs", tmp_path / "d64.npz", "-o", tmp_path / "o.npz")
    assert p.returncode == 0, p.stderr
    ref = outputs(SAMPLES / "digits-cnn.onnx", {"input": data["input"][:8]})
    np.testing.assert_allclose(np.load(tmp_path / "o.npz")["logits"], ref, rtol=1e-4, atol=1e-4)


def test_missing_input_names_the_input(abridge, tmp_path):
    np.savez(tmp_path / "bad.npz", other=np.zeros((2, 1, 8, 8), np.float32))
    p = abridge("run", SAMPLES / "digits-cnn.onnx", "--inputs", tmp_path / "bad.npz")
    assert p.returncode == 65
    assert "'input'" in p.stderr and "other" in p.stderr, p.stderr


def test_missing_data_file(abridge, tmp_path):
    p = abridge("run", SAMPLES / "digits-cnn.onnx", "--inputs", tmp_path / "nope.npz")
    assert p.returncode == 66


def test_kernel_error_names_the_node_once(abridge, tmp_path):
    # A Conv whose weight has 4 input channels for a 3-channel input.
    g = helper.make_graph([helper.make_node("Conv", ["x", "w"], ["y"], name="conv")], "g",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 5, 5])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                          [numpy_helper.from_array(np.ones((2, 4, 3, 3), np.float32), "w")])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), str(tmp_path / "m.onnx"))
    np.savez(tmp_path / "x.npz", x=np.ones((1, 1, 3, 5, 5), np.float32))
    p = abridge("run", tmp_path / "m.onnx", "--inputs", tmp_path / "x.npz")
    assert p.returncode == 65
    assert p.stderr.startswith("abridge: error: node Conv 'conv': Conv: invalid shape: W [2, 4, 3, 3]"), p.stderr
    assert "node :" not in p.stderr and "Conv: Conv:" not in p.stderr
