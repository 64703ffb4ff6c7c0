/// `Cos` (onnx.ai/onnx/operators/onnx__Cos.html, since-versions 7, 22): the cos of X, element-wise; see
/// `UnaryMathKernel` for the types.
enum CosOp {
    static let sinceVersions = [7, 22]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Cos", op: .cos, integer: nil)
    }
}
