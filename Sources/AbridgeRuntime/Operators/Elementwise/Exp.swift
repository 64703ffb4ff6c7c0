/// `Exp` (onnx.ai/onnx/operators/onnx__Exp.html, since-versions 1, 6, 13): e^X, element-wise; see
/// `UnaryMathKernel` for the types.
enum ExpOp {
    static let sinceVersions = [1, 6, 13]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Exp", op: .exp, integer: nil)
    }
}
