import AbridgeIR
import AbridgeKernels

/// `Softmax` (onnx.ai/onnx/operators/onnx__Softmax.html, since-versions 1, 11, 13): exp(x - max) / sum(exp(x - max)), numerically
/// stable. Opset 1/11: X is coerced to 2-D `[prod(d[..<axis]), prod(d[axis...])]` (axis default
/// 1) and each row normalised; opset 13: along the single `axis` (default -1).
enum Softmax {
    static let sinceVersions = [1, 11, 13]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        try SoftmaxFamilyKernel(.softmax, name: "Softmax", context: context)
    }
}
