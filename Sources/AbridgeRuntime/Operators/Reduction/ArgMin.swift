/// `ArgMin` (onnx.ai/onnx/operators/onnx__ArgMin.html, since-versions 1, 11, 12, 13): INT64
/// indices of the smallest elements along `axis`; see `ArgExtremumKernel`.
enum ArgMinOp {
    static let sinceVersions = [1, 11, 12, 13]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel { try ArgExtremumKernel(largest: false, context: context) }
}
