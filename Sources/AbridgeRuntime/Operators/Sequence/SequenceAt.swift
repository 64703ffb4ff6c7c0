import AbridgeIR

/// `SequenceAt` (onnx.ai/onnx/operators/onnx__SequenceAt.html, since-version 11): the tensor at
/// `position` (negative from the back) of `input_sequence`.
enum SequenceAtOp {
    static let sinceVersions = [11]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            let s = try SequenceInputs.sequence(inputs, 0, "SequenceAt")
            let p = try SequenceInputs.position(try inputs.tensor(1, "position"), count: s.count, default: 0, allowEnd: false, "SequenceAt")
            return [.tensor(s[p])]
        }
    }
}
