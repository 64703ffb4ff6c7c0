import AbridgeIR

/// One node's forward and backward pass in the training engine (float32 only).
///
/// Operators are classes so a forward pass can keep what its backward pass needs (Conv keeps its
/// im2col columns, MaxPool its argmax); the engine runs one forward then one backward at a time.
protocol TrainingOperator: AnyObject {
    /// `Y` from the node's inputs (nil: an absent optional input, or a non-float constant such as
    /// Reshape's shape, which the operator read when it was built).
    /// - Throws: `DistillationError.unsupportedShape` naming the node.
    func forward(_ inputs: [TrainingTensor?]) throws -> TrainingTensor
    /// `∂L/∂input` for every input whose `needs` flag is set (nil for the others), from `∂L/∂Y`.
    /// Called after `forward` on the same inputs; `output` is what `forward` returned.
    /// - Throws: `DistillationError.unsupportedShape`; kernel errors as `unsupportedShape`.
    func backward(_ gradient: TrainingTensor, inputs: [TrainingTensor?], output: TrainingTensor,
                  needs: [Bool]) throws -> [TrainingTensor?]
}

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

extension Node {
    // Plain loops rather than `attribute(name)?.int.map`: Swift 6.3.1's optimizer crashes
    // ("Found ownership error", CopyPropagation) on the optional-chained form inlined into a
    // throwing class initializer.
    @inline(never)
    func intAttribute(_ name: String, default value: Int) -> Int {
        for a in attributes where a.name == name { if case .int(let v) = a.value { return Int(v) } }
        return value
    }

    @inline(never)
    func intsAttribute(_ name: String) -> [Int]? {
        for a in attributes where a.name == name { if case .ints(let v) = a.value { return v.map { Int($0) } } }
        return nil
    }

    @inline(never)
    func floatAttribute(_ name: String, default value: Float) -> Float {
        for a in attributes where a.name == name { if case .float(let v) = a.value { return v } }
        return value
    }

    @inline(never)
    func stringAttribute(_ name: String, default value: String) -> String {
        for a in attributes where a.name == name {
            if case .string(let v) = a.value { return String(decoding: v, as: UTF8.self) }
        }
        return value
    }
}
