import AbridgeIR

/// `Loop` (onnx.ai/onnx/operators/onnx__Loop.html, since-versions 1, 11, 13, 16, 19, 21, 23, 24,
/// 25): runs `body` while the trip count `M` (optional INT64) is not reached and the condition
/// (optional BOOL, then the body's first output) holds. The body gets the iteration number, the
/// condition and the N loop-carried values (tensors, sequences or optionals) and returns the new
/// condition, the N new values and K scan outputs; the node returns the final N values and each
/// scan output stacked along a new first axis (an empty `[0]` tensor when no iteration ran).
/// The body reads values of the enclosing graphs.
struct LoopKernel: OperatorKernel {
    let body: GraphPlan
    /// Element types of the scan outputs, from the body's declared outputs (for empty results).
    let scanTypes: [DataType]

    init(context: KernelBuildContext) throws {
        let graph = try context.attributes.graph("body")
        body = try context.planSubgraph(graph)
        let carried = context.node.inputs.count - 2
        scanTypes = graph.outputs.dropFirst(1 + Swift.max(carried, 0)).map { $0.type?.tensorElementType ?? .float }
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        var tripLimit: Int64? = nil
        if let m = try inputs.optionalTensor(0) {
            let v = try m.int64Values()
            guard v.count == 1 else { throw RuntimeError.invalidInput(node: "", reason: "Loop: M must hold one value") }
            tripLimit = v[0]
        }
        var condition = true
        if inputs.count > 1, let c = try inputs.optionalTensor(1) {
            let v = try c.int64Values()
            guard v.count == 1 else { throw RuntimeError.invalidInput(node: "", reason: "Loop: cond must hold one value") }
            condition = v[0] != 0
        }
        var carried: [RuntimeValue?] = Array(inputs.dropFirst(2))
        let n = carried.count
        var scans: [[RuntimeValue]] = Array(repeating: [], count: scanTypes.count)
        var iteration: Int64 = 0
        while condition && (tripLimit.map { iteration < $0 } ?? true) {
            let args: [RuntimeValue?] = [.tensor(RuntimeTensor(int64s: [iteration], shape: [])),
                                         .tensor(RuntimeTensor(.bool, shape: [], values: [condition]))] + carried
            let results = try context.run(body, inputs: args)
            guard results.count >= 1 + n else {
                throw RuntimeError.invalidInput(node: "", reason: "Loop: body returned \(results.count) values, needs at least \(1 + n)")
            }
            guard let c = results[0].tensor, c.count == 1 else { throw RuntimeError.invalidInput(node: "", reason: "Loop: body condition must be a one-element tensor") }
            condition = try c.int64Values()[0] != 0
            carried = Array(results[1..<(1 + n)])
            for (k, v) in results.dropFirst(1 + n).enumerated() where k < scans.count { scans[k].append(v) }
            iteration += 1
        }
        var outputs: [RuntimeValue?] = carried
        for (k, values) in scans.enumerated() {
            outputs.append(.tensor(try Self.stack(values, emptyType: scanTypes[k])))
        }
        return outputs
    }

    /// Tensors stacked along a new first axis (`[0]` of `emptyType` when there are none).
    static func stack(_ values: [RuntimeValue], emptyType: DataType) throws -> RuntimeTensor {
        let tensors = try values.map { v -> RuntimeTensor in
            guard let t = v.tensor else { throw RuntimeError.invalidInput(node: "", reason: "scan outputs must be tensors") }
            return t
        }
        guard let first = tensors.first else {
            if emptyType == .string { return RuntimeTensor(strings: [], shape: [0]) }
            return try RuntimeTensor.allocate(RuntimeTensor.elementSize(emptyType) == nil ? .float : emptyType, [0])
        }
        for t in tensors where t.shape != first.shape {
            throw RuntimeError.invalidInput(node: "", reason: "scan output shapes differ between iterations (\(first.shape) vs \(t.shape))")
        }
        return try ConcatOp.apply(tensors.map { $0.reshaped([1] + $0.shape) }, axis: 0)
    }
}
