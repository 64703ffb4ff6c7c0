/// `Floor` (onnx.ai/onnx/operators/onnx__Floor.html, since-versions 1, 6, 13): X rounded down, element-wise; see
/// `UnaryMathKernel` for the types.
enum FloorOp {
    static let sinceVersions = [1, 6, 13]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryMathKernel(name: "Floor", op: .floor, integer: nil)
    }
}
