/// `Asin` (onnx.ai/onnx/operators/onnx__Asin.html, since-versions 7, 22): the asin of X, element-wise; see
/// `UnaryMathKernel` for the types.
enum AsinOp {
    static let sinceVersions = [7, 22]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Asin", op: .asin, integer: nil)
    }
}
