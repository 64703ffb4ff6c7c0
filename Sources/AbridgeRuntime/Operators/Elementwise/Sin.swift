/// `Sin` (onnx.ai/onnx/operators/onnx__Sin.html, since-versions 7, 22): the sin of X, element-wise; see
/// `UnaryMathKernel` for the types.
enum SinOp {
    static let sinceVersions = [7, 22]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Sin", op: .sin, integer: nil)
    }
}
