import AbridgeIR

/// `SequenceLength` (onnx.ai/onnx/operators/onnx__SequenceLength.html, since-version 11): the
/// number of tensors in `input_sequence`, as an INT64 scalar.
enum SequenceLengthOp {
    static let sinceVersions = [11]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            let s = try SequenceInputs.sequence(inputs, 0, "SequenceLength")
            return [.tensor(RuntimeTensor(int64s: [Int64(s.count)], shape: []))]
        }
    }
}
