import AbridgeIR
import Testing

/// The (node, input index) pairs of a value's uses, for comparisons.
func slots(_ v: Value) -> [String] {
    v.uses.map { "\($0.node?.name ?? "?"):\($0.inputIndex)" }
}

@Suite("Use lists")
struct UseListTests {
    @Test func constructorRecordsOneUsePerSlot() {
        let a = Value(name: "a")
        let n = Node(opType: "Add", name: "n", inputs: [a, a], outputs: ["b"])
        #expect(slots(a) == ["n:0", "n:1"])
        #expect(a.consumers.count == 2 && a.consumers.allSatisfy { $0 === n })
        #expect(n.outputs.count == 1)
        #expect(n.outputs[0].producer === n)
        #expect(n.outputs[0].outputIndex == 0)
        #expect(n.outputs[0].uses.isEmpty)
    }

    @Test func setInputMovesTheUse() {
        let a = Value(name: "a"), c = Value(name: "c")
        let n = Node(opType: "Add", name: "n", inputs: [a, a], outputs: ["b"])
        n.setInput(1, c)
        #expect(slots(a) == ["n:0"])
        #expect(slots(c) == ["n:1"])
        #expect(n.inputs[1] === c)
        n.setInput(0, nil)
        #expect(a.uses.isEmpty)
        #expect(n.inputs[0] == nil)
        n.setInput(0, c)
        #expect(slots(c) == ["n:1", "n:0"])
    }

    @Test func appendAndRemoveInputs() {
        let a = Value(name: "a"), b = Value(name: "b")
        let n = Node(opType: "Clip", name: "n", inputs: [a], outputs: ["y"])
        n.appendInput(nil)          // omitted optional input: no use
        n.appendInput(b)
        #expect(n.inputs.count == 3)
        #expect(slots(b) == ["n:2"])
        n.truncateInputs(to: 1)
        #expect(n.inputs.count == 1)
        #expect(b.uses.isEmpty)
        #expect(slots(a) == ["n:0"])
        n.removeAllInputs()
        #expect(n.inputs.isEmpty)
        #expect(a.uses.isEmpty)
    }

    @Test func replaceAllUsesRewiresEveryConsumer() {
        let a = Value(name: "a"), z = Value(name: "z")
        let n1 = Node(opType: "Add", name: "n1", inputs: [a, a], outputs: ["b"])
        let n2 = Node(opType: "Relu", name: "n2", inputs: [a], outputs: ["c"])
        let n3 = Node(opType: "Relu", name: "n3", inputs: [z], outputs: ["d"])
        a.replaceAllUses(with: z)
        #expect(a.uses.isEmpty)
        #expect(Set(slots(z)) == ["n3:0", "n1:0", "n1:1", "n2:0"])
        #expect(n1.inputs.allSatisfy { $0 === z })
        #expect(n2.inputs[0] === z)
        // Replacing a value with itself changes nothing.
        z.replaceAllUses(with: z)
        #expect(z.uses.count == 4)
        #expect(n3.inputs[0] === z)
    }

    @Test func appendOutputNumbersOutputs() {
        let n = Node(opType: "Split", name: "s", outputs: ["p", "q"])
        let r = Value(name: "r")
        n.appendOutput(r)
        #expect(n.outputs.map(\.name) == ["p", "q", "r"])
        #expect(n.outputs.map(\.outputIndex) == [0, 1, 2])
        #expect(r.producer === n)
    }
}

@Suite("Graph.remove")
struct GraphRemoveTests {
    /// x -> n1 -> b -> n2 -> c (graph output); x -> dead -> d (unused).
    static func chain() -> (Graph, Value, Node, Node, Node) {
        let g = Graph(name: "g")
        let x = Value(name: "x")
        g.inputs = [x]
        let n1 = Node(opType: "Relu", name: "n1", inputs: [x], outputs: ["b"])
        let n2 = Node(opType: "Neg", name: "n2", inputs: [n1.outputs[0]], outputs: ["c"])
        let dead = Node(opType: "Abs", name: "dead", inputs: [x], outputs: ["d"])
        g.append(n1); g.append(n2); g.append(dead)
        g.outputs = [n2.outputs[0]]
        return (g, x, n1, n2, dead)
    }

    @Test func refusesRemovingAProducerStillInUseAndChangesNothing() {
        let (g, x, n1, n2, _) = Self.chain()
        let b = n1.outputs[0]
        #expect(throws: IRError.self) { try g.remove([n1]) }
        #expect(g.nodes.map { $0.name ?? "" } == ["n1", "n2", "dead"])
        #expect(b.producer === n1)
        #expect(n1.graph === g)
        #expect(n1.inputs[0] === x)
        #expect(slots(x) == ["n1:0", "dead:0"])
        #expect(slots(b) == ["n2:0"])
        #expect(n2.inputs[0] === b)
    }

    @Test func refusesRemovingTheProducerOfAGraphOutput() {
        let (g, x, _, n2, _) = Self.chain()
        do {
            try g.remove([n2])
            Issue.record("remove succeeded")
        } catch let e as IRError {
            #expect(String(describing: e).contains("graph output"))
        } catch { Issue.record("unexpected error \(error)") }
        #expect(g.nodes.count == 3)
        #expect(n2.outputs[0].producer === n2)
        #expect(slots(x) == ["n1:0", "dead:0"])
    }

    @Test func removesADeadNodeAndItsUses() throws {
        let (g, x, _, _, dead) = Self.chain()
        try g.remove([dead])
        #expect(g.nodes.map { $0.name ?? "" } == ["n1", "n2"])
        #expect(slots(x) == ["n1:0"])
        #expect(dead.graph == nil)
        #expect(dead.inputs.isEmpty)
        #expect(dead.outputs[0].producer == nil)
    }

    @Test func removesAConnectedSetTogether() throws {
        let (g, x, n1, n2, _) = Self.chain()
        g.outputs = []
        try g.remove([n2, n1])
        #expect(g.nodes.map { $0.name ?? "" } == ["dead"])
        #expect(slots(x) == ["dead:0"])
        #expect(n1.outputs[0].uses.isEmpty)
    }
}

@Suite("Topological sort")
struct TopologicalSortTests {
    func names(_ nodes: [Node]) -> [String] { nodes.map { $0.name ?? "" } }

    @Test func sortedGraphKeepsItsOrder() throws {
        let (g, _, _, _, _) = GraphRemoveTests.chain()
        #expect(names(try g.topologicallySorted()) == ["n1", "n2", "dead"])
    }

    @Test func stableAmongReadyNodes() throws {
        // Appended as: c (reads b), a (x -> b), d (reads x), e (no inputs).
        // Ready at the start: a, d, e (indices 1, 2, 3). The stable order takes a first, which
        // makes c (index 0) ready and earliest: a, c, d, e.
        let g = Graph()
        let x = Value(name: "x")
        g.inputs = [x]
        let a = Node(opType: "Relu", name: "a", inputs: [x], outputs: ["b"])
        let c = Node(opType: "Neg", name: "c", inputs: [a.outputs[0]], outputs: ["cc"])
        let d = Node(opType: "Abs", name: "d", inputs: [x], outputs: ["dd"])
        let e = Node(opType: "Constant", name: "e", outputs: ["ee"])
        for n in [c, a, d, e] { g.append(n) }
        #expect(names(try g.topologicallySorted()) == ["a", "c", "d", "e"])
        // Sorting does not change the node list; sortTopologically does.
        #expect(names(g.nodes) == ["c", "a", "d", "e"])
        try g.sortTopologically()
        #expect(names(g.nodes) == ["a", "c", "d", "e"])
        #expect(names(try g.topologicallySorted()) == ["a", "c", "d", "e"])
    }

    @Test func detectsACycle() {
        let g = Graph()
        let p = Node(opType: "Relu", name: "p", outputs: ["x"])
        let q = Node(opType: "Neg", name: "q", inputs: [p.outputs[0]], outputs: ["y"])
        p.appendInput(q.outputs[0])
        let free = Node(opType: "Constant", name: "free", outputs: ["k"])
        g.append(free); g.append(p); g.append(q)
        do {
            _ = try g.topologicallySorted()
            Issue.record("a cycle was not detected")
        } catch IRError.cycle(let nodes) {
            #expect(nodes.count == 2)
            #expect(nodes.contains { $0.contains("'p'") } && nodes.contains { $0.contains("'q'") })
        } catch { Issue.record("unexpected error \(error)") }
        #expect(throws: IRError.self) { try g.sortTopologically() }
        #expect(names(g.nodes) == ["free", "p", "q"])
    }

    @Test func subgraphReadsOfOuterValuesAreDependencies() throws {
        // main: iff (If whose then-branch reads v), then p (produces v). The If has no direct
        // input v, yet must come after p.
        let g = Graph(name: "main")
        let cond = Value(name: "cond")
        g.inputs = [cond]
        let p = Node(opType: "Relu", name: "p", inputs: [cond], outputs: ["v"])
        let v = p.outputs[0]
        let thenBranch = Graph(name: "then")
        let inner = Node(opType: "Identity", name: "inner", inputs: [v], outputs: ["t"])
        thenBranch.append(inner)
        thenBranch.outputs = [inner.outputs[0]]
        // A nested subgraph two levels down also reading the outer value `w`.
        let q = Node(opType: "Neg", name: "q", inputs: [cond], outputs: ["w"])
        let deep = Graph(name: "deep")
        let deepNode = Node(opType: "Identity", name: "deepNode", inputs: [q.outputs[0]], outputs: ["u"])
        deep.append(deepNode)
        deep.outputs = [deepNode.outputs[0]]
        let elseBranch = Graph(name: "else")
        let nestedIf = Node(opType: "If", name: "nestedIf", inputs: [cond], outputs: ["e"],
                            attributes: [Attribute(name: "then_branch", value: .graph(deep)),
                                         Attribute(name: "else_branch", value: .graph(deep))])
        elseBranch.append(nestedIf)
        elseBranch.outputs = [nestedIf.outputs[0]]
        let iff = Node(opType: "If", name: "iff", inputs: [cond], outputs: ["r"],
                       attributes: [Attribute(name: "then_branch", value: .graph(thenBranch)),
                                    Attribute(name: "else_branch", value: .graph(elseBranch))])
        g.append(iff); g.append(q); g.append(p)
        #expect(thenBranch.parent === g)
        #expect(thenBranch.outerScopeReads.map(\.name) == ["v"])
        #expect(elseBranch.outerScopeReads.map(\.name) == ["cond", "w"])
        #expect(Set(iff.allReadValues.map(\.name)) == ["cond", "v", "w"])
        #expect(slots(v) == ["inner:0"])
        #expect(names(try g.topologicallySorted()) == ["q", "p", "iff"])
        #expect(g.allGraphs.map { $0.name ?? "" } == ["main", "then", "else", "deep", "deep"])
    }
}
