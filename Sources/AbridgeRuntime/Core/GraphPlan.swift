import AbridgeIR
import AbridgeKernels

/// A graph compiled for execution: nodes in topological order with their kernels, initializers
/// converted once, and for each step the values whose last use it is (released right after, so
/// memory holds only live intermediates).
public final class GraphPlan {
    struct Step {
        let node: Node
        let kernel: OperatorKernel
        let inputs: [Value?]
        let outputs: [Value]
        /// Values defined in this graph that no later step or graph output reads.
        let release: [Value]
        /// Slot of each input in this graph's environment; `Step.omitted` for an omitted optional
        /// input, `Step.outer` for a value of an enclosing graph.
        var inputSlots: [Int] = []
        /// Slot of each output (`Step.omitted` for an unnamed optional output).
        var outputSlots: [Int] = []
        var releaseSlots: [Int] = []
        static let omitted = -1, outer = -2
    }

    let graph: Graph
    private(set) var steps: [Step]
    let constants: [(Value, RuntimeValue)]
    /// Slots of the values defined in this graph (initializers, graph inputs, node outputs).
    let slotOf: [ObjectIdentifier: Int]
    let constantSlots: [Int]
    let inputSlots: [Int]
    let outputSlots: [Int]
    /// Graph inputs in order (the formal parameters of a subgraph).
    public let inputs: [Value]
    /// Graph outputs in order.
    public let outputs: [Value]

    /// Compiles `graph`.
    /// - Parameters:
    ///   - opsets: opset version per domain ("" for ai.onnx) that nodes resolve against.
    ///   - registry: the kernels.
    /// - Throws: `RuntimeError.unsupportedOperator` for the first node without a kernel (before
    ///   anything runs), `.invalidModel` for a cycle, kernel construction errors (bad
    ///   attributes), all naming the node.
    public init(graph: Graph, opsets: [String: Int], registry: OperatorRegistry,
                functions: FunctionLibrary? = nil) throws {
        self.graph = graph
        let order: [Node]
        do { order = try graph.topologicallySorted() } catch { throw RuntimeError.invalidModel("\(error)") }
        var steps: [Step] = []
        steps.reserveCapacity(order.count)
        for node in order {
            let domain = OperatorRegistry.normalize(node.domain ?? "")
            let opset = opsets[domain] ?? (domain.isEmpty ? 1 : 1)
            let context = KernelBuildContext(node: node, opset: opset, planSubgraph: { sub in
                try GraphPlan(graph: sub, opsets: opsets, registry: registry, functions: functions)
            })
            let kernel: OperatorKernel
            do {
                if let factory = registry.factory(node.opType, domain: domain, opset: opset) {
                    kernel = try factory(context)
                } else if let functions, let k = try functions.kernel(for: context, registry: registry) {
                    kernel = k
                } else {
                    throw RuntimeError.unsupportedOperator(node: node.label, opType: node.opType, domain: domain, opset: opset,
                                                           available: registry.sinceVersions(node.opType, domain: domain))
                }
            } catch let e as RuntimeError {
                switch e {
                case .unsupportedOperator, .invalidAttribute, .inNode: throw e
                default: throw RuntimeError.inNode(node: node.label, underlying: e)
                }
            }
            steps.append(Step(node: node, kernel: kernel, inputs: node.inputs, outputs: node.outputs, release: []))
        }
        // Last uses: a value defined here (node output or initializer) is released after the
        // last step that reads it, unless it is a graph output.
        var lastUse: [ObjectIdentifier: Int] = [:]
        var definedHere = Set<ObjectIdentifier>()
        for s in steps { for o in s.outputs { definedHere.insert(ObjectIdentifier(o)) } }
        for (i, s) in steps.enumerated() {
            for v in s.node.allReadValues where definedHere.contains(ObjectIdentifier(v)) { lastUse[ObjectIdentifier(v)] = i }
        }
        for o in graph.outputs { lastUse[ObjectIdentifier(o)] = Int.max }
        var releases = [[Value]](repeating: [], count: steps.count)
        for (i, s) in steps.enumerated() {
            for o in s.outputs {
                let last = lastUse[ObjectIdentifier(o)] ?? i
                if last != Int.max { releases[last].append(o) }
            }
        }
        self.steps = steps.enumerated().map { i, s in
            Step(node: s.node, kernel: s.kernel, inputs: s.inputs, outputs: s.outputs, release: releases[i])
        }
        var constants: [(Value, RuntimeValue)] = []
        for v in graph.initializers {
            guard let t = v.initializer else { continue }
            do { constants.append((v, .tensor(try TensorConversion.runtimeTensor(from: t)))) } catch {
                throw RuntimeError.invalidModel("initializer '\(v.name)': \(error)")
            }
        }
        for v in graph.sparseInitializers {
            guard let s = v.sparseInitializer else { continue }
            do { constants.append((v, .tensor(try TensorConversion.densify(s)))) } catch {
                throw RuntimeError.invalidModel("sparse initializer '\(v.name)': \(error)")
            }
        }
        self.constants = constants
        self.inputs = graph.inputs
        self.outputs = graph.outputs
        // Slot numbers for every value defined in this graph.
        var slotOf: [ObjectIdentifier: Int] = [:]
        func slot(_ v: Value) -> Int {
            let key = ObjectIdentifier(v)
            if let i = slotOf[key] { return i }
            slotOf[key] = slotOf.count
            return slotOf.count - 1
        }
        constantSlots = constants.map { slot($0.0) }
        inputSlots = graph.inputs.map { slot($0) }
        for i in self.steps.indices {
            for o in self.steps[i].outputs where !o.name.isEmpty { _ = slot(o) }
        }
        for i in self.steps.indices {
            let st = self.steps[i]
            self.steps[i].inputSlots = st.inputs.map { v in
                guard let v else { return Step.omitted }
                return slotOf[ObjectIdentifier(v)] ?? Step.outer
            }
            self.steps[i].outputSlots = st.outputs.map { $0.name.isEmpty ? Step.omitted : slot($0) }
            self.steps[i].releaseSlots = st.release.compactMap { slotOf[ObjectIdentifier($0)] }
        }
        outputSlots = graph.outputs.map { slotOf[ObjectIdentifier($0)] ?? Step.outer }
        self.slotOf = slotOf
    }

    /// Runs the plan.
    /// - Parameters:
    ///   - inputs: values for `inputs`, in order (nil leaves an input unbound, e.g. an
    ///     initializer-backed input keeps its initializer).
    ///   - parent: the enclosing environment for outer-scope reads.
    /// - Returns: the graph outputs in order.
    func execute(inputs feeds: [RuntimeValue?], parent: Environment?, observer: ExecutionObserver?) throws -> [RuntimeValue] {
        let env = Environment(parent: parent, slotOf: slotOf, slotCount: slotOf.count)
        for (i, (_, c)) in constants.enumerated() { env.slots[constantSlots[i]] = c }
        for (i, f) in zip(inputSlots, feeds) { if let f { env.slots[i] = f } }
        let context = ExecutionContext(observer: observer, environment: env)
        for step in steps {
            var args: [RuntimeValue?] = []
            args.reserveCapacity(step.inputSlots.count)
            for (k, slot) in step.inputSlots.enumerated() {
                let value: RuntimeValue?
                switch slot {
                case Step.omitted: args.append(nil); continue
                case Step.outer: value = step.inputs[k].flatMap { parent?.lookup($0) }
                default: value = env.slots[slot]
                }
                guard let value else {
                    throw RuntimeError.invalidInput(node: step.node.label, reason: "input '\(step.inputs[k]?.name ?? "")' has no value (not a graph input, initializer or earlier output)")
                }
                args.append(value)
            }
            let results: [RuntimeValue?]
            do { results = try step.kernel.run(args, context: context) } catch let e as RuntimeError {
                if case .inNode = e { throw e }
                throw RuntimeError.inNode(node: step.node.label, underlying: e)
            } catch let e as KernelError {
                throw RuntimeError.inNode(node: step.node.label, underlying: RuntimeError(e))
            } catch {
                throw RuntimeError.inNode(node: step.node.label, underlying: error)
            }
            for (k, r) in results.enumerated() where k < step.outputSlots.count {
                let slot = step.outputSlots[k]
                guard let r, slot >= 0 else { continue }
                env.slots[slot] = r
                observer?.observe(step.outputs[k], result: r, node: step.node)
            }
            for slot in step.releaseSlots { env.slots[slot] = nil }
        }
        return try outputs.enumerated().map { i, o in
            let slot = outputSlots[i]
            guard let r = slot >= 0 ? env.slots[slot] : parent?.lookup(o) else {
                throw RuntimeError.invalidModel("graph output '\(o.name)' was not computed")
            }
            return r
        }
    }
}

/// Expands calls to model-local functions (and, later, spec functions) into kernels.
public protocol FunctionLibrary {
    /// A kernel running the function `context.node` calls, or nil when there is none.
    func kernel(for context: KernelBuildContext, registry: OperatorRegistry) throws -> OperatorKernel?
}
