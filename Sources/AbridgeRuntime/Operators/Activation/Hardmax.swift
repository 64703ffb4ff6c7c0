import AbridgeIR
import AbridgeKernels

/// `Hardmax` (onnx.ai/onnx/operators/onnx__Hardmax.html, since-versions 1, 11, 13): 1 at the first maximum, 0 elsewhere, numerically
/// stable. Opset 1/11: X is coerced to 2-D `[prod(d[..<axis]), prod(d[axis...])]` (axis default
/// 1) and each row normalised; opset 13: along the single `axis` (default -1).
enum Hardmax {
    static let sinceVersions = [1, 11, 13]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        try SoftmaxFamilyKernel(.hardmax, name: "Hardmax", context: context)
    }
}
