import AbridgeIR
import AbridgeKernels

/// `ThresholdedRelu` (onnx.ai/onnx/operators/onnx__ThresholdedRelu.html, since-versions 10, 22): Y = X > alpha ? X : 0 (alpha 1).
enum ThresholdedRelu {
    static let sinceVersions = [10, 22]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let alpha = try context.attributes.float("alpha", default: 1)
        return UnaryActivationKernel(op: .thresholdedRelu(alpha: alpha), name: "ThresholdedRelu")
    }
}
