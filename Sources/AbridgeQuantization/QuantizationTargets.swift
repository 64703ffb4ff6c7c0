import AbridgeIR
import AbridgeRuntime

/// Which nodes and tensors are quantized: a pure decision over the graph, no edits.
///
/// A node is quantized when its op type is selected, it is in the default domain, it is not
/// excluded, and its weight input (if any) is a float initializer of a supported rank. Its float
/// activation inputs are quantized; walking back from each through data-movement ops
/// (Reshape, Transpose, MaxPool, ...) quantizes their inputs too with shared parameters, so a
/// runtime can execute the chain in integers. Everything else stays float.
struct QuantizationTargets {
    /// A quantized compute node and the role of each input.
    struct ComputeNode {
        let node: Node
        let graph: Graph
        /// Input indices read as activations.
        var activationInputs: [Int]
        /// The weight input and the channel axis of its per-channel parameters.
        var weight: (index: Int, axis: Int)?
        /// The bias input (Conv, ConvTranspose, Gemm) and the weight channels per group for
        /// ConvTranspose bias scales.
        var bias: Int?
    }

    var nodes: [ComputeNode] = []
    /// Activation tensors to quantize, each mapped to the root tensor whose statistics it uses.
    var activationRoot: [ObjectIdentifier: Value] = [:]
    /// Activation values in a deterministic order.
    var activations: [Value] = []
    var kept: [QuantizationPlan.KeptInFloat] = []

    /// Initializers a feed may override (IR >= 4: also listed as graph inputs). They are not
    /// constants, so they stay in float (an integer copy would ignore the feed).
    let overridable: Set<ObjectIdentifier>
    /// `--exclude-nodes` patterns that name no node of the model.
    var unmatchedExclusions: [String] = []

    static let overridableReason = "initializer is also a graph input (a feed may override it)"

    init(model: Model, options: QuantizationOptions) throws {
        let exclusion = try NodeExclusion(options.excludeNodes)
        overridable = model.overridableInitializers
        unmatchedExclusions = exclusion.unmatched(in: model)
        guard let main = model.graph else { return }
        for graph in main.allGraphs {
            for node in graph.nodes where node.normalizedDomain.isEmpty && node.opType == "Gather" && options.quantizeEmbeddings {
                guard let table = node.inputs.first ?? nil, let t = isFloatWeight(table), t.dims.count == 2,
                      (node.attribute("axis")?.int ?? 0) == 0 else { continue }
                let label = node.name ?? node.label
                if exclusion.excludes(node) { kept.append(.init(node: label, tensor: nil, reason: "excluded by --exclude-nodes")); continue }
                if overridable.contains(ObjectIdentifier(table)) {
                    kept.append(.init(node: label, tensor: table.name, reason: Self.overridableReason)); continue
                }
                nodes.append(ComputeNode(node: node, graph: graph, activationInputs: [], weight: (0, 0), bias: nil))
            }
            for node in graph.nodes where node.normalizedDomain.isEmpty && options.opTypes.contains(node.opType) {
                if exclusion.excludes(node) { kept.append(.init(node: node.name ?? node.label, tensor: nil, reason: "excluded by --exclude-nodes")); continue }
                if let c = try classify(node, graph: graph) { nodes.append(c) }
            }
        }
        for c in nodes {
            for i in c.activationInputs { if let v = c.node.inputs[i] { addActivation(v, root: nil) } }
        }
    }

    /// The weight's shape-and-type carrier when `v` is a constant float tensor: an initializer,
    /// dense or sparse (a pruned model's weights; densified when quantized), or the output of a
    /// Constant / ConstantOfShape node (old exporters; materialized when quantized).
    private func isFloatWeight(_ v: Value?) -> Tensor? {
        guard let v, let shape = ConstantWeights.floatShape(of: v) else { return nil }
        return Tensor(name: v.name, dataType: .float, dims: shape.map(Int64.init), content: .none)
    }

    private mutating func classify(_ node: Node, graph: Graph) throws -> ComputeNode? {
        let label = node.name ?? node.label
        func keep(_ reason: String) -> ComputeNode? { kept.append(.init(node: label, tensor: nil, reason: reason)); return nil }
        // A weight or bias a feed may override stays float, and so does its node.
        if ["Conv", "ConvTranspose", "Gemm", "MatMul"].contains(node.opType),
           let v = node.inputs.dropFirst().first(where: { $0.map { overridable.contains(ObjectIdentifier($0)) } ?? false }) ?? nil {
            kept.append(.init(node: label, tensor: v.name, reason: Self.overridableReason))
            return nil
        }
        switch node.opType {
        case _ where node.inputs.dropFirst().first??.initializer.map({ [.float16, .bfloat16].contains($0.elementType) }) == true:
            throw QuantizationError.unsupported("\(label): its weight is \(node.inputs[1]?.initializer?.elementType.name ?? "?"); bfloat16 models are not quantized yet (convert the model to float32 first)")
        case "Conv", "ConvTranspose":
            guard node.inputs.count >= 2, let w = isFloatWeight(node.inputs[1]) else { return keep("weight is not a float initializer") }
            guard w.dims.count >= 3 else { return keep("weight rank \(w.dims.count) is unsupported") }
            let bias = node.inputs.count >= 3 && isFloatWeight(node.inputs[2]) != nil ? 2 : nil
            return ComputeNode(node: node, graph: graph, activationInputs: [0], weight: (1, node.opType == "Conv" ? 0 : 1), bias: bias)
        case "Gemm":
            guard node.inputs.count >= 2 else { return nil }
            if (node.attribute("transA")?.int ?? 0) != 0 { return keep("transA = 1 is kept in float") }
            if let w = isFloatWeight(node.inputs[1]) {
                guard w.dims.count == 2 else { return keep("Gemm weight is not 2-D") }
                let transB = (node.attribute("transB")?.int ?? 0) != 0
                var bias: Int? = nil
                if node.inputs.count >= 3, let c = isFloatWeight(node.inputs[2]), c.dims.count == 1,
                   c.dims[0] == (transB ? w.dims[0] : w.dims[1]), (node.attribute("beta")?.float ?? 1) == 1,
                   (node.attribute("alpha")?.float ?? 1) == 1 { bias = 2 }
                return ComputeNode(node: node, graph: graph, activationInputs: [0], weight: (1, transB ? 0 : 1), bias: bias)
            }
            return ComputeNode(node: node, graph: graph, activationInputs: [0, 1], weight: nil, bias: nil)
        case "MatMul":
            guard node.inputs.count == 2 else { return nil }
            if let w = isFloatWeight(node.inputs[1]) {
                guard w.dims.count == 2 else { return keep("MatMul weight of rank \(w.dims.count) is kept in float (per-channel axis undefined)") }
                return ComputeNode(node: node, graph: graph, activationInputs: [0], weight: (1, 1), bias: nil)
            }
            if isFloatWeight(node.inputs[0]) != nil { return keep("MatMul with a constant first input is kept in float") }
            return ComputeNode(node: node, graph: graph, activationInputs: [0, 1], weight: nil, bias: nil)
        default:
            return nil
        }
    }

    /// Adds `v` (with statistics from `root`, or its own), then walks back through a
    /// data-movement producer with a single float activation input.
    private mutating func addActivation(_ v: Value, root: Value?) {
        let key = ObjectIdentifier(v)
        if activationRoot[key] != nil { return }
        guard !v.isInitializer else { return }
        if let p = v.producer, p.normalizedDomain.isEmpty, QuantizationOptions.dataMovementOpTypes.contains(p.opType),
           p.opType != "Concat", p.opType != "Split", p.outputs.count == 1,
           let input = p.inputs.first ?? nil, !input.isInitializer, input.uses.count == 1 {
            addActivation(input, root: nil)
            if let r = activationRoot[ObjectIdentifier(input)] {
                activationRoot[key] = r
                activations.append(v)
                return
            }
        }
        activationRoot[key] = root ?? v
        activations.append(v)
    }

    /// The distinct root tensors whose statistics calibration must collect.
    var roots: [Value] {
        var seen = Set<ObjectIdentifier>()
        var out: [Value] = []
        for v in activations {
            guard let r = activationRoot[ObjectIdentifier(v)] else { continue }
            if seen.insert(ObjectIdentifier(r)).inserted { out.append(r) }
        }
        return out
    }
}
