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
final class Environment {
    let parent: Environment?
    var values: [ObjectIdentifier: RuntimeValue] = [:]
    init(parent: Environment?) { self.parent = parent }

    func lookup(_ v: Value) -> RuntimeValue? {
        let key = ObjectIdentifier(v)
        var e: Environment? = self
        while let env = e {
            if let r = env.values[key] { return r }
            e = env.parent
        }
        return nil
    }
}
