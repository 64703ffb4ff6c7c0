/// `Reciprocal` (onnx.ai/onnx/operators/onnx__Reciprocal.html, since-versions 1, 6, 13): 1 / X, element-wise; see
/// `UnaryMathKernel` for the types.
enum ReciprocalOp {
    static let sinceVersions = [1, 6, 13]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Reciprocal", op: .reciprocal, integer: nil)
    }
}
