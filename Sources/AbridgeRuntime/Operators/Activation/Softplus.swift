import AbridgeIR
import AbridgeKernels

/// `Softplus` (onnx.ai/onnx/operators/onnx__Softplus.html, since-versions 1, 22): Y = ln(1 + exp(X)), stable for large |X|.
enum Softplus {
    static let sinceVersions = [1, 22]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryActivationKernel(op: .softplus, name: "Softplus")
    }
}
