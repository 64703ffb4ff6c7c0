/// An ONNX model (`ModelProto`): a main graph plus versioning, functions and metadata.
public final class Model {
    public var irVersion: Int64?
    /// `opset_import`, in order.
    public var opsetImports: [OperatorSetId]
    public var producerName: String?
    public var producerVersion: String?
    public var domain: String?
    public var modelVersion: Int64?
    public var docString: String?
    public var graph: Graph?
    public var metadataProps: [StringStringEntry] = []
    public var trainingInfo: [TrainingInfo] = []
    /// Model-local functions, in order.
    public var functions: [Function] = []
    /// `configuration` (multi-device), kept as serialized messages.
    public var configurations: [OpaqueMessage] = []
    public var unknownFields: [UnknownField] = []

    public init(irVersion: Int64?, opsetImports: [OperatorSetId], graph: Graph?) {
        self.irVersion = irVersion; self.opsetImports = opsetImports; self.graph = graph
    }

    /// The opset version imported for `domain` ("" and "ai.onnx" are the same domain).
    public func opsetVersion(for domain: String) -> Int64? {
        let d = (domain == "ai.onnx") ? "" : domain
        return opsetImports.first { (($0.domain ?? "") == "ai.onnx" ? "" : ($0.domain ?? "")) == d }?.version
    }

    /// Every graph of the model: the main graph, its subgraphs, function bodies and their
    /// subgraphs, and training graphs.
    public var allGraphs: [Graph] {
        var out = graph?.allGraphs ?? []
        for f in functions { out += f.graph.allGraphs }
        for t in trainingInfo { out += (t.initialization?.allGraphs ?? []) + (t.algorithm?.allGraphs ?? []) }
        return out
    }
}

/// `OperatorSetIdProto`: a domain and its opset version.
public struct OperatorSetId: Hashable, Sendable {
    public var domain: String?
    public var version: Int64?
    public var unknownFields: [UnknownField] = []
    public init(domain: String?, version: Int64?) { self.domain = domain; self.version = version }
}

/// `TrainingInfoProto`.
public final class TrainingInfo {
    public var initialization: Graph?
    public var algorithm: Graph?
    public var initializationBinding: [StringStringEntry] = []
    public var updateBinding: [StringStringEntry] = []
    public var unknownFields: [UnknownField] = []
    public init() {}
}

/// A model-local function (`FunctionProto`). Its body is a `Graph` whose inputs and outputs are
/// the formal parameters (values without types).
public final class Function {
    public var name: String?
    public var domain: String?
    public var overload: String?
    /// The body: nodes, formal inputs/outputs, and `value_info`.
    public var graph: Graph
    /// Names of attributes without defaults (`attribute`).
    public var attributeNames: [String] = []
    /// Attributes with default values (`attribute_proto`).
    public var attributeDefaults: [Attribute] = []
    public var opsetImports: [OperatorSetId] = []
    public var docString: String?
    public var metadataProps: [StringStringEntry] = []
    public var unknownFields: [UnknownField] = []
    public init(name: String?, domain: String?, graph: Graph) { self.name = name; self.domain = domain; self.graph = graph }
}

extension Model {
    /// Initializers a feed may override: from IR version 4 on, an initializer that is also
    /// listed as a graph input is a default value, not a constant (IR.md, "Graphs"; before IR 4
    /// every initializer is listed as an input and they are constants). Passes and quantizers
    /// must not rewrite these.
    public var overridableInitializers: Set<ObjectIdentifier> {
        guard (irVersion ?? 4) >= 4 else { return [] }
        var out = Set<ObjectIdentifier>()
        for g in allGraphs { for v in g.inputs where v.isInitializer { out.insert(ObjectIdentifier(v)) } }
        return out
    }
}
