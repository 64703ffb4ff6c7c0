/// `ReduceSum` (onnx.ai/onnx/operators/onnx__ReduceSum.html, since-versions 1, 11, 13): the sum over `axes`
/// (an attribute before opset 13, the optional second input from 13); see `ReduceKernel`.
enum ReduceSumOp {
    static let sinceVersions = [1, 11, 13]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        try ReduceKernel(.sum, name: "ReduceSum", context: context, axesInputSince: 13)
    }
}
