import AbridgeIR
import AbridgeKernels

/// `Sigmoid` (onnx.ai/onnx/operators/onnx__Sigmoid.html, since-versions 1, 6, 13): Y = 1 / (1 + exp(-X)), evaluated without overflow.
enum Sigmoid {
    static let sinceVersions = [1, 6, 13]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryActivationKernel(op: .sigmoid, name: "Sigmoid")
    }
}
