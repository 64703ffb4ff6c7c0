import AbridgeIR

/// The node a training operator was built for, to name it in errors.
struct NodeContext: Sendable {
    let name: String
    let op: String

    init(_ node: Node) {
        name = (node.name?.isEmpty == false ? node.name : nil) ?? node.outputs.first?.name ?? ""
        op = node.opType
    }

    func unsupported(_ why: String) -> DistillationError { .unsupportedOperator(node: name, op: op, why: why) }
    func shape(_ why: String) -> DistillationError { .unsupportedShape(node: name, op: op, why: why) }

    /// The input tensor `index`, or a shape error when it is absent or not float.
    func input(_ inputs: [TrainingTensor?], _ index: Int, _ what: String) throws -> TrainingTensor {
        guard index < inputs.count, let t = inputs[index] else { throw shape("input \(index) (\(what)) is missing or not a float tensor") }
        return t
    }

    /// Runs a kernel call, turning its errors into `unsupportedShape` errors naming the node.
    func kernel<R>(_ body: () throws -> R) throws -> R {
        do { return try body() } catch let e as DistillationError { throw e } catch { throw shape("\(error)") }
    }
}
