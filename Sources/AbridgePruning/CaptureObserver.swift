import AbridgeIR
import AbridgeRuntime

/// Keeps the last computed tensor of chosen values during a run (one batch), by identity.
final class CaptureObserver: ExecutionObserver {
    private let targets: Set<ObjectIdentifier>
    private(set) var captured: [ObjectIdentifier: RuntimeTensor] = [:]

    init(_ values: [Value]) { targets = Set(values.map(ObjectIdentifier.init)) }

    func observe(_ value: Value, result: RuntimeValue, node: Node) {
        let key = ObjectIdentifier(value)
        guard targets.contains(key), let t = result.tensor else { return }
        captured[key] = t
    }

    /// The tensor of `v` from this run, or from the feed when `v` is a graph input.
    func tensor(_ v: Value, feed: [String: RuntimeValue]) -> RuntimeTensor? {
        captured[ObjectIdentifier(v)] ?? feed[v.name]?.tensor
    }

    func reset() { captured.removeAll(keepingCapacity: true) }
}
