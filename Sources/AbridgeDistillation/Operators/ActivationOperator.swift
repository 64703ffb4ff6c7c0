import AbridgeIR
import Foundation

/// Element-wise activations, float32 (ONNX Relu, LeakyRelu (alpha, default 0.01), Sigmoid, Tanh):
/// `∂X = ∂Y·f′`, with f′ from X (Relu, LeakyRelu: 0 or alpha for X ≤ 0) or Y (Sigmoid `Y(1 − Y)`,
/// Tanh `1 − Y²`).
final class ActivationOperator: TrainingOperator {
    enum Kind { case relu, leakyRelu(Float), sigmoid, tanh }
    let context: NodeContext
    let kind: Kind

    init(_ node: Node) throws {
        context = NodeContext(node)
        switch node.opType {
        case "Relu": kind = .relu
        case "LeakyRelu": kind = .leakyRelu(node.floatAttribute("alpha", default: 0.01))
        case "Sigmoid": kind = .sigmoid
        case "Tanh": kind = .tanh
        default: throw context.unsupported("not an activation")
        }
    }

    func forward(_ inputs: [TrainingTensor?]) throws -> TrainingTensor {
        var y = try context.input(inputs, 0, "X")
        switch kind {
        case .relu: for i in y.data.indices where !(y.data[i] > 0) { y.data[i] = 0 }
        case .leakyRelu(let a): for i in y.data.indices where !(y.data[i] > 0) { y.data[i] *= a }
        case .sigmoid: for i in y.data.indices { y.data[i] = 1 / (1 + exp(-y.data[i])) }
        case .tanh: for i in y.data.indices { y.data[i] = tanh(y.data[i]) }
        }
        return y
    }

    func backward(_ gradient: TrainingTensor, inputs: [TrainingTensor?], output: TrainingTensor,
                  needs: [Bool]) throws -> [TrainingTensor?] {
        guard needs[0] else { return [nil] }
        let x = try context.input(inputs, 0, "X")
        var d = gradient
        switch kind {
        case .relu: for i in d.data.indices where !(x.data[i] > 0) { d.data[i] = 0 }
        case .leakyRelu(let a): for i in d.data.indices where !(x.data[i] > 0) { d.data[i] *= a }
        case .sigmoid: for i in d.data.indices { let y = output.data[i]; d.data[i] *= y * (1 - y) }
        case .tanh: for i in d.data.indices { let y = output.data[i]; d.data[i] *= 1 - y * y }
        }
        return [d]
    }
}
