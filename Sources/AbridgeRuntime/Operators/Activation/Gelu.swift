import AbridgeIR
import AbridgeKernels

/// `Gelu` (onnx.ai/onnx/operators/onnx__Gelu.html, since-versions 20): approximate="none": Y = 0.5 * X * (1 + erf(X / sqrt(2))); approximate="tanh": Y = 0.5 * X * (1 + tanh(sqrt(2 / pi) * (X + 0.044715 * X^3))).
enum Gelu {
    static let sinceVersions = [20]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let approximate = try context.attributes.string("approximate", default: "none")
        switch approximate {
        case "none": return UnaryActivationKernel(op: .gelu, name: "Gelu")
        case "tanh": return UnaryActivationKernel(op: .geluTanh, name: "Gelu")
        default: throw RuntimeError.invalidAttribute(node: context.node.label, name: "approximate", reason: "must be \"none\" or \"tanh\", got \"\(approximate)\"")
        }
    }
}
