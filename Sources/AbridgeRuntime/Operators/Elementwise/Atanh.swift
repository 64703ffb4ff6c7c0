/// `Atanh` (onnx.ai/onnx/operators/onnx__Atanh.html, since-versions 9, 22): the atanh of X, element-wise; see
/// `UnaryMathKernel` for the types.
enum AtanhOp {
    static let sinceVersions = [9, 22]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Atanh", op: .atanh, integer: nil)
    }
}
