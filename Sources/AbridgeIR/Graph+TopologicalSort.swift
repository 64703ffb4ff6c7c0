/// Topological order of a graph's nodes.
extension Graph {
    /// The nodes in an order where every node comes after the producers of its inputs (including
    /// values a subgraph of the node reads from this graph). Stable: among ready nodes, the one
    /// earliest in the current order comes first, so an already sorted graph keeps its order.
    /// - Throws: `IRError.cycle` naming nodes on a cycle.
    public func topologicallySorted() throws -> [Node] {
        var index: [ObjectIdentifier: Int] = [:]
        for (i, n) in nodes.enumerated() { index[ObjectIdentifier(n)] = i }
        var indegree = [Int](repeating: 0, count: nodes.count)
        var successors = [[Int]](repeating: [], count: nodes.count)
        for (i, n) in nodes.enumerated() {
            var preds = Set<Int>()
            for v in n.allReadValues { if let p = v.producer, let j = index[ObjectIdentifier(p)], j != i { preds.insert(j) } }
            indegree[i] = preds.count
            for j in preds { successors[j].append(i) }
        }
        // Min-heap by original index for stability.
        var heap = Heap()
        for i in 0..<nodes.count where indegree[i] == 0 { heap.push(i) }
        var order: [Node] = []
        order.reserveCapacity(nodes.count)
        while let i = heap.pop() {
            order.append(nodes[i])
            for s in successors[i] { indegree[s] -= 1; if indegree[s] == 0 { heap.push(s) } }
        }
        if order.count != nodes.count {
            let stuck = (0..<nodes.count).filter { indegree[$0] > 0 }.map { nodes[$0].label }
            throw IRError.cycle(nodes: stuck)
        }
        return order
    }

    /// Reorders the node list topologically (see `topologicallySorted()`).
    /// - Throws: `IRError.cycle`.
    public func sortTopologically() throws { reorder(try topologicallySorted()) }
}

extension Node {
    /// Every value this node reads: its inputs and, recursively, the values of enclosing graphs
    /// read inside its subgraphs.
    public var allReadValues: [Value] {
        var out = inputs.compactMap { $0 }
        for g in subgraphs { out += g.outerScopeReads }
        return out
    }
}

extension Graph {
    /// Values that nodes of this graph (or its subgraphs) read but that this graph does not
    /// define (inputs, initializers, node outputs): references to enclosing scopes.
    public var outerScopeReads: [Value] {
        var defined = Set<ObjectIdentifier>()
        for v in inputs { defined.insert(ObjectIdentifier(v)) }
        for v in initializers { defined.insert(ObjectIdentifier(v)) }
        for v in sparseInitializers { defined.insert(ObjectIdentifier(v)) }
        for n in nodes { for o in n.outputs { defined.insert(ObjectIdentifier(o)) } }
        var out: [Value] = []
        var seen = Set<ObjectIdentifier>()
        for n in nodes {
            for v in n.allReadValues where !defined.contains(ObjectIdentifier(v)) {
                if seen.insert(ObjectIdentifier(v)).inserted { out.append(v) }
            }
        }
        for v in outputs where !defined.contains(ObjectIdentifier(v)) {
            if seen.insert(ObjectIdentifier(v)).inserted { out.append(v) }
        }
        return out
    }
}

/// A binary min-heap of integers.
struct Heap {
    private var a: [Int] = []
    mutating func push(_ x: Int) {
        a.append(x); var i = a.count - 1
        while i > 0 { let p = (i - 1) / 2; if a[p] <= a[i] { break }; a.swapAt(p, i); i = p }
    }
    mutating func pop() -> Int? {
        guard let first = a.first else { return nil }
        let last = a.removeLast()
        if !a.isEmpty {
            a[0] = last; var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1; var m = i
                if l < a.count && a[l] < a[m] { m = l }
                if r < a.count && a[r] < a[m] { m = r }
                if m == i { break }
                a.swapAt(m, i); i = m
            }
        }
        return first
    }
}
