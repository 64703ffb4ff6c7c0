/// `Abs` (onnx.ai/onnx/operators/onnx__Abs.html, since-versions 1, 6, 13): |X| (integers too), element-wise; see
/// `UnaryMathKernel` for the types.
enum AbsOp {
    static let sinceVersions = [1, 6, 13]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Abs", op: .abs, integer: .abs)
    }
}
