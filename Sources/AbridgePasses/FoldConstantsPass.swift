import AbridgeIR
import AbridgeKernels
import AbridgeRuntime

/// Replaces a node whose inputs are all constants with initializers holding its outputs,
/// computed by Abridge's runtime: `Shape`-free arithmetic on weights, `Constant` nodes,
/// reshapes of initializers and the like.
///
/// Skipped (left as they are): nodes with subgraphs, random and non-deterministic ops, nodes of
/// other domains, initializers that are also graph inputs (a feed may override them), and
/// results larger than 1 Mi elements or more than four times their inputs' bytes (so that
/// `ConstantOfShape` weights of old models are not materialized when nothing needs them).
public struct FoldConstantsPass: GraphPass {
    public let name = "fold-constants"
    public init() {}

    static let nondeterministic: Set<String> = ["RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike",
                                                "Multinomial", "Bernoulli", "Dropout"]

    public func run(on model: Model) throws -> Bool {
        guard let graph = model.graph else { return false }
        let registry = OperatorRegistry.standard()
        let graphInputs = Set(graph.inputs.map(ObjectIdentifier.init))
        var changed = false
        for node in try graph.topologicallySorted() {
            guard node.normalizedDomain.isEmpty, node.subgraphs.isEmpty, !Self.nondeterministic.contains(node.opType),
                  !node.outputs.isEmpty, !node.outputs.contains(where: { o in graph.outputs.contains { $0 === o } }) else { continue }
            var inputBytes = 0
            var constant = true
            for v in node.inputs {
                guard let v else { continue }
                guard let t = v.initializer, !graphInputs.contains(ObjectIdentifier(v)), v.producer == nil else { constant = false; break }
                inputBytes += t.storedByteCount
            }
            guard constant else { continue }
            // Evaluate the node alone.
            let g = Graph(name: "fold")
            let copy = Node(opType: node.opType, domain: node.domain, name: node.name)
            copy.attributes = node.attributes
            for v in node.inputs {
                guard let v else { copy.appendInput(nil); continue }
                let c = Value(name: v.name)
                c.initializer = v.initializer
                g.initializers.append(c)
                copy.appendInput(c)
            }
            for o in node.outputs { copy.appendOutput(Value(name: o.name)) }
            g.append(copy)
            g.outputs = copy.outputs.filter { !$0.name.isEmpty }
            let m = Model(irVersion: model.irVersion, opsetImports: model.opsetImports, graph: g)
            // Results over 1 Mi elements or 4x the inputs are discarded below; the scoped memory
            // limit keeps the node from materializing a much larger one first (16x the inputs
            // or 64 MiB leaves room for kernel scratch buffers).
            let budget = Swift.max(inputBytes.multipliedReportingOverflow(by: 16).overflow ? Int.max : 16 * inputBytes, 64 << 20)
            guard let results = try? MemoryLimit.withLimit(budget, { try InferenceSession(model: m, registry: registry).run([:]) }) else { continue }
            var tensors: [String: Tensor] = [:]
            var tooLarge = false
            for (name, value) in results {
                guard let t = value.tensor, t.dataType != .string else { tooLarge = true; break }
                let bytes = t.count * (RuntimeTensor.elementSize(t.dataType) ?? 1)
                if t.count > (1 << 20) || bytes > Swift.max(4 * inputBytes, 4096) { tooLarge = true; break }
                tensors[name] = TensorConversion.tensor(from: t, name: name)
            }
            guard !tooLarge else { continue }
            for o in node.outputs where !o.name.isEmpty {
                guard let t = tensors[o.name] else { continue }
                let folded = Value(name: o.name, type: o.type)
                folded.initializer = t
                graph.initializers.append(folded)
                o.replaceAllUses(with: folded)
            }
            if node.outputs.allSatisfy({ $0.uses.isEmpty }) {
                try graph.remove([node])
                changed = true
            }
        }
        return changed
    }
}
