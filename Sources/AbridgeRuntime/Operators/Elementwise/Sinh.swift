/// `Sinh` (onnx.ai/onnx/operators/onnx__Sinh.html, since-versions 9, 22): the sinh of X, element-wise; see
/// `UnaryMathKernel` for the types.
enum SinhOp {
    static let sinceVersions = [9, 22]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Sinh", op: .sinh, integer: nil)
    }
}
