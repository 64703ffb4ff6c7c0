import AbridgeIR

/// What kernels see while running: the observer and subgraph execution.
public final class ExecutionContext {
    /// Receives every computed value, if set.
    public let observer: ExecutionObserver?
    /// The environment of the graph being executed (for subgraphs reading outer values).
    let environment: Environment

    init(observer: ExecutionObserver?, environment: Environment) {
        self.observer = observer; self.environment = environment
    }

    /// Runs a subgraph plan with its formal inputs bound to `inputs`; outer-scope values come
    /// from the current environment.
    /// - Returns: the subgraph's outputs in order.
    /// - Throws: errors of the subgraph's nodes.
    public func run(_ plan: GraphPlan, inputs: [RuntimeValue?]) throws -> [RuntimeValue] {
        try plan.execute(inputs: inputs, parent: environment, observer: observer)
    }
}

/// Values computed so far in one graph execution, with the enclosing graph's environment as
/// fallback for outer-scope reads.
///
/// Values of this graph live in an array indexed by the slot numbers the plan assigned at
/// compile time (no hashing on the per-node path); `slotOf` maps a value to its slot for the
/// reads of subgraphs, which go by identity.
final class Environment {
    let parent: Environment?
    let slotOf: [ObjectIdentifier: Int]
    var slots: [RuntimeValue?]

    init(parent: Environment?, slotOf: [ObjectIdentifier: Int], slotCount: Int) {
        self.parent = parent; self.slotOf = slotOf
        slots = [RuntimeValue?](repeating: nil, count: slotCount)
    }

    func lookup(_ v: Value) -> RuntimeValue? {
        let key = ObjectIdentifier(v)
        var e: Environment? = self
        while let env = e {
            if let i = env.slotOf[key] { if let r = env.slots[i] { return r } }
            e = env.parent
        }
        return nil
    }
}
