/// `Neg` (onnx.ai/onnx/operators/onnx__Neg.html, since-versions 1, 6, 13): -X (integers too, wrapping), element-wise; see
/// `UnaryMathKernel` for the types.
enum NegOp {
    static let sinceVersions = [1, 6, 13]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Neg", op: .neg, integer: .neg)
    }
}
