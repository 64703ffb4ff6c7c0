import AbridgeIR

/// `SequenceErase` (onnx.ai/onnx/operators/onnx__SequenceErase.html, since-version 11):
/// `input_sequence` without the tensor at `position` (default: the last; negative from the
/// back).
enum SequenceEraseOp {
    static let sinceVersions = [11]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            var s = try SequenceInputs.sequence(inputs, 0, "SequenceErase")
            let p = try SequenceInputs.position(try inputs.optionalTensor(1), count: s.count, default: s.count - 1, allowEnd: false, "SequenceErase")
            guard p >= 0 && p < s.count else { throw RuntimeError.invalidInput(node: "", reason: "SequenceErase: the sequence is empty") }
            s.remove(at: p)
            return [.sequence(s)]
        }
    }
}
