import AbridgeIR

/// Sees every value a model computes, as it is produced, without changing the model.
/// Calibration (collecting ranges) and per-layer debugging use it.
public protocol ExecutionObserver: AnyObject {
    /// Called once per node output, in execution order (subgraph nodes included).
    /// - Parameters:
    ///   - value: the IR value (its name is the tensor name in the model).
    ///   - result: the computed value.
    ///   - node: the producing node.
    func observe(_ value: Value, result: RuntimeValue, node: Node)
}
