/// `ReduceMax` (onnx.ai/onnx/operators/onnx__ReduceMax.html, since-versions 1, 11, 12, 13, 18, 20): the maximum (NaN propagates; BOOL from opset 20; empty sets give -inf or the type minimum) over `axes`
/// (an attribute before opset 18, the optional second input from 18); see `ReduceKernel`.
enum ReduceMaxOp {
    static let sinceVersions = [1, 11, 12, 13, 18, 20]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        try ReduceKernel(.max, name: "ReduceMax", context: context, axesInputSince: 18)
    }
}
