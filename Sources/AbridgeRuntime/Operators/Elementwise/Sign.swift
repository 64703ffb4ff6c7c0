/// `Sign` (onnx.ai/onnx/operators/onnx__Sign.html, since-versions 9, 13): -1, 0 or 1 by the sign of X (integers too; NaN stays NaN), element-wise; see
/// `UnaryMathKernel` for the types.
enum SignOp {
    static let sinceVersions = [9, 13]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Sign", op: .sign, integer: .sign)
    }
}
