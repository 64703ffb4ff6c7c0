import AbridgeIR

/// `SequenceConstruct` (onnx.ai/onnx/operators/onnx__SequenceConstruct.html, since-version 11): a
/// sequence of the input tensors, which must share one element type.
enum SequenceConstructOp {
    static let sinceVersions = [11]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            let tensors = try (0..<inputs.count).map { try inputs.tensor($0, "inputs") }
            if let t = tensors.first, tensors.contains(where: { $0.dataType != t.dataType }) {
                throw RuntimeError.typeMismatch("SequenceConstruct: inputs have different element types")
            }
            return [.sequence(tensors)]
        }
    }
}
