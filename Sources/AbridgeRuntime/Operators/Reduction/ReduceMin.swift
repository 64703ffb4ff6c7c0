/// `ReduceMin` (onnx.ai/onnx/operators/onnx__ReduceMin.html, since-versions 1, 11, 12, 13, 18, 20): the minimum (NaN propagates; BOOL from opset 20; empty sets give +inf or the type maximum) over `axes`
/// (an attribute before opset 18, the optional second input from 18); see `ReduceKernel`.
enum ReduceMinOp {
    static let sinceVersions = [1, 11, 12, 13, 18, 20]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        try ReduceKernel(.min, name: "ReduceMin", context: context, axesInputSince: 18)
    }
}
