import AbridgeIR
import AbridgeKernels

/// `Tanh` (onnx.ai/onnx/operators/onnx__Tanh.html, since-versions 1, 6, 13): Y = tanh(X).
enum Tanh {
    static let sinceVersions = [1, 6, 13]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryActivationKernel(op: .tanh, name: "Tanh")
    }
}
