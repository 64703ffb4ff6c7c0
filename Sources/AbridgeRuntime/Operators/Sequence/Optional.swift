import AbridgeIR

/// `Optional` (onnx.ai/onnx/operators/onnx__Optional.html, since-version 15): an optional holding
/// the input, or an empty optional when the input is omitted (its type comes from the `type`
/// attribute, which only type inference needs).
enum OptionalOp {
    static let sinceVersions = [15]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in [.optional(inputs.first ?? nil)] }
    }
}
