/// `Ceil` (onnx.ai/onnx/operators/onnx__Ceil.html, since-versions 1, 6, 13): X rounded up, element-wise; see
/// `UnaryMathKernel` for the types.
enum CeilOp {
    static let sinceVersions = [1, 6, 13]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Ceil", op: .ceil, integer: nil)
    }
}
