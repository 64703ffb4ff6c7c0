import AbridgeIR
import AbridgeKernels

/// `HardSwish` (onnx.ai/onnx/operators/onnx__HardSwish.html, since-versions 14, 22): Y = X * max(0, min(1, X / 6 + 1 / 2)).
enum HardSwish {
    static let sinceVersions = [14, 22]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        UnaryActivationKernel(op: .hardSwish, name: "HardSwish")
    }
}
