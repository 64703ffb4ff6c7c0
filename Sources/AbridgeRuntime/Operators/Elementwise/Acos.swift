/// `Acos` (onnx.ai/onnx/operators/onnx__Acos.html, since-versions 7, 22): the acos of X, element-wise; see
/// `UnaryMathKernel` for the types.
enum AcosOp {
    static let sinceVersions = [7, 22]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Acos", op: .acos, integer: nil)
    }
}
