import AbridgeIR

/// Removes nodes none of whose outputs is used (in this graph, its subgraphs, or as a graph
/// output), and initializers nothing reads that are not graph inputs.
public struct EliminateDeadNodesPass: GraphPass {
    public let name = "eliminate-dead-nodes"
    public init() {}

    public func run(on model: Model) throws -> Bool {
        var changed = false
        for graph in model.allGraphs {
            let outputs = Set(graph.outputs.map(ObjectIdentifier.init))
            var removedAny = true
            while removedAny {
                removedAny = false
                for node in graph.nodes.reversed() {
                    let live = node.outputs.contains { !$0.uses.isEmpty || outputs.contains(ObjectIdentifier($0)) || isReadBySubgraph($0, in: graph) }
                    if !live {
                        try graph.remove([node])
                        removedAny = true; changed = true
                    }
                }
            }
            let inputs = Set(graph.inputs.map(ObjectIdentifier.init))
            let before = graph.initializers.count + graph.sparseInitializers.count
            graph.initializers.removeAll { $0.uses.isEmpty && !inputs.contains(ObjectIdentifier($0)) && !outputs.contains(ObjectIdentifier($0)) }
            graph.sparseInitializers.removeAll { $0.uses.isEmpty && !inputs.contains(ObjectIdentifier($0)) && !outputs.contains(ObjectIdentifier($0)) }
            if graph.initializers.count + graph.sparseInitializers.count != before { changed = true }
        }
        return changed
    }

    /// Subgraph outputs that are outer values count as uses only through node inputs; a value
    /// listed as a subgraph output without a node reading it is caught here.
    private func isReadBySubgraph(_ v: Value, in graph: Graph) -> Bool {
        for n in graph.nodes { for g in n.subgraphs where g.outputs.contains(where: { $0 === v }) { return true } }
        return false
    }
}
