/// `Log` (onnx.ai/onnx/operators/onnx__Log.html, since-versions 1, 6, 13): the natural logarithm of X, element-wise; see
/// `UnaryMathKernel` for the types.
enum LogOp {
    static let sinceVersions = [1, 6, 13]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Log", op: .log, integer: nil)
    }
}
