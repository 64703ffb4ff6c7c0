import AbridgeIR
import AbridgeRuntime

/// The values whose student and teacher values are matched: every float graph output, except
/// that a graph output produced by Softmax or LogSoftmax is replaced by that node's input (the
/// logits), in both models (pruning keeps value names, so they are found by name in the teacher).
enum MatchedOutputs {
    /// The matched values of `graph`, in graph-output order, without duplicates. Outputs with a
    /// known non-float type and outputs that no node computes are left out.
    static func values(of graph: Graph) -> [Value] {
        var seen = Set<ObjectIdentifier>()
        var out: [Value] = []
        for output in graph.outputs {
            if let t = output.type?.tensorElementType, !RuntimeTensor.floatingPointTypes.contains(t) { continue }
            var value = output
            if let p = output.producer, p.normalizedDomain == "", p.opType == "Softmax" || p.opType == "LogSoftmax",
               let logits = p.inputs.first ?? nil {
                value = logits
            }
            guard value.producer != nil, seen.insert(ObjectIdentifier(value)).inserted else { continue }
            out.append(value)
        }
        return out
    }
}
