import AbridgeIR
import AbridgeKernels

/// `Add`, `Sub`, `Mul` with numpy broadcasting, float32 (ONNX opsets 7-14): `∂A` and `∂B` are
/// `∂Y` (negated for Sub's B, times the other operand for Mul) summed over the axes each side
/// was broadcast along.
final class BinaryOperator: TrainingOperator {
    enum Kind { case add, sub, mul }
    let context: NodeContext
    let kind: Kind

    init(_ node: Node) throws {
        context = NodeContext(node)
        switch node.opType {
        case "Add": kind = .add
        case "Sub": kind = .sub
        case "Mul": kind = .mul
        default: throw context.unsupported("not Add, Sub or Mul")
        }
    }

    private func shapes(_ inputs: [TrainingTensor?]) throws -> (TrainingTensor, TrainingTensor, [Int]) {
        let a = try context.input(inputs, 0, "A"), b = try context.input(inputs, 1, "B")
        guard let out = try? Broadcast.shape(a.shape, b.shape) else {
            throw context.shape("A \(a.shape) and B \(b.shape) do not broadcast")
        }
        return (a, b, out)
    }

    func forward(_ inputs: [TrainingTensor?]) throws -> TrainingTensor {
        let (a, b, out) = try shapes(inputs)
        var y = [Float](repeating: 0, count: out.reduce(1, *))
        try context.kernel {
            try a.data.withUnsafeBufferPointer { pa in
                try b.data.withUnsafeBufferPointer { pb in
                    try y.withUnsafeMutableBufferPointer { py in
                        switch kind {
                        case .add: try Broadcast.binary(pa, a.shape, pb, b.shape, into: py) { $0 + $1 }
                        case .sub: try Broadcast.binary(pa, a.shape, pb, b.shape, into: py) { $0 - $1 }
                        case .mul: try Broadcast.binary(pa, a.shape, pb, b.shape, into: py) { $0 * $1 }
                        }
                    }
                }
            }
        }
        return TrainingTensor(shape: out, data: y)
    }

    func backward(_ gradient: TrainingTensor, inputs: [TrainingTensor?], output: TrainingTensor,
                  needs: [Bool]) throws -> [TrainingTensor?] {
        let (a, b, out) = try shapes(inputs)
        var result = [TrainingTensor?](repeating: nil, count: inputs.count)
        for (side, operand, other) in [(0, a, b), (1, b, a)] where needs.count > side && needs[side] {
            var d = [Float](repeating: 0, count: operand.count)
            d.withUnsafeMutableBufferPointer { pd in
                gradient.data.withUnsafeBufferPointer { pg in
                    other.data.withUnsafeBufferPointer { po in
                        switch kind {
                        case .add: BroadcastShapes.forEach(out: out, a: operand.shape, b: other.shape) { o, i, _ in pd[i] += pg[o] }
                        case .sub:
                            let sign: Float = side == 0 ? 1 : -1
                            BroadcastShapes.forEach(out: out, a: operand.shape, b: other.shape) { o, i, _ in pd[i] += sign * pg[o] }
                        case .mul: BroadcastShapes.forEach(out: out, a: operand.shape, b: other.shape) { o, i, j in pd[i] += pg[o] * po[j] }
                        }
                    }
                }
            }
            result[side] = TrainingTensor(shape: operand.shape, data: d)
        }
        return result
    }
}
