import AbridgeIR
import AbridgeKernels

/// `Mish` (onnx.ai/onnx/operators/onnx__Mish.html, since-versions 18, 22): Y = X * tanh(softplus(X)).
enum Mish {
    static let sinceVersions = [18, 22]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryActivationKernel(op: .mish, name: "Mish")
    }
}
