/// `Round` (onnx.ai/onnx/operators/onnx__Round.html, since-versions 11, 22): X rounded to the nearest integer, halves to even, element-wise; see
/// `UnaryMathKernel` for the types.
enum RoundOp {
    static let sinceVersions = [11, 22]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Round", op: .round, integer: nil)
    }
}
