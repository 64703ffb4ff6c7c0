/// `Atan` (onnx.ai/onnx/operators/onnx__Atan.html, since-versions 7, 22): the atan of X, element-wise; see
/// `UnaryMathKernel` for the types.
enum AtanOp {
    static let sinceVersions = [7, 22]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Atan", op: .atan, integer: nil)
    }
}
