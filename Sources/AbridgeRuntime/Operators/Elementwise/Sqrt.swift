/// `Sqrt` (onnx.ai/onnx/operators/onnx__Sqrt.html, since-versions 1, 6, 13): the square root of X (NaN for negative X), element-wise; see
/// `UnaryMathKernel` for the types.
enum SqrtOp {
    static let sinceVersions = [1, 6, 13]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Sqrt", op: .sqrt, integer: nil)
    }
}
