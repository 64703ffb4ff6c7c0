import AbridgeIR
import AbridgeKernels

/// `Celu` (onnx.ai/onnx/operators/onnx__Celu.html, since-versions 12): Y = max(0, X) + min(0, alpha * (exp(X / alpha) - 1)) (alpha 1).
enum Celu {
    static let sinceVersions = [12]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let alpha = try context.attributes.float("alpha", default: 1)
        guard alpha != 0 else { throw RuntimeError.invalidAttribute(node: context.node.label, name: "alpha", reason: "must not be 0") }
        return UnaryActivationKernel(op: .celu(alpha: alpha), name: "Celu")
    }
}
