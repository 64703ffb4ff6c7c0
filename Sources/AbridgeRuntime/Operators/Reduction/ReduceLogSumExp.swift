/// `ReduceLogSumExp` (onnx.ai/onnx/operators/onnx__ReduceLogSumExp.html, since-versions 1, 11, 13, 18): log(sum(exp(x))), computed stably over `axes`
/// (an attribute before opset 18, the optional second input from 18); see `ReduceKernel`.
enum ReduceLogSumExpOp {
    static let sinceVersions = [1, 11, 13, 18]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        try ReduceKernel(.logSumExp, name: "ReduceLogSumExp", context: context, axesInputSince: 18)
    }
}
