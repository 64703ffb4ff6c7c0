import AbridgeIR
import AbridgeKernels

/// `Selu` (onnx.ai/onnx/operators/onnx__Selu.html, since-versions 1, 6, 22): Y = gamma * (X > 0 ? X : alpha * (exp(X) - 1)) (alpha 1.67326..., gamma 1.05070...).
enum Selu {
    static let sinceVersions = [1, 6, 22]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let alpha = try context.attributes.float("alpha", default: 1.67326319217681884765625)
        let gamma = try context.attributes.float("gamma", default: 1.05070102214813232421875)
        return UnaryActivationKernel(op: .selu(alpha: alpha, gamma: gamma), name: "Selu")
    }
}
