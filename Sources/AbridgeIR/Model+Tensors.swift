/// Visiting every tensor a model holds.
extension Model {
    /// Calls `body` for every tensor in the model: initializers (dense, and the values and
    /// indices of sparse ones) and attribute tensors, in every graph, subgraph, function body
    /// and training graph, in a fixed (deterministic) order.
    public func forEachTensor(_ body: (Tensor) throws -> Void) rethrows {
        for g in allGraphs { try g.forEachLocalTensor(body) }
        for f in functions { for a in f.attributeDefaults { try Graph.forEachTensor(in: a.value, body) } }
    }
}

extension Graph {
    /// Tensors of this graph only (not of its subgraphs): initializers and node attributes.
    public func forEachLocalTensor(_ body: (Tensor) throws -> Void) rethrows {
        for v in initializers { if let t = v.initializer { try body(t) } }
        for v in sparseInitializers {
            if let t = v.sparseInitializer?.values { try body(t) }
            if let t = v.sparseInitializer?.indices { try body(t) }
        }
        for n in nodes { for a in n.attributes { try Graph.forEachTensor(in: a.value, body) } }
    }

    static func forEachTensor(in value: AttributeValue, _ body: (Tensor) throws -> Void) rethrows {
        switch value {
        case .tensor(let t): try body(t)
        case .tensors(let ts): for t in ts { try body(t) }
        case .sparseTensor(let s):
            if let t = s.values { try body(t) }
            if let t = s.indices { try body(t) }
        case .sparseTensors(let ss):
            for s in ss {
                if let t = s.values { try body(t) }
                if let t = s.indices { try body(t) }
            }
        default: break
        }
    }
}
