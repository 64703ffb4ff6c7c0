import AbridgeIR
import AbridgeKernels
import Foundation

/// Element-wise activations, float32 (ONNX Relu, LeakyRelu (alpha, default 0.01), Sigmoid, Tanh):
/// `∂X = ∂Y·f′`, with f′ from X (Relu, LeakyRelu: 0 or alpha for X ≤ 0) or Y (Sigmoid `Y(1 − Y)`,
/// Tanh `1 − Y²`).
final class ActivationOperator: TrainingOperator {
    enum Kind { case relu, leakyRelu(Float), sigmoid, tanh }
    let context: NodeContext
    let kind: Kind
    private var forwardBuffer: [Float] = [], backwardBuffer: [Float] = []
    /// Elements per parallel chunk: below this a loop runs on one thread.
    static let grain = 1 << 16

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
        let x = try context.input(inputs, 0, "X")
        let n = x.count
        let y = x.data.withUnsafeBufferPointer { px in
            Workspace.reuse(&forwardBuffer, count: n) { py in
                ParallelFor.run(n, minChunk: Self.grain) { range in
                    switch kind {
                    case .relu: for i in range { py[i] = px[i] > 0 ? px[i] : 0 }
                    case .leakyRelu(let a): for i in range { py[i] = px[i] > 0 ? px[i] : px[i] * a }
                    case .sigmoid: for i in range { py[i] = 1 / (1 + exp(-px[i])) }
                    case .tanh: for i in range { py[i] = tanh(px[i]) }
                    }
                }
            }
        }
        return TrainingTensor(shape: x.shape, data: y)
    }

    func backward(_ gradient: TrainingTensor, inputs: [TrainingTensor?], output: TrainingTensor,
                  needs: [Bool]) throws -> [TrainingTensor?] {
        guard needs[0] else { return [nil] }
        let x = try context.input(inputs, 0, "X")
        let n = x.count
        let d = x.data.withUnsafeBufferPointer { px in
            output.data.withUnsafeBufferPointer { py in
                gradient.data.withUnsafeBufferPointer { pg in
                    Workspace.reuse(&backwardBuffer, count: n) { pd in
                        ParallelFor.run(n, minChunk: Self.grain) { range in
                            switch kind {
                            case .relu: for i in range { pd[i] = px[i] > 0 ? pg[i] : 0 }
                            case .leakyRelu(let a): for i in range { pd[i] = px[i] > 0 ? pg[i] : pg[i] * a }
                            case .sigmoid: for i in range { pd[i] = pg[i] * py[i] * (1 - py[i]) }
                            case .tanh: for i in range { pd[i] = pg[i] * (1 - py[i] * py[i]) }
                            }
                        }
                    }
                }
            }
        }
        return [TrainingTensor(shape: x.shape, data: d)]
    }
}
