import AbridgeIR
import AbridgeRuntime

/// Observes the original model and keeps, for the current batch only, the tensors whose names
/// the converted model also produces, until `LayerComparator` consumes them.
///
/// Holding one batch's matching activations is the only buffering: after each batch every kept
/// tensor has been compared and dropped, so memory does not grow with the number of samples.
public final class LayerRecorder: ExecutionObserver {
    /// Tensor names produced by nodes of both models.
    public let names: Set<String>
    /// Tensors of the current batch by name, in production order (a name produced twice, as in a
    /// loop body, is kept once per production).
    var pending: [String: [RuntimeTensor]] = [:]

    public init(names: Set<String>) { self.names = names }

    public func observe(_ value: Value, result: RuntimeValue, node: Node) {
        guard names.contains(value.name), let t = result.tensor else { return }
        pending[value.name, default: []].append(t)
    }

    /// The next kept tensor of this name, removed from the buffer.
    func take(_ name: String) -> RuntimeTensor? {
        guard var list = pending[name], !list.isEmpty else { return nil }
        let t = list.removeFirst()
        pending[name] = list.isEmpty ? nil : list
        return t
    }

    /// Drops whatever the converted model did not consume (call between batches).
    func reset() { pending.removeAll(keepingCapacity: true) }

    /// Names of the node outputs of every graph of `model` (subgraphs and functions included).
    public static func producedNames(_ model: Model) -> Set<String> {
        var out = Set<String>()
        for g in model.allGraphs { for n in g.nodes { for v in n.outputs where !v.name.isEmpty { out.insert(v.name) } } }
        return out
    }
}
