/// A computation graph (`GraphProto`): nodes in order, inputs, outputs, initializers.
///
/// A subgraph (If branch, Loop/Scan body) has `parent` set to the graph of the node holding it
/// and may read values of enclosing graphs.
public final class Graph {
    public var name: String?
    public var docString: String?
    /// Nodes in their current order. `topologicallySorted()` or `sortTopologically()` give an order
    /// in which every node follows its producers.
    public private(set) var nodes: [Node] = []
    /// Graph inputs (`input`), in order. May include initializers (IR version < 4 style).
    public var inputs: [Value] = []
    /// Graph outputs (`output`), in order.
    public var outputs: [Value] = []
    /// Dense initializers in order; each value's `initializer` holds its tensor.
    public var initializers: [Value] = []
    /// Sparse initializers in order; each value's `sparseInitializer` holds its tensor.
    public var sparseInitializers: [Value] = []
    /// Values listed in `value_info` (intermediate type annotations), in order.
    public var valueInfo: [Value] = []
    /// `quantization_annotation` entries.
    public var quantizationAnnotations: [TensorAnnotation] = []
    public var metadataProps: [StringStringEntry] = []
    public var unknownFields: [UnknownField] = []
    /// The graph enclosing this subgraph.
    public internal(set) weak var parent: Graph?

    public init(name: String? = nil) { self.name = name }

    /// Appends a node (it must not be in another graph); its subgraphs get this graph as parent.
    public func append(_ node: Node) {
        precondition(node.graph == nil, "node is already in a graph")
        node.graph = self
        nodes.append(node)
        for g in node.subgraphs { g.parent = self }
    }

    /// Inserts a node at `index` in the node list.
    public func insert(_ node: Node, at index: Int) {
        precondition(node.graph == nil, "node is already in a graph")
        node.graph = self
        nodes.insert(node, at: index)
        for g in node.subgraphs { g.parent = self }
    }

    /// Inserts `node` just before `other`.
    public func insert(_ node: Node, before other: Node) {
        insert(node, at: nodes.firstIndex { $0 === other } ?? nodes.count)
    }

    /// Inserts `node` just after `other`.
    public func insert(_ node: Node, after other: Node) {
        insert(node, at: (nodes.firstIndex { $0 === other }).map { $0 + 1 } ?? nodes.count)
    }

    /// Removes nodes from the graph, and their outputs from `valueInfo`. Fails, changing nothing,
    /// when an output of a removed node still has a use outside the removed set or is a graph
    /// output.
    /// - Throws: `IRError.invalidEdit` naming the node and the value still in use.
    public func remove(_ removed: [Node]) throws {
        let set = Set(removed.map(ObjectIdentifier.init))
        let outputSet = Set(outputs.map(ObjectIdentifier.init))
        for node in removed {
            precondition(node.graph === self, "node is not in this graph")
            for out in node.outputs {
                if outputSet.contains(ObjectIdentifier(out)) {
                    throw IRError.invalidEdit("\(node.label): output '\(out.name)' is a graph output")
                }
                for use in out.uses {
                    if let user = use.node, !set.contains(ObjectIdentifier(user)) {
                        throw IRError.invalidEdit("\(node.label): output '\(out.name)' is still used by \(user.label)")
                    }
                }
            }
        }
        var removedOutputs = Set<ObjectIdentifier>()
        for node in removed {
            for o in node.outputs { removedOutputs.insert(ObjectIdentifier(o)) }
            node.removeAllInputs()
            node.releaseOutputs()
            node.graph = nil
        }
        nodes.removeAll { set.contains(ObjectIdentifier($0)) }
        if !valueInfo.isEmpty { valueInfo.removeAll { removedOutputs.contains(ObjectIdentifier($0)) } }
    }

    /// Reorders the node list (the same nodes in a new order).
    /// - Precondition: `order` is a permutation of `nodes`.
    public func reorder(_ order: [Node]) {
        precondition(order.count == nodes.count, "reorder must keep every node")
        nodes = order
    }

    /// This graph and every subgraph below it, depth first.
    public var allGraphs: [Graph] {
        var out: [Graph] = [self]
        for n in nodes { for g in n.subgraphs { out += g.allGraphs } }
        return out
    }
}

/// A `TensorAnnotation`: quantization parameter tensor names for one tensor.
public struct TensorAnnotation {
    public var tensorName: String?
    public var quantParameterTensorNames: [StringStringEntry]
    public var unknownFields: [UnknownField] = []
    public init(tensorName: String?, quantParameterTensorNames: [StringStringEntry]) {
        self.tensorName = tensorName; self.quantParameterTensorNames = quantParameterTensorNames
    }
}

extension Graph {
    /// Moves `node`'s outputs to `replacement` (which must have no outputs yet) and removes
    /// `node`: every reader of the old outputs, graph outputs included, now reads the same values
    /// produced by `replacement`, names unchanged.
    /// - Throws: `IRError.invalidEdit` when `replacement` already has outputs or a node is not in
    ///   this graph.
    public func replaceOutput(of node: Node, with replacement: Node) throws {
        guard node.graph === self, replacement.graph === self else { throw IRError.invalidEdit("\(node.label): not in this graph") }
        guard replacement.outputs.isEmpty else { throw IRError.invalidEdit("\(replacement.label) already has outputs") }
        let outs = node.outputs
        node.releaseOutputs()
        node.clearOutputs()
        for o in outs { replacement.appendOutput(o) }
        node.removeAllInputs()
        node.graph = nil
        nodes.removeAll { $0 === node }
    }
}
