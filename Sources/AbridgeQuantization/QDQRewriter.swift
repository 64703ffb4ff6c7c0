import AbridgeIR
import AbridgeRuntime

/// Applies a quantization plan to the graph: inserts QuantizeLinear → DequantizeLinear on each
/// quantized activation (one DequantizeLinear per quantized consumer, as onnxruntime's node-unit
/// fusion requires), replaces float weights with integer initializers feeding a
/// DequantizeLinear, and biases with int32 initializers. Original tensor names stay on their
/// producers' outputs; every new tensor and node gets a fresh unique name.
struct QDQRewriter {
    let model: Model
    let options: QuantizationOptions
    let activationParams: [ObjectIdentifier: QuantParameters]
    /// Weight parameters from a plan (`--plan-in`), by weight name; others are computed.
    let weightOverrides: [String: QuantParameters]
    let names: NameAllocator

    init(model: Model, options: QuantizationOptions, activationParams: [ObjectIdentifier: QuantParameters],
         weightOverrides: [String: QuantParameters] = [:]) {
        self.model = model; self.options = options; self.activationParams = activationParams
        self.weightOverrides = weightOverrides
        names = NameAllocator(model: model)
    }

    /// Scale/zero-point initializers of `p` in `graph`.
    /// Scale and zero-point initializers. With `omitZeroZeroPoint`, a signed type whose zero
    /// points are all 0 gets no zero-point tensor (DequantizeLinear's default is 0 of the input
    /// type), which saves a tensor the size of the scales.
    private func parameterInitializers(_ base: String, _ p: QuantParameters, in graph: Graph,
                                       omitZeroZeroPoint: Bool = false) -> (Value, Value?) {
        let perChannel = p.scale.count > 1 || p.axis != nil
        let shape = perChannel ? [p.scale.count] : []
        let scale = Value(name: names.make(base + "_scale"))
        scale.initializer = TensorConversion.tensor(from: RuntimeTensor(.float, shape: shape, values: p.scale), name: scale.name)
        if omitZeroZeroPoint && p.type.range.lowerBound < 0 && p.zeroPoint.allSatisfy({ $0 == 0 }) {
            graph.initializers.append(scale)
            return (scale, nil)
        }
        let zp = Value(name: names.make(base + "_zp"))
        zp.initializer = WeightQuantization.tensor(p.zeroPoint, shape: shape, type: p.type, name: zp.name)
        graph.initializers.append(scale)
        graph.initializers.append(zp)
        return (scale, zp)
    }

    private func dequantize(_ q: Value, _ scale: Value, _ zp: Value?, axis: Int?, base: String, in graph: Graph) -> Node {
        var attrs: [Attribute] = []
        if let axis { attrs.append(Attribute(name: "axis", value: .int(Int64(axis)))) }
        let dq = Node(opType: "DequantizeLinear", name: names.make(base + "_DQ"), inputs: zp.map { [q, scale, $0] } ?? [q, scale],
                      outputs: [names.make(base + "_dq")], attributes: attrs)
        return dq
    }

    mutating func rewrite(_ targets: QuantizationTargets, plan: inout QuantizationPlan) throws {
        // Input parameters of each compute node (bias scales need them), read before rewiring.
        var inputParams: [ObjectIdentifier: QuantParameters] = [:]
        for c in targets.nodes {
            if let i = c.activationInputs.first, let v = c.node.inputs[i], let p = activationParams[ObjectIdentifier(v)] {
                inputParams[ObjectIdentifier(c.node)] = p
            }
        }
        // 1. Activations.
        var consumersOf: [ObjectIdentifier: [(Node, Int)]] = [:]
        for c in targets.nodes {
            for i in c.activationInputs {
                guard let v = c.node.inputs[i], activationParams[ObjectIdentifier(v)] != nil else { continue }
                consumersOf[ObjectIdentifier(v), default: []].append((c.node, i))
            }
        }
        for v in targets.activations {
            guard let p = v.producer, QuantizationOptions.dataMovementOpTypes.contains(p.opType),
                  activationParams[ObjectIdentifier(v)] != nil, let input = p.inputs.first ?? nil,
                  activationParams[ObjectIdentifier(input)] != nil else { continue }
            consumersOf[ObjectIdentifier(input), default: []].append((p, 0))
        }
        for v in targets.activations {
            guard let p = activationParams[ObjectIdentifier(v)], let consumers = consumersOf[ObjectIdentifier(v)], !consumers.isEmpty else { continue }
            var byGraph: [ObjectIdentifier: (Graph, [(Node, Int)])] = [:]
            for (n, i) in consumers {
                guard let g = n.graph else { continue }
                byGraph[ObjectIdentifier(g), default: (g, [])].1.append((n, i))
            }
            for (_, (graph, list)) in byGraph.sorted(by: { $0.value.1[0].0.outputs.first?.name ?? "" < $1.value.1[0].0.outputs.first?.name ?? "" }) {
                let (scale, zpValue) = parameterInitializers(v.name, p, in: graph)
                guard let zp = zpValue else { continue }
                let q = Node(opType: "QuantizeLinear", name: names.make(v.name + "_Q"), inputs: [v, scale, zp],
                             outputs: [names.make(v.name + "_q")])
                graph.append(q)
                for (consumer, index) in list {
                    let dq = dequantize(q.outputs[0], scale, zp, axis: nil, base: v.name, in: graph)
                    graph.append(dq)
                    consumer.setInput(index, dq.outputs[0])
                }
            }
        }
        // 2. Weights and biases (quantized once per weight tensor; one DequantizeLinear per reader).
        var quantizedWeights: [ObjectIdentifier: (Value, Value, Value?, QuantParameters)] = [:]
        for c in targets.nodes {
            guard let (wIndex, axis) = c.weight, let wValue = c.node.inputs[wIndex] else { continue }
            guard let dense = try ConstantWeights.value(of: wValue) else { continue }
            let graph = c.graph
            let xParams = inputParams[ObjectIdentifier(c.node)]
            let shape = dense.shape
            let w = dense.elements(as: Float.self)
            var entry = quantizedWeights[ObjectIdentifier(wValue)]
            var biasDone = false
            if entry == nil {
                var p = WeightQuantization.parameters(w, shape: shape, axis: options.perChannel ? axis : nil, type: options.weightType)
                if let given = weightOverrides[wValue.name] {
                    let channels = given.axis.map { $0 >= 0 && $0 < shape.count ? shape[$0] : -1 } ?? 1
                    guard given.scale.count == channels, given.type != .int32 else {
                        throw QuantizationError.invalidPlan(path: "--plan-in", reason: "weight '\(wValue.name)': \(given.scale.count) scales do not fit shape \(shape) on axis \(given.axis.map(String.init) ?? "none")")
                    }
                    p = given
                }
                // Bias must fit in int32 with scale = x_scale * w_scale: raise weight scales that are too small.
                if let b = c.bias, let xp = xParams, let bValue = c.node.inputs[b],
                   let bias = (try? ConstantWeights.value(of: bValue))??.elements(as: Float.self) {
                    for (o, bv) in bias.enumerated() {
                        let k = channelIndex(o, node: c.node, weightShape: shape, params: p)
                        let needed = abs(bv) / (xp.scale[0] * Float(Int32.max - 1))
                        if p.scale[k] < needed {
                            p.scale[k] = needed * 1.0001
                            plan.keptInFloat.append(.init(node: c.node.name, tensor: wValue.name, reason: "weight scale of channel \(k) raised to \(p.scale[k]) so that bias \(bv) fits in int32"))
                        }
                    }
                }
                let q = WeightQuantization.quantize(w, shape: shape, p)
                let qValue = Value(name: names.make(wValue.name + "_q"))
                qValue.initializer = WeightQuantization.tensor(q, shape: shape, type: options.weightType, name: qValue.name)
                graph.initializers.append(qValue)
                // Weights keep their zero-point tensor: onnxruntime fuses Gemm node units only then.
                let (scale, zp) = parameterInitializers(wValue.name, p, in: graph)
                entry = (qValue, scale, zp, p)
                quantizedWeights[ObjectIdentifier(wValue)] = entry
                plan.entries.append(.init(tensor: wValue.name, role: "weight", parameters: p))
            }
            guard let (qValue, scale, zp, p) = entry else { continue }
            let dq = dequantize(qValue, scale, zp, axis: p.axis, base: wValue.name, in: graph)
            graph.append(dq)
            c.node.setInput(wIndex, dq.outputs[0])
            // Bias.
            if let b = c.bias, let xp = xParams, let bValue = c.node.inputs[b], !biasDone,
               let bias = try ConstantWeights.value(of: bValue)?.elements(as: Float.self) {
                let scales = bias.indices.map { o in xp.scale[0] * p.scale[channelIndex(o, node: c.node, weightShape: shape, params: p)] }
                let q = bias.indices.map { o -> Int32 in
                    let r = (bias[o] / scales[o]).rounded(.toNearestOrEven)
                    return Int32(Swift.max(Swift.min(r, Float(Int32.max - 127)), Float(Int32.min + 128)))
                }
                let bq = Value(name: names.make(bValue.name + "_q"))
                bq.initializer = TensorConversion.tensor(from: RuntimeTensor(.int32, shape: [bias.count], values: q), name: bq.name)
                let bs = Value(name: names.make(bValue.name + "_scale"))
                bs.initializer = TensorConversion.tensor(from: RuntimeTensor(.float, shape: [bias.count], values: scales), name: bs.name)
                graph.initializers += [bq, bs]
                let bdq = Node(opType: "DequantizeLinear", name: names.make(bValue.name + "_DQ"), inputs: [bq, bs],
                               outputs: [names.make(bValue.name + "_dq")], attributes: [Attribute(name: "axis", value: .int(0))])
                graph.append(bdq)
                c.node.setInput(b, bdq.outputs[0])
                biasDone = true
                plan.entries.append(.init(tensor: bValue.name, role: "bias",
                                          parameters: QuantParameters(type: .int32, scale: scales, zeroPoint: [Int32](repeating: 0, count: bias.count), axis: 0)))
            }
        }
        // 3. Restore topological order (the float initializers nobody reads any more are removed
        //    by the dead-code pass the quantizer runs next).
        for graph in model.allGraphs {
            do { try graph.sortTopologically() } catch { throw QuantizationError.invalidModel("\(error)") }
        }
    }

    /// The weight channel whose scale applies to output channel `o` (ConvTranspose with groups:
    /// channel `o mod (M/group)` on axis 1).
    private func channelIndex(_ o: Int, node: Node, weightShape: [Int], params p: QuantParameters) -> Int {
        guard p.axis != nil else { return 0 }
        if node.opType == "ConvTranspose", weightShape.count >= 2 { return o % weightShape[1] }
        return Swift.min(o, p.scale.count - 1)
    }
}
