/// `Asinh` (onnx.ai/onnx/operators/onnx__Asinh.html, since-versions 9, 22): the asinh of X, element-wise; see
/// `UnaryMathKernel` for the types.
enum AsinhOp {
    static let sinceVersions = [9, 22]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Asinh", op: .asinh, integer: nil)
    }
}
