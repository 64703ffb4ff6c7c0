/// `Erf` (onnx.ai/onnx/operators/onnx__Erf.html, since-versions 9, 13): the error function of X, element-wise; see
/// `UnaryMathKernel` for the types.
enum ErfOp {
    static let sinceVersions = [9, 13]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Erf", op: .erf, integer: nil)
    }
}
