/// A named value of a graph: a graph input, an initializer, or a node output. Connections are
/// object references: a value knows the node producing it and every use of it.
///
/// Ownership rules: a node owns its output values; graph inputs and initializers have no
/// producer; graph outputs refer to existing values. Use lists are maintained by `Node`'s input
/// editing methods; never edit `uses` directly.
public final class Value {
    /// The name; unique within a graph and its subgraphs in a valid model. Empty for an omitted
    /// optional output.
    public var name: String
    /// Declared or inferred type (from `input`/`output`/`value_info`), if any.
    public var type: TypeInfo?
    /// `doc_string` of the value's `ValueInfoProto`.
    public var docString: String?
    /// `metadata_props` of the value's `ValueInfoProto`.
    public var metadataProps: [StringStringEntry] = []
    /// Unknown fields of the value's `ValueInfoProto`.
    public var valueInfoUnknownFields: [UnknownField] = []
    /// The node producing this value (nil for graph inputs, initializers and outer-scope values).
    public internal(set) weak var producer: Node?
    /// The output index within `producer`.
    public internal(set) var outputIndex: Int = 0
    /// Every input slot that reads this value, in the order uses were added.
    public internal(set) var uses: [Use] = []
    /// The initializer tensor when this value is a graph initializer (dense).
    public var initializer: Tensor?
    /// The sparse initializer when this value is a `sparse_initializer`.
    public var sparseInitializer: SparseTensor?

    public init(name: String, type: TypeInfo? = nil) { self.name = name; self.type = type }

    /// True when the value is a dense or sparse initializer.
    public var isInitializer: Bool { initializer != nil || sparseInitializer != nil }

    /// The nodes reading this value (a node appears once per input slot it reads from).
    public var consumers: [Node] { uses.compactMap { $0.node } }

    /// Points every use of this value at `other` instead.
    public func replaceAllUses(with other: Value) {
        guard other !== self else { return }
        for use in uses {
            guard let node = use.node else { continue }
            node.setInput(use.inputIndex, other)
        }
    }

    func removeUse(node: Node, index: Int) {
        if let i = uses.firstIndex(where: { $0.node === node && $0.inputIndex == index }) { uses.remove(at: i) }
    }
}

/// One input slot that reads a value.
public struct Use {
    /// The consuming node.
    public weak var node: Node?
    /// The input index within the node.
    public var inputIndex: Int
}
