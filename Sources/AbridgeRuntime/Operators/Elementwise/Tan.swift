/// `Tan` (onnx.ai/onnx/operators/onnx__Tan.html, since-versions 7, 22): the tan of X, element-wise; see
/// `UnaryMathKernel` for the types.
enum TanOp {
    static let sinceVersions = [7, 22]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Tan", op: .tan, integer: nil)
    }
}
