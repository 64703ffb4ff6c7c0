import AbridgeIR

/// Replaces `Identity(x)` and inference-mode `Dropout(x)` with `x` (reads of the output read
/// `x`), unless the output is a graph output or the Dropout's mask output is used.
public struct EliminateIdentityPass: GraphPass {
    public let name = "eliminate-identity"
    public init() {}

    public func run(on model: Model) throws -> Bool {
        var changed = false
        for graph in model.allGraphs {
            let outputs = Set(graph.outputs.map(ObjectIdentifier.init))
            for node in graph.nodes where (node.opType == "Identity" || node.opType == "Dropout") && node.normalizedDomain.isEmpty {
                guard let input = node.inputs.first ?? nil, let out = node.outputs.first else { continue }
                if outputs.contains(ObjectIdentifier(out)) { continue }
                if node.opType == "Dropout" {
                    if node.outputs.count > 1 && !node.outputs[1].uses.isEmpty { continue }
                    if node.inputs.count > 2, node.inputs[2] != nil { continue }   // training_mode given
                }
                out.replaceAllUses(with: input)
                try graph.remove([node])
                changed = true
            }
        }
        return changed
    }
}
