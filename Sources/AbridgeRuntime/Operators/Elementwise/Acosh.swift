/// `Acosh` (onnx.ai/onnx/operators/onnx__Acosh.html, since-versions 9, 22): the acosh of X, element-wise; see
/// `UnaryMathKernel` for the types.
enum AcoshOp {
    static let sinceVersions = [9, 22]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Acosh", op: .acosh, integer: nil)
    }
}
