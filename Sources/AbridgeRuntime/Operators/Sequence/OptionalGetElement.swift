import AbridgeIR

/// `OptionalGetElement` (onnx.ai/onnx/operators/onnx__OptionalGetElement.html, since-versions 15,
/// 18): the value held by an optional (an error when empty); from opset 18 a tensor or sequence
/// input is returned as is.
enum OptionalGetElementOp {
    static let sinceVersions = [15, 18]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            guard let v = inputs.first ?? nil else { throw RuntimeError.invalidInput(node: "", reason: "OptionalGetElement: the input is missing") }
            if case .optional(let inner) = v {
                guard let inner else { throw RuntimeError.invalidInput(node: "", reason: "OptionalGetElement: the optional is empty") }
                return [inner]
            }
            return [v]
        }
    }
}
