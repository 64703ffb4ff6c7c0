import AbridgeIR
import AbridgeKernels

/// `HardSigmoid` (onnx.ai/onnx/operators/onnx__HardSigmoid.html, since-versions 1, 6, 22): Y = max(0, min(1, alpha * X + beta)) (alpha 0.2, beta 0.5).
enum HardSigmoid {
    static let sinceVersions = [1, 6, 22]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let alpha = try context.attributes.float("alpha", default: 0.2)
        let beta = try context.attributes.float("beta", default: 0.5)
        return UnaryActivationKernel(op: .hardSigmoid(alpha: alpha, beta: beta), name: "HardSigmoid")
    }
}
