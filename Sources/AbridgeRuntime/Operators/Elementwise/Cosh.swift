/// `Cosh` (onnx.ai/onnx/operators/onnx__Cosh.html, since-versions 9, 22): the cosh of X, element-wise; see
/// `UnaryMathKernel` for the types.
enum CoshOp {
    static let sinceVersions = [9, 22]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Cosh", op: .cosh, integer: nil)
    }
}
