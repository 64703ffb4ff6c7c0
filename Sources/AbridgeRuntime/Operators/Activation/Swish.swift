import AbridgeIR
import AbridgeKernels

/// `Swish` (onnx.ai/onnx/operators/onnx__Swish.html, since-versions 24): Y = X * sigmoid(alpha * X) (alpha 1: SiLU).
enum Swish {
    static let sinceVersions = [24]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let alpha = try context.attributes.float("alpha", default: 1)
        return UnaryActivationKernel(op: .swish(alpha: alpha), name: "Swish")
    }
}
