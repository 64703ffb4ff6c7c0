/// `ReduceMean` (onnx.ai/onnx/operators/onnx__ReduceMean.html, since-versions 1, 11, 13, 18): the mean over `axes`
/// (an attribute before opset 18, the optional second input from 18); see `ReduceKernel`.
enum ReduceMeanOp {
    static let sinceVersions = [1, 11, 13, 18]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        try ReduceKernel(.mean, name: "ReduceMean", context: context, axesInputSince: 18)
    }
}
