/// Hands out tensor and node names that are unique across every graph of a model, for passes
/// that add values or nodes.
public final class NameAllocator {
    private var used = Set<String>()

    public init(model: Model) {
        for g in model.allGraphs {
            for v in g.inputs + g.initializers + g.sparseInitializers + g.outputs { used.insert(v.name) }
            for n in g.nodes {
                if let name = n.name { used.insert(name) }
                for o in n.outputs { used.insert(o.name) }
                for i in n.inputs { if let i { used.insert(i.name) } }
            }
        }
    }

    /// `base`, or `base_1`, `base_2`... whichever is free; the name is then taken.
    public func make(_ base: String) -> String {
        var candidate = base
        var k = 1
        while used.contains(candidate) { candidate = "\(base)_\(k)"; k += 1 }
        used.insert(candidate)
        return candidate
    }
}
