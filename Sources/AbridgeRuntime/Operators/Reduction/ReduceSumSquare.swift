/// `ReduceSumSquare` (onnx.ai/onnx/operators/onnx__ReduceSumSquare.html, since-versions 1, 11, 13, 18): the sum of squares over `axes`
/// (an attribute before opset 18, the optional second input from 18); see `ReduceKernel`.
enum ReduceSumSquareOp {
    static let sinceVersions = [1, 11, 13, 18]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        try ReduceKernel(.sumSquare, name: "ReduceSumSquare", context: context, axesInputSince: 18)
    }
}
