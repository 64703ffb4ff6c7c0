import AbridgeIR
import AbridgeRuntime

/// Infers the element type and shape of node outputs (`infer-shapes`), following the type and
/// shape inference functions of the ONNX operator specifications (what `onnx.shape_inference`
/// computes, plus the small-integer data propagation of its `data_prop` mode: `Shape` →
/// `Gather`/`Slice`/`Concat`/`Unsqueeze` → `Reshape`).
///
/// The main graph and the subgraphs of its nodes (If branches, Loop/Scan bodies) are walked in
/// topological order. An output with no type gets the inferred one, and intermediate values are
/// listed in the graph's `value_info` so that other tools see them. Where a type is already
/// declared (value_info, graph output) it is checked: a different element type, rank or static
/// dimension throws `PassError.invalidModel` naming the node and the value. Declared unknown or
/// symbolic dimensions of intermediate values are filled in when inference knows them; graph
/// input and output declarations are never changed (an output without any type gets one).
///
/// Symbolic dimensions (`dim_param`) pass through ops that keep them (element-wise ops,
/// broadcasting against 1, batch axes of MatMul and Conv, Reshape's 0 and cancelling -1...).
/// Where a rule cannot decide a dimension it is left unknown; where it cannot decide the rank the
/// shape is left out; ops without a rule (other domains, Loop/Scan outputs, sequence ops...)
/// leave their outputs untyped.
///
/// Not covered: model-local function bodies (their formal parameters have no types) and calls
/// of functions, training graphs, non-tensor types (sequences, maps, optionals), the optional
/// statistics outputs of the normalization ops, and Pool `ceil_mode` windows that would start
/// in the end padding (onnx.shape_inference counts them; the operator text, onnxruntime and our
/// runtime drop them; that dimension is left unknown).
public struct InferShapesPass: GraphPass {
    public let name = "infer-shapes"
    public init() {}

    public func run(on model: Model) throws -> Bool {
        guard let graph = model.graph, let opset = model.opsetVersion(for: "") else { return false }
        // Before IR version 4 every initializer is listed as an input; runtimes treat them as
        // constants (onnxruntime: only from IR 4 on can a feed override an initializer).
        let inputsOverride = (model.irVersion ?? 4) >= 4
        let inferer = ShapeInferer(graph: graph, opset: opset, inputsOverride: inputsOverride, parent: nil)
        try inferer.run()
        return inferer.changed
    }
}

/// A tensor type during inference: element type and dims (nil: rank unknown).
struct InferredTensor: Equatable {
    var elementType: DataType?
    var dims: [Dim]?

    init(_ elementType: DataType?, _ dims: [Dim]?) { self.elementType = elementType; self.dims = dims }

    var rank: Int? { dims?.count }

    var description: String {
        let t = elementType?.shortName ?? "?"
        guard let dims else { return "\(t) (rank unknown)" }
        return "\(t) [" + dims.map { Dimension($0).description }.joined(separator: ", ") + "]"
    }
}

/// One dimension: a static size, a symbol, or nil (unknown).
typealias Dim = Dimension.Value?

/// A contradiction between known types or shapes found by a rule.
struct ShapeConflict: Error { let message: String }

/// Inference state of one graph; subgraphs get a child whose lookups fall back to the parent.
final class ShapeInferer {
    let graph: Graph
    let opset: Int64
    let parent: ShapeInferer?
    /// Types used for propagation (declared merged with inferred), by value.
    private var types: [ObjectIdentifier: InferredTensor] = [:]
    /// Known contents of small integer tensors (rank 0 or 1), possibly symbolic, by value.
    private var intValues: [ObjectIdentifier: [Dim]] = [:]
    private let overridable: Set<ObjectIdentifier>
    private var listed: Set<ObjectIdentifier>
    private let graphOutputs: Set<ObjectIdentifier>
    private let localDefinitions: Set<ObjectIdentifier>
    private var changedHere = false

    let inputsOverride: Bool

    init(graph: Graph, opset: Int64, inputsOverride: Bool, parent: ShapeInferer?) {
        self.graph = graph; self.opset = opset; self.parent = parent; self.inputsOverride = inputsOverride
        overridable = inputsOverride ? Set(graph.inputs.map(ObjectIdentifier.init)) : []
        listed = Set(graph.valueInfo.map(ObjectIdentifier.init))
        graphOutputs = Set(graph.outputs.map(ObjectIdentifier.init))
        localDefinitions = Set((graph.inputs + graph.initializers + graph.sparseInitializers).map(ObjectIdentifier.init))
    }

    private var children: [ShapeInferer] = []
    var changed: Bool { changedHere || children.contains { $0.changed } }

    func run() throws {
        for node in try graph.topologicallySorted() {
            for g in node.subgraphs {
                let child = ShapeInferer(graph: g, opset: opset, inputsOverride: inputsOverride, parent: self)
                children.append(child)
                try child.run()
            }
            try infer(node)
        }
    }

    /// The type of `v` as the inference of subgraph `g` (a graph of a node of this graph) sees it.
    func typeInChild(_ v: Value, of g: Graph) -> InferredTensor? {
        children.first { $0.graph === g }?.type(of: v)
    }

    // MARK: lookups

    /// The type of `v` for propagation: inferred or declared, or that of its initializer.
    func type(of v: Value) -> InferredTensor? {
        let id = ObjectIdentifier(v)
        if let t = types[id] { return t }
        if let p = parent, !definesLocally(v) { return p.type(of: v) }
        if let t = v.initializer, !inputsOverride { return InferredTensor(t.dataType, t.dims.map { .value($0) }) }
        if let declared = Self.tensorType(v.type) { return declared }
        if let t = v.initializer { return InferredTensor(t.dataType, t.dims.map { .value($0) }) }
        if let s = v.sparseInitializer { return InferredTensor(s.values?.dataType, s.dims.map { .value($0) }) }
        return nil
    }

    private func definesLocally(_ v: Value) -> Bool {
        if let p = v.producer { return p.graph === graph }
        return localDefinitions.contains(ObjectIdentifier(v))
    }

    /// The contents of a small integer tensor: a constant (initializer that no feed can
    /// override, or `Constant` output) or a propagated shape value.
    func ints(of v: Value) -> [Dim]? {
        let id = ObjectIdentifier(v)
        if let known = intValues[id] { return known }
        if let p = parent, !definesLocally(v) { return p.ints(of: v) }
        guard let t = constantTensor(v), t.elementType.isInteger, (t.elementCount ?? Int.max) <= 4096,
              let r = try? TensorConversion.runtimeTensor(from: t), let values = try? r.int64Values() else { return nil }
        return values.map { .value($0) }
    }

    /// Known integers only (attributes of shape-changing ops given as inputs).
    func staticInts(of v: Value) -> [Int64]? {
        guard let dims = ints(of: v) else { return nil }
        var out: [Int64] = []
        for d in dims { guard case .value(let x)? = d else { return nil }; out.append(x) }
        return out
    }

    /// Float contents of a small constant tensor (Resize scales).
    func floats(of v: Value) -> [Float]? {
        guard let t = constantTensor(v), t.elementType.isFloatingPoint, (t.elementCount ?? Int.max) <= 4096,
              let r = try? TensorConversion.runtimeTensor(from: t), let values = try? r.floatValues() else { return nil }
        return values
    }

    /// The tensor `v` always holds, if it is a constant.
    func constantTensor(_ v: Value) -> Tensor? {
        if let t = v.initializer {
            // An initializer that is also a graph input is only a default.
            var scope: ShapeInferer? = self
            while let cur = scope {
                if cur.overridable.contains(ObjectIdentifier(v)) { return nil }
                scope = cur.parent
            }
            return t
        }
        if let p = v.producer, p.opType == "Constant", p.normalizedDomain.isEmpty, v.outputIndex == 0 {
            return p.attribute("value")?.tensor
        }
        return nil
    }

    static func tensorType(_ t: TypeInfo?) -> InferredTensor? {
        guard case .tensor(let tt)? = t?.kind else { return nil }
        let elem = (tt.elementType == nil || tt.elementType == .undefined) ? nil : tt.elementType
        return InferredTensor(elem, tt.shape.map { $0.dims.map(\.value) })
    }

    // MARK: recording

    private func infer(_ node: Node) throws {
        let context = RuleContext(node: node, inferer: self)
        let results: [InferredTensor?]
        do {
            results = try ShapeRules.infer(context)
        } catch let e as ShapeConflict {
            throw PassError.invalidModel("\(Self.describe(node)): \(e.message)")
        }
        for (i, out) in node.outputs.enumerated() where !out.name.isEmpty {
            if let vals = context.producedInts[i] { intValues[ObjectIdentifier(out)] = vals }
            guard i < results.count, let inferred = results[i], inferred.elementType != nil || inferred.dims != nil else { continue }
            try record(inferred, for: out, node: node)
        }
    }

    static func describe(_ node: Node) -> String {
        let name = node.name.flatMap { $0.isEmpty ? nil : $0 }
        if let name { return "node '\(name)' (\(node.opType))" }
        return "node \(node.opType) (unnamed, output '\(node.outputs.first?.name ?? "")')"
    }

    private func record(_ inferred: InferredTensor, for v: Value, node: Node) throws {
        let id = ObjectIdentifier(v)
        let isOutput = graphOutputs.contains(id)
        guard let declaredInfo = v.type, declaredInfo.kind != nil else {
            types[id] = inferred
            var t = v.type ?? TypeInfo(kind: nil)
            t.kind = .tensor(TensorTypeInfo(elementType: inferred.elementType, shape: inferred.dims.map { Shape(dims: $0.map { Dimension($0) }) }))
            v.type = t
            changedHere = true
            if !isOutput && !listed.contains(id) { graph.valueInfo.append(v); listed.insert(id) }
            return
        }
        guard case .tensor(let tt)? = declaredInfo.kind else {
            throw PassError.invalidModel("\(Self.describe(node)): inferred \(inferred.description) for '\(v.name)' but the model declares a non-tensor type")
        }
        func conflict() -> PassError {
            let declared = Self.tensorType(declaredInfo) ?? InferredTensor(nil, nil)
            return PassError.invalidModel("\(Self.describe(node)): inferred \(inferred.description) for '\(v.name)' but the model declares \(declared.description)")
        }
        var merged = tt
        if let e = inferred.elementType {
            if let d = tt.elementType, d != .undefined {
                if d != e { throw conflict() }
            } else {
                merged.elementType = e
            }
        }
        if let dims = inferred.dims {
            if var shape = tt.shape {
                guard shape.dims.count == dims.count else { throw conflict() }
                for (k, d) in dims.enumerated() {
                    switch (shape.dims[k].value, d) {
                    case (.value(let a)?, .value(let b)?): if a != b { throw conflict() }
                    case (.param?, .value?), (nil, .value?), (nil, .param?): shape.dims[k].value = d
                    default: break
                    }
                }
                merged.shape = shape
            } else {
                merged.shape = Shape(dims: dims.map { Dimension($0) })
            }
        }
        let mergedType = InferredTensor(merged.elementType == .undefined ? nil : merged.elementType, merged.shape.map { $0.dims.map(\.value) })
        types[id] = mergedType
        if !isOutput && merged != tt {
            v.type?.kind = .tensor(merged)
            changedHere = true
            if !listed.contains(id) { graph.valueInfo.append(v); listed.insert(id) }
        }
    }
}

/// What a rule sees: the node, its input types and constants, the opset.
final class RuleContext {
    let node: Node
    let inferer: ShapeInferer
    /// Contents of small integer outputs the rule computed (data propagation), by output index.
    var producedInts: [Int: [Dim]] = [:]

    init(node: Node, inferer: ShapeInferer) { self.node = node; self.inferer = inferer }

    var opset: Int64 { inferer.opset }
    var inputCount: Int { node.inputs.count }

    func value(_ i: Int) -> Value? { i < node.inputs.count ? node.inputs[i] : nil }
    func type(_ i: Int) -> InferredTensor? { value(i).flatMap { inferer.type(of: $0) } }
    func dims(_ i: Int) -> [Dim]? { type(i)?.dims }
    func elem(_ i: Int) -> DataType? { type(i)?.elementType }
    func ints(_ i: Int) -> [Dim]? { value(i).flatMap { inferer.ints(of: $0) } }
    func staticInts(_ i: Int) -> [Int64]? { value(i).flatMap { inferer.staticInts(of: $0) } }
    func floats(_ i: Int) -> [Float]? { value(i).flatMap { inferer.floats(of: $0) } }
    func present(_ i: Int) -> Bool { value(i) != nil }

    func int(_ name: String) -> Int64? { node.attribute(name)?.int }
    func int(_ name: String, default d: Int64) -> Int64 { node.attribute(name)?.int ?? d }
    func intList(_ name: String) -> [Int64]? { node.attribute(name)?.ints }
    func string(_ name: String) -> String? { node.attribute(name)?.string }
}
