import AbridgeIR

/// `OptionalHasElement` (onnx.ai/onnx/operators/onnx__OptionalHasElement.html, since-versions
/// 15, 18): BOOL scalar, true when the input is a non-empty optional, or (opset 18) a tensor or
/// sequence; false for an empty optional or an omitted input.
enum OptionalHasElementOp {
    static let sinceVersions = [15, 18]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            var has = false
            if let v = inputs.first ?? nil {
                if case .optional(let inner) = v { has = inner != nil } else { has = true }
            }
            return [.tensor(RuntimeTensor(.bool, shape: [], values: [has]))]
        }
    }
}
