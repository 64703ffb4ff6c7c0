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
        let kind = kind
        y.data.withUnsafeMutableBufferPointer { p in
            switch kind {
            case .relu: for i in p.indices { p[i] = p[i] > 0 ? p[i] : 0 }
            case .leakyRelu(let a): for i in p.indices { p[i] = p[i] > 0 ? p[i] : p[i] * a }
            case .sigmoid: for i in p.indices { p[i] = 1 / (1 + exp(-p[i])) }
            case .tanh: for i in p.indices { p[i] = tanh(p[i]) }
            }
        }
        return y
    }

    func backward(_ gradient: TrainingTensor, inputs: [TrainingTensor?], output: TrainingTensor,
                  needs: [Bool]) throws -> [TrainingTensor?] {
        guard needs[0] else { return [nil] }
        let x = try context.input(inputs, 0, "X")
        var d = gradient
        let kind = kind
        x.data.withUnsafeBufferPointer { px in
            output.data.withUnsafeBufferPointer { py in
                d.data.withUnsafeMutableBufferPointer { pd in
                    switch kind {
                    case .relu: for i in pd.indices { pd[i] = px[i] > 0 ? pd[i] : 0 }
                    case .leakyRelu(let a): for i in pd.indices { pd[i] = px[i] > 0 ? pd[i] : pd[i] * a }
                    case .sigmoid: for i in pd.indices { pd[i] *= py[i] * (1 - py[i]) }
                    case .tanh: for i in pd.indices { pd[i] *= 1 - py[i] * py[i] }
                    }
                }
            }
        }
        return [d]
    }
}
