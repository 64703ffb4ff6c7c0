import AbridgeIR
import AbridgeRuntime

/// The part of a student graph that computes the matched outputs, compiled for training: a
/// list of steps over numbered value slots, with its feeds, constants and trainable parameters.
///
/// Forward keeps every value of the batch; backward walks the steps in reverse, accumulating
/// `∂L/∂value` per slot and handing each operator only the input gradients that lead to a
/// parameter.
final class TrainingGraph {
    struct Step {
        let op: TrainingOperator
        let context: NodeContext
        let inputs: [Int?]
        let output: Int
        let needs: [Bool]
        let requiresGradient: Bool
    }

    let steps: [Step]
    let slotCount: Int
    /// Graph inputs read by the steps: name and slot.
    let feeds: [(name: String, slot: Int)]
    let matched: [(name: String, slot: Int)]
    let parameters: [TrainableParameter]
    let parameterSlots: [Int]
    /// Weight/bias initializers left fixed, each as `"name: reason"`.
    let fixed: [String]
    private let constants: [(slot: Int, tensor: TrainingTensor)]

    /// - Parameters:
    ///   - feedNames: names of the calibration feeds; an overridable initializer with a feed is fed.
    /// - Throws: `DistillationError.invalidModel` (no graph, a cycle, no float output computed),
    ///   `.unsupportedOperator` naming the first node without a training kernel.
    init(model: Model, feedNames: Set<String>, keepZeros: Bool) throws {
        guard let graph = model.graph else { throw DistillationError.invalidModel("it has no graph") }
        let matchedValues = MatchedOutputs.values(of: graph)
        guard !matchedValues.isEmpty else { throw DistillationError.invalidModel("no float graph output is computed by a node") }
        let order: [Node]
        do { order = try graph.topologicallySorted() } catch { throw DistillationError.invalidModel("\(error)") }

        // Nodes needed for the matched values (Constant nodes are read as constants).
        var needed = Set<ObjectIdentifier>()
        var stack = matchedValues.compactMap { $0.producer }
        while let node = stack.popLast() {
            guard node.opType != "Constant" || node.normalizedDomain != "" else { continue }
            guard needed.insert(ObjectIdentifier(node)).inserted else { continue }
            for case let input? in node.inputs { if let p = input.producer { stack.append(p) } }
        }
        let graphOutputs = Set(graph.outputs.map(ObjectIdentifier.init))
        let overridable = model.overridableInitializers
        let isUsed: (Value) -> Bool = { !$0.uses.isEmpty || graphOutputs.contains(ObjectIdentifier($0)) }

        var slots: [ObjectIdentifier: Int] = [:]
        var slotCount = 0
        var feeds: [(String, Int)] = [], constants: [(Int, TrainingTensor)] = []
        var parameters: [TrainableParameter] = [], parameterSlots: [Int] = [], fixed: [String] = []
        var requires: [Bool] = []
        var steps: [Step] = []
        func newSlot(_ value: Value, requiresGradient: Bool) -> Int {
            slots[ObjectIdentifier(value)] = slotCount
            requires.append(requiresGradient)
            slotCount += 1
            return slotCount - 1
        }

        for node in order where needed.contains(ObjectIdentifier(node)) {
            let op = try TrainingOperators.make(node, isUsed: isUsed, constant: { Self.constantTensor($0).flatMap { try? $0.int64Values() } })
            var inputSlots: [Int?] = []
            for (index, input) in node.inputs.enumerated() {
                guard let input, !input.name.isEmpty || input.producer != nil else { inputSlots.append(nil); continue }
                if let s = slots[ObjectIdentifier(input)] { inputSlots.append(s); continue }
                let isOverridable = overridable.contains(ObjectIdentifier(input))
                if (!input.isInitializer && input.producer == nil) || (isOverridable && feedNames.contains(input.name)) {
                    let s = newSlot(input, requiresGradient: false)
                    feeds.append((input.name, s))
                    inputSlots.append(s)
                    continue
                }
                // A constant: an initializer or a Constant node's output.
                let runtime = Self.constantTensor(input)
                let isFloat = runtime.map { RuntimeTensor.floatingPointTypes.contains($0.dataType) } ?? false
                let floats = isFloat ? runtime.flatMap { t in (try? t.floatValues()).map { TrainingTensor(shape: t.shape, data: $0) } } : nil
                if TrainingOperators.isTrainableInput(op: node.opType, index: index) {
                    let consumers = Set(input.uses.compactMap { $0.node.map(ObjectIdentifier.init) }).count
                    var why: String?
                    if input.initializer == nil { why = input.sparseInitializer != nil ? "a sparse initializer" : "not an initializer" }
                    else if input.initializer?.elementType != .float { why = "\(input.initializer?.elementType ?? .undefined), not FLOAT" }
                    else if isOverridable { why = "also a graph input (a feed may override it)" }
                    else if consumers > 1 { why = "used by \(consumers) nodes" }
                    else if floats == nil { why = "its elements cannot be read" }
                    if let why {
                        fixed.append("\(input.name): \(why)")
                    } else if let floats {
                        let s = newSlot(input, requiresGradient: true)
                        parameters.append(TrainableParameter(value: input, tensor: floats, keepZeros: keepZeros))
                        parameterSlots.append(s)
                        inputSlots.append(s)
                        continue
                    }
                }
                let s = newSlot(input, requiresGradient: false)
                if let floats { constants.append((s, floats)) }
                inputSlots.append(s)
            }
            let needs = inputSlots.map { $0.map { requires[$0] } ?? false }
            let requiresGradient = needs.contains(true)
            guard let output = node.outputs.first else { throw NodeContext(node).unsupported("it has no output") }
            let outSlot = newSlot(output, requiresGradient: requiresGradient)
            steps.append(Step(op: op, context: NodeContext(node), inputs: inputSlots, output: outSlot, needs: needs,
                              requiresGradient: requiresGradient))
        }
        self.steps = steps
        self.slotCount = slotCount
        self.feeds = feeds
        self.constants = constants
        self.parameters = parameters
        self.parameterSlots = parameterSlots
        self.fixed = fixed
        self.matched = try matchedValues.map { v in
            guard let s = slots[ObjectIdentifier(v)] else { throw DistillationError.invalidModel("output '\(v.name)' is not computed") }
            return (v.name, s)
        }
    }

    /// The elements of a constant value: a dense or sparse initializer, or a Constant node's output.
    static func constantTensor(_ value: Value) -> RuntimeTensor? {
        if let t = value.initializer { return try? TensorConversion.runtimeTensor(from: t) }
        if let s = value.sparseInitializer { return try? TensorConversion.densify(s) }
        guard let p = value.producer, p.opType == "Constant", p.normalizedDomain == "" else { return nil }
        if let t = p.attribute("value")?.tensor { return try? TensorConversion.runtimeTensor(from: t) }
        if let f = p.attribute("value_float")?.float { return RuntimeTensor(floats: [f], shape: []) }
        if let f = p.attribute("value_floats")?.floats { return RuntimeTensor(floats: f, shape: [f.count]) }
        if let i = p.attribute("value_int")?.int { return RuntimeTensor(int64s: [i], shape: []) }
        if let i = p.attribute("value_ints")?.ints { return RuntimeTensor(int64s: i, shape: [i.count]) }
        return nil
    }

    /// Every slot's value for one batch.
    /// - Throws: `DistillationError.invalidCalibration` for a missing feed, an operator's
    ///   `unsupportedShape`.
    func forward(_ inputs: [String: TrainingTensor]) throws -> [TrainingTensor?] {
        var values = [TrainingTensor?](repeating: nil, count: slotCount)
        for (slot, t) in constants { values[slot] = t }
        for (p, slot) in zip(parameters, parameterSlots) { values[slot] = p.tensor }
        for (name, slot) in feeds {
            guard let t = inputs[name] else { throw DistillationError.invalidCalibration("no data for graph input '\(name)'") }
            values[slot] = t
        }
        for step in steps {
            values[step.output] = try step.op.forward(step.inputs.map { $0.flatMap { values[$0] } })
        }
        return values
    }

    /// `∂L/∂θ` for every parameter (in `parameters` order), from `∂L/∂value` of some slots.
    /// - Throws: an operator's `unsupportedShape`.
    func backward(_ values: [TrainingTensor?], seeds: [Int: TrainingTensor]) throws -> [[Float]] {
        var gradients = [TrainingTensor?](repeating: nil, count: slotCount)
        for (slot, g) in seeds { gradients[slot] = g }
        for step in steps.reversed() where step.requiresGradient {
            guard let g = gradients[step.output], let y = values[step.output] else { continue }
            gradients[step.output] = nil
            let inputs = step.inputs.map { $0.flatMap { values[$0] } }
            let d = try step.op.backward(g, inputs: inputs, output: y, needs: step.needs)
            for (i, slot) in step.inputs.enumerated() where step.needs[i] {
                guard let slot, i < d.count, let di = d[i] else { continue }
                guard di.count == values[slot]?.count else {
                    throw step.context.shape("gradient of input \(i) has \(di.count) elements, the input \(values[slot]?.count ?? 0)")
                }
                if var acc = gradients[slot] {
                    gradients[slot] = nil   // so that `acc` is the only reference: summed in place, not copied
                    for k in acc.data.indices { acc.data[k] += di.data[k] }
                    gradients[slot] = acc
                } else {
                    gradients[slot] = di
                }
            }
        }
        return zip(parameters, parameterSlots).map { p, slot in gradients[slot]?.data ?? [Float](repeating: 0, count: p.tensor.count) }
    }
}
