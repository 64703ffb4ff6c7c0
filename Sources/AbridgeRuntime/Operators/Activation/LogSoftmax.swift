import AbridgeIR
import AbridgeKernels

/// `LogSoftmax` (onnx.ai/onnx/operators/onnx__LogSoftmax.html, since-versions 1, 11, 13): x - max - log(sum(exp(x - max))), numerically
/// stable. Opset 1/11: X is coerced to 2-D `[prod(d[..<axis]), prod(d[axis...])]` (axis default
/// 1) and each row normalised; opset 13: along the single `axis` (default -1).
enum LogSoftmax {
    static let sinceVersions = [1, 11, 13]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        try SoftmaxFamilyKernel(.logSoftmax, name: "LogSoftmax", context: context)
    }
}
