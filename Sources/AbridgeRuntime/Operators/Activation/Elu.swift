import AbridgeIR
import AbridgeKernels

/// `Elu` (onnx.ai/onnx/operators/onnx__Elu.html, since-versions 1, 6, 22): Y = X < 0 ? alpha * (exp(X) - 1) : X (alpha 1).
enum Elu {
    static let sinceVersions = [1, 6, 22]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let alpha = try context.attributes.float("alpha", default: 1)
        return UnaryActivationKernel(op: .elu(alpha: alpha), name: "Elu")
    }
}
