import AbridgeIR
import AbridgeRuntime

/// Operators that only relabel the shape: `Flatten` (axis), `Reshape` (shape from a constant,
/// 0 copies a dimension unless allowzero, −1 inferred), `Identity`, and `Dropout` in inference
/// (identity). `∂X` is `∂Y` with X's shape.
final class ReshapeOperator: TrainingOperator {
    enum Kind { case flatten(axis: Int), reshape(shape: [Int], allowZero: Bool), identity }
    let context: NodeContext
    let kind: Kind

    /// - Parameter shape: Reshape's constant `shape` input (nil when it is not a constant).
    init(_ node: Node, shape: [Int64]?) throws {
        context = NodeContext(node)
        switch node.opType {
        case "Flatten": kind = .flatten(axis: node.intAttribute("axis", default: 1))
        case "Reshape":
            guard let shape else { throw context.unsupported("its shape input is not an initializer or Constant") }
            kind = .reshape(shape: shape.map { Int($0) }, allowZero: node.intAttribute("allowzero", default: 0) != 0)
        default: kind = .identity
        }
    }

    func outputShape(_ input: [Int]) throws -> [Int] {
        switch kind {
        case .identity: return input
        case .flatten(let a):
            let axis = a < 0 ? a + input.count : a
            guard axis >= 0, axis <= input.count else { throw context.shape("axis \(a) out of range for X \(input)") }
            return [input[..<axis].reduce(1, *), input[axis...].reduce(1, *)]
        case .reshape(let target, let allowZero):
            do { return try ReshapeOp.outputShape(input, target, allowZero: allowZero) } catch {
                throw context.shape("cannot reshape X \(input) to \(target): \(error)")
            }
        }
    }

    func forward(_ inputs: [TrainingTensor?]) throws -> TrainingTensor {
        var x = try context.input(inputs, 0, "X")
        x.shape = try outputShape(x.shape)
        return x
    }

    func backward(_ gradient: TrainingTensor, inputs: [TrainingTensor?], output: TrainingTensor,
                  needs: [Bool]) throws -> [TrainingTensor?] {
        var result = [TrainingTensor?](repeating: nil, count: inputs.count)
        if needs[0] { result[0] = TrainingTensor(shape: try context.input(inputs, 0, "X").shape, data: gradient.data) }
        return result
    }
}
