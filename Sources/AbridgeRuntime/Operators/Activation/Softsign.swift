import AbridgeIR
import AbridgeKernels

/// `Softsign` (onnx.ai/onnx/operators/onnx__Softsign.html, since-versions 1, 22): Y = X / (1 + |X|).
enum Softsign {
    static let sinceVersions = [1, 22]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryActivationKernel(op: .softsign, name: "Softsign")
    }
}
