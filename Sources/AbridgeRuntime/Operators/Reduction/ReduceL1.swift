/// `ReduceL1` (onnx.ai/onnx/operators/onnx__ReduceL1.html, since-versions 1, 11, 13, 18): the sum of absolute values over `axes`
/// (an attribute before opset 18, the optional second input from 18); see `ReduceKernel`.
enum ReduceL1Op {
    static let sinceVersions = [1, 11, 13, 18]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        try ReduceKernel(.l1, name: "ReduceL1", context: context, axesInputSince: 18)
    }
}
