/// `ReduceProd` (onnx.ai/onnx/operators/onnx__ReduceProd.html, since-versions 1, 11, 13, 18): the product over `axes`
/// (an attribute before opset 18, the optional second input from 18); see `ReduceKernel`.
enum ReduceProdOp {
    static let sinceVersions = [1, 11, 13, 18]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        try ReduceKernel(.prod, name: "ReduceProd", context: context, axesInputSince: 18)
    }
}
