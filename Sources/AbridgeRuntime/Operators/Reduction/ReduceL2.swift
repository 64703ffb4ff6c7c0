/// `ReduceL2` (onnx.ai/onnx/operators/onnx__ReduceL2.html, since-versions 1, 11, 13, 18): the square root of the sum of squares over `axes`
/// (an attribute before opset 18, the optional second input from 18); see `ReduceKernel`.
enum ReduceL2Op {
    static let sinceVersions = [1, 11, 13, 18]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        try ReduceKernel(.l2, name: "ReduceL2", context: context, axesInputSince: 18)
    }
}
