/// An operator invocation (`NodeProto`).
///
/// A node is in at most one graph and owns its output values. Inputs are edited through
/// `setInput`/`appendInput`/`removeAllInputs` so that use lists stay right.
public final class Node {
    public var name: String?
    public var opType: String
    /// Operator domain; nil or "" mean the default ONNX domain `ai.onnx`.
    public var domain: String?
    /// `overload` of a model-local function call.
    public var overload: String?
    public var attributes: [Attribute]
    public var docString: String?
    public var metadataProps: [StringStringEntry] = []
    /// `device_configurations`, kept as serialized messages.
    public var deviceConfigurations: [OpaqueMessage] = []
    public var unknownFields: [UnknownField] = []
    /// The graph that holds this node (nil when detached).
    public internal(set) weak var graph: Graph?

    /// Inputs in order; nil marks an omitted optional input (written as "").
    public private(set) var inputs: [Value?] = []
    /// Outputs in order, owned by this node.
    public private(set) var outputs: [Value] = []

    /// Creates a node reading `inputs` and producing new values named `outputs`.
    public init(opType: String, domain: String? = nil, name: String? = nil, inputs: [Value?] = [],
                outputs: [String] = [], attributes: [Attribute] = []) {
        self.opType = opType; self.domain = domain; self.name = name; self.attributes = attributes
        for v in inputs { appendInput(v) }
        for o in outputs { appendOutput(Value(name: o)) }
    }

    /// The normalized domain: "" for `ai.onnx`.
    public var normalizedDomain: String {
        let d = domain ?? ""
        return d == "ai.onnx" ? "" : d
    }

    /// A label for messages: `Conv 'conv1'` or `Conv #12`.
    public var label: String {
        if let name, !name.isEmpty { return "\(opType) '\(name)'" }
        return "\(opType) (unnamed, output '\(outputs.first?.name ?? "")')"
    }

    /// Looks an attribute up by name.
    public func attribute(_ name: String) -> Attribute? { attributes.first { $0.name == name } }

    /// The subgraphs held by this node's attributes (If branches, Loop/Scan bodies).
    public var subgraphs: [Graph] { attributes.flatMap { $0.value.subgraphs } }

    /// Replaces input `index` with `value`, maintaining use lists.
    public func setInput(_ index: Int, _ value: Value?) {
        precondition(index >= 0 && index < inputs.count, "input index out of range")
        inputs[index]?.removeUse(node: self, index: index)
        inputs[index] = value
        value?.uses.append(Use(node: self, inputIndex: index))
    }

    /// Appends an input, maintaining use lists.
    public func appendInput(_ value: Value?) {
        inputs.append(value)
        value?.uses.append(Use(node: self, inputIndex: inputs.count - 1))
    }

    /// Removes every input (and this node's uses of them).
    public func removeAllInputs() {
        for (i, v) in inputs.enumerated() { v?.removeUse(node: self, index: i) }
        inputs.removeAll()
    }

    /// Removes trailing inputs beyond `count`.
    public func truncateInputs(to count: Int) {
        while inputs.count > count {
            let i = inputs.count - 1
            inputs[i]?.removeUse(node: self, index: i)
            inputs.removeLast()
        }
    }

    /// Appends `value` as a new output of this node.
    /// - Precondition: `value` has no producer.
    public func appendOutput(_ value: Value) {
        precondition(value.producer == nil, "value already has a producer")
        value.producer = self
        value.outputIndex = outputs.count
        outputs.append(value)
    }

    /// Forgets the output list (after `releaseOutputs`).
    func clearOutputs() { outputs.removeAll() }

    /// Detaches all outputs from this node (they keep their uses).
    func releaseOutputs() {
        for o in outputs where o.producer === self { o.producer = nil }
    }
}
