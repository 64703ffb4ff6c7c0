/// `ReduceLogSum` (onnx.ai/onnx/operators/onnx__ReduceLogSum.html, since-versions 1, 11, 13, 18): the logarithm of the sum over `axes`
/// (an attribute before opset 18, the optional second input from 18); see `ReduceKernel`.
enum ReduceLogSumOp {
    static let sinceVersions = [1, 11, 13, 18]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        try ReduceKernel(.logSum, name: "ReduceLogSum", context: context, axesInputSince: 18)
    }
}
