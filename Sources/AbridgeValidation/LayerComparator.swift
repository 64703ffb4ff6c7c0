import AbridgeIR
import AbridgeRuntime

/// Observes the converted model and compares each tensor it produces with the original's
/// tensor of the same name (kept by a `LayerRecorder` during the same batch), accumulating
/// SQNR, cosine similarity and absolute errors per name (`AgreementAccumulator`).
public final class LayerComparator: ExecutionObserver {
    let recorder: LayerRecorder
    /// Accumulated agreement per tensor name.
    public private(set) var accumulators: [String: AgreementAccumulator] = [:]
    /// Per-sample shape (axis 0 dropped) and element type of each compared tensor.
    public private(set) var shapes: [String: [Int]] = [:]
    /// Tensors that could not be compared, with the reason (first reason kept).
    public private(set) var skipped: [String: String] = [:]

    public init(recorder: LayerRecorder) { self.recorder = recorder }

    public func observe(_ value: Value, result: RuntimeValue, node: Node) {
        let name = value.name
        guard recorder.names.contains(name), skipped[name] == nil else { return }
        guard let original = recorder.take(name) else { return }
        guard let converted = result.tensor else { skip(name, "the converted value is not a tensor"); return }
        guard original.shape == converted.shape else {
            skip(name, "shapes differ: original \(original.shape), converted \(converted.shape)"); return
        }
        guard FloatElements.isNumeric(original.dataType), FloatElements.isNumeric(converted.dataType) else {
            skip(name, "not numeric (\(original.dataType.shortName) / \(converted.dataType.shortName))"); return
        }
        var acc = accumulators[name] ?? AgreementAccumulator()
        do {
            try FloatElements.with(original) { a in
                try FloatElements.with(converted) { b in acc.add(original: a, converted: b) }
            }
        } catch {
            skip(name, "cannot read its values: \(error)"); return
        }
        accumulators[name] = acc
        if shapes[name] == nil { shapes[name] = original.shape }
    }

    private func skip(_ name: String, _ reason: String) {
        skipped[name] = reason
        accumulators[name] = nil
    }

}
