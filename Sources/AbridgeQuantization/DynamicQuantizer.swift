import AbridgeIR
import AbridgePasses
import AbridgeRuntime
import Logging

/// Dynamic quantization: weights quantized offline (int8, symmetric, per output column),
/// activations quantized at run time, so no calibration data are needed.
///
/// `MatMul(x, W)` and `Gemm(x, W, b)` with a float initializer `W` become
/// `DynamicQuantizeLinear(x) -> MatMulInteger(x_q, W_q, x_zp, W_zp) -> Cast(float) ->
/// Mul(x_scale * W_scale) [-> Add(b)]`, the form onnxruntime's `quantize_dynamic` emits and
/// runs with its integer kernels (uint8 activations × int8 weights). Conv stays in float:
/// onnxruntime's ConvInteger has no kernel for int8 weights, so the report says so.
public struct DynamicQuantizer {
    public var options: QuantizationOptions
    public var logger: Logger
    public init(options: QuantizationOptions, logger: Logger = Logger(label: "abridge.quantization")) {
        self.options = options; self.logger = logger
    }

    public func quantize(_ model: Model) throws -> QuantizationResult {
        let opsetBefore = Int(model.opsetVersion(for: "") ?? 1)
        let (passes, restoreValueInfo) = try PreQuantization.run(model)
        defer { restoreValueInfo() }
        var plan = QuantizationPlan(activationType: .uint8, weightType: .int8, perChannel: options.perChannel,
                                    symmetricActivations: false, method: "dynamic", calibrationSamples: 0)
        let exclusion = try NodeExclusion(options.excludeNodes)
        let notes = exclusion.unmatched(in: model).map { "--exclude-nodes '\($0)' matched no node" }
        let overridable = model.overridableInitializers
        // What the op set leaves in float, grouped (before the rewrite adds its nodes): every op
        // but the MatMul and Gemm nodes selected (Conv gets its own entries).
        let selected = options.opTypes.intersection(Self.quantizableOpTypes.union(Self.reportedInFloatOpTypes))
        let floatGroups = FloatOpSummary.groups(model, quantized: [], opTypes: selected,
                                                defaultSet: options.opTypes == QuantizationOptions.defaultOpTypes)
        let names = NameAllocator(model: model)
        var cache: [WeightKey: QuantizedWeight] = [:]
        for graph in model.graph?.allGraphs ?? [] {
            for node in graph.nodes where node.normalizedDomain.isEmpty && options.opTypes.contains(node.opType) {
                let label = node.name ?? node.label
                switch node.opType {
                case let op where Self.reportedInFloatOpTypes.contains(op):
                    plan.keptInFloat.append(.init(node: label, tensor: nil, reason: "dynamic mode keeps \(node.opType) in float (onnxruntime's ConvInteger has no int8-weight kernel)"))
                case "MatMul", "Gemm":
                    if exclusion.excludes(node) {
                        plan.keptInFloat.append(.init(node: label, tensor: nil, reason: "excluded by --exclude-nodes"))
                    } else if let w = node.inputs.dropFirst().first(where: { $0.map { overridable.contains(ObjectIdentifier($0)) } ?? false }) ?? nil {
                        plan.keptInFloat.append(.init(node: label, tensor: w.name, reason: QuantizationTargets.overridableReason))
                    } else {
                        try rewrite(node, in: graph, names: names, plan: &plan, cache: &cache)
                    }
                default: continue
                }
            }
            do { try graph.sortTopologically() } catch { throw QuantizationError.invalidModel("\(error)") }
        }
        plan.keptInFloat += floatGroups
        // The float weights nobody reads any more.
        _ = try EliminateDeadNodesPass().run(on: model)
        // DynamicQuantizeLinear needs opset 11; with nothing quantized the model keeps its opset.
        let quantized = plan.entries.contains { $0.role == "weight" }
        let after = quantized ? try OpsetUpgrade.ensure(model, atLeast: 11) : Int(model.opsetVersion(for: "") ?? 1)
        return QuantizationResult(plan: plan, passesApplied: passes, opsetBefore: opsetBefore, opsetAfter: after,
                                  nonFiniteWarnings: [:], warnings: notes)
    }

    /// The op types dynamic quantization rewrites (Conv and ConvTranspose stay float, reported).
    public static let quantizableOpTypes: Set<String> = ["MatMul", "Gemm"]

    /// The op types dynamic quantization selects but keeps in float, each node with its own
    /// `keptInFloat` entry (onnxruntime's ConvInteger has no int8-weight kernel).
    public static let reportedInFloatOpTypes: Set<String> = ["Conv", "ConvTranspose"]

    /// The int8 weight, its scale and zero point, shared by every node reading the same float
    /// weight in the same layout (a weight used by several MatMuls is stored once).
    private struct QuantizedWeight { let q: Value; let scale: Value; let zero: Value }
    private struct WeightKey: Hashable { let weight: ObjectIdentifier; let graph: ObjectIdentifier; let transB: Bool }

    private func rewrite(_ node: Node, in graph: Graph, names: NameAllocator, plan: inout QuantizationPlan,
                         cache: inout [WeightKey: QuantizedWeight]) throws {
        let label = node.name ?? node.label
        guard node.inputs.count >= 2, let x = node.inputs[0], let wValue = node.inputs[1], let wTensor = wValue.initializer,
              wTensor.elementType == .float, wTensor.dims.count == 2 else {
            let second = node.inputs.count >= 2 ? node.inputs[1] : nil
            let reason = second?.initializer == nil
                ? "its second input is not a constant weight (a product of two activations, such as attention scores)"
                : "weight is not a 2-D float initializer"
            plan.keptInFloat.append(.init(node: label, tensor: nil, reason: reason))
            return
        }
        var transB = false
        var bias: Value? = nil
        if node.opType == "Gemm" {
            if (node.attribute("transA")?.int ?? 0) != 0 || (node.attribute("alpha")?.float ?? 1) != 1 || (node.attribute("beta")?.float ?? 1) != 1 {
                plan.keptInFloat.append(.init(node: label, tensor: nil, reason: "Gemm with transA, alpha or beta is kept in float"))
                return
            }
            transB = (node.attribute("transB")?.int ?? 0) != 0
            if node.inputs.count >= 3 { bias = node.inputs[2] }
        }
        let key = WeightKey(weight: ObjectIdentifier(wValue), graph: ObjectIdentifier(graph), transB: transB)
        let weight: QuantizedWeight
        if let cached = cache[key] {
            weight = cached
        } else {
            var w = try TensorConversion.runtimeTensor(from: wTensor).elements(as: Float.self)
            var shape = wTensor.dims.map { Int($0) }
            if transB {   // [N, K] -> [K, N]
                let (n, k) = (shape[0], shape[1])
                var t = [Float](repeating: 0, count: w.count)
                for i in 0..<n { for j in 0..<k { t[j * n + i] = w[i * k + j] } }
                w = t; shape = [k, n]
            }
            let p = WeightQuantization.parameters(w, shape: shape, axis: options.perChannel ? 1 : nil, type: .int8)
            let q = WeightQuantization.quantize(w, shape: shape, p)
            let base = wValue.name
            func initializer(_ t: RuntimeTensor, _ suffix: String) -> Value {
                let v = Value(name: names.make(base + suffix))
                v.initializer = TensorConversion.tensor(from: t, name: v.name)
                graph.initializers.append(v)
                return v
            }
            let wq = Value(name: names.make(base + "_q"))
            wq.initializer = WeightQuantization.tensor(q, shape: shape, type: .int8, name: wq.name)
            graph.initializers.append(wq)
            let n = shape[1]
            let wScale = initializer(RuntimeTensor(.float, shape: p.scale.count > 1 ? [n] : [], values: p.scale), "_scale")
            let wZero = initializer(RuntimeTensor(.int8, shape: p.scale.count > 1 ? [n] : [], values: [Int8](repeating: 0, count: p.scale.count)), "_zp")
            weight = QuantizedWeight(q: wq, scale: wScale, zero: wZero)
            cache[key] = weight
            plan.entries.append(.init(tensor: base, role: "weight", parameters: p))
        }
        let (wq, wScale, wZero) = (weight.q, weight.scale, weight.zero)
        let out = node.outputs[0]
        let xBase = x.name
        let dql = Node(opType: "DynamicQuantizeLinear", name: names.make(xBase + "_DynamicQuantizeLinear"), inputs: [x],
                       outputs: [names.make(xBase + "_q"), names.make(xBase + "_scale"), names.make(xBase + "_zp")])
        let mmi = Node(opType: "MatMulInteger", name: names.make(label + "_MatMulInteger"), inputs: [dql.outputs[0], wq, dql.outputs[2], wZero],
                       outputs: [names.make(out.name + "_int32")])
        let cast = Node(opType: "Cast", name: names.make(label + "_Cast"), inputs: [mmi.outputs[0]], outputs: [names.make(out.name + "_cast")],
                        attributes: [Attribute(name: "to", value: .int(Int64(DataType.float.rawValue)))])
        let scaleMul = Node(opType: "Mul", name: names.make(label + "_scale_Mul"), inputs: [dql.outputs[1], wScale], outputs: [names.make(out.name + "_scale")])
        let mul = Node(opType: "Mul", name: names.make(label + "_Mul"), inputs: [cast.outputs[0], scaleMul.outputs[0]], outputs: [names.make(out.name + "_scaled")])
        var last = mul
        var added = [dql, mmi, cast, scaleMul, mul]
        if let bias {
            let add = Node(opType: "Add", name: names.make(label + "_bias_Add"), inputs: [mul.outputs[0], bias], outputs: [names.make(out.name + "_biased")])
            added.append(add); last = add
        }
        for a in added { graph.insert(a, before: node) }
        // The final node takes over the original output (and its name).
        let finalOut = last.outputs[0]
        out.replaceAllUses(with: finalOut)
        if let i = graph.outputs.firstIndex(where: { $0 === out }) { graph.outputs[i] = finalOut }
        let originalName = out.name
        try graph.remove([node])
        finalOut.name = originalName
        finalOut.type = out.type
    }
}
