import AbridgeIR
import AbridgeKernels

/// `LeakyRelu` (onnx.ai/onnx/operators/onnx__LeakyRelu.html, since-versions 1, 6, 16): Y = X < 0 ? alpha * X : X (alpha default 0.01).
enum LeakyRelu {
    static let sinceVersions = [1, 6, 16]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let alpha = try context.attributes.float("alpha", default: 0.01)
        return UnaryActivationKernel(op: .leakyRelu(alpha: alpha), name: "LeakyRelu")
    }
}
