import AbridgeIR
import AbridgeRuntime

/// Replaces `BatchNormalization(Conv(x, W, b))` (also ConvTranspose and Gemm) with a single
/// `Conv(x, W', b')`, where per output channel `o`: `s = gamma / sqrt(var + epsilon)`,
/// `W'[o] = W[o] * s`, `b' = (b - mean) * s + beta` (inference-mode BatchNormalization,
/// onnx.ai/onnx/operators/onnx__BatchNormalization.html).
///
/// Output channel `o` is axis 0 of a Conv weight `[M, C/group, k...]`; for ConvTranspose
/// (weight `[C, M/group, k...]`) channel `o` of group `g = o / (M/group)` is column
/// `o % (M/group)` on axis 1 within that group's rows; for Gemm it is the output column (axis 0
/// of B when transB = 1, else axis 1). The folded node's output takes the BatchNormalization
/// output's name, so the tensor keeps its name for per-layer comparison. Skipped when W, b or
/// the BN parameters are not initializers or are initializers a feed may override (also graph
/// inputs, IR >= 4), the producer has other readers, the BN has training outputs, or shapes do
/// not match.
public struct FoldBatchNormPass: GraphPass {
    public let name = "fold-batch-norm"
    public init() {}

    public func run(on model: Model) throws -> Bool {
        var changed = false
        let names = NameAllocator(model: model)
        let overridable = model.overridableInitializers
        for graph in model.allGraphs {
            for bn in graph.nodes where bn.opType == "BatchNormalization" && bn.normalizedDomain.isEmpty {
                let involved = bn.inputs.dropFirst() + (bn.inputs.first??.producer?.inputs.dropFirst() ?? [])
                if involved.contains(where: { $0.map { overridable.contains(ObjectIdentifier($0)) } ?? false }) { continue }
                if try fold(bn, in: graph, names: names) { changed = true }
            }
        }
        return changed
    }

    private func constant(_ v: Value?) -> [Float]? {
        guard let v, let t = v.initializer, t.elementType == .float,
              let r = try? TensorConversion.runtimeTensor(from: t) else { return nil }
        return r.elements(as: Float.self)
    }

    private func fold(_ bn: Node, in graph: Graph, names: NameAllocator) throws -> Bool {
        guard bn.inputs.count >= 5, let x = bn.inputs[0], let producer = x.producer, producer.graph === graph,
              ["Conv", "ConvTranspose", "Gemm"].contains(producer.opType), producer.normalizedDomain.isEmpty,
              x.uses.count == 1, !graph.outputs.contains(where: { $0 === x }) else { return false }
        if bn.outputs.count > 1 && bn.outputs.dropFirst().contains(where: { !$0.uses.isEmpty }) { return false }
        if let training = bn.attribute("training_mode")?.int, training != 0 { return false }
        guard let gamma = constant(bn.inputs[1]), let beta = constant(bn.inputs[2]),
              let mean = constant(bn.inputs[3]), let variance = constant(bn.inputs[4]) else { return false }
        let eps = bn.attribute("epsilon")?.float ?? 1e-5
        let m = gamma.count
        guard beta.count == m, mean.count == m, variance.count == m else { return false }
        guard producer.inputs.count >= 2, let wValue = producer.inputs[1], let wTensor = wValue.initializer,
              wTensor.elementType == .float, wValue.uses.count == 1 else { return false }
        var w = try TensorConversion.runtimeTensor(from: wTensor).elements(as: Float.self)
        let dims = wTensor.dims.map { Int($0) }
        let scale = (0..<m).map { gamma[$0] / (variance[$0] + eps).squareRoot() }
        // Map each weight element to its output channel.
        let channelOf: (Int) -> Int
        switch producer.opType {
        case "Conv":
            guard dims.count >= 2, dims[0] == m else { return false }
            let per = w.count / m
            channelOf = { $0 / per }
        case "ConvTranspose":
            guard dims.count >= 2 else { return false }
            let group = Int(producer.attribute("group")?.int ?? 1)
            let mPerGroup = dims[1]
            guard group >= 1, dims[0] % group == 0, mPerGroup * group == m else { return false }
            let spatial = dims.dropFirst(2).reduce(1, *)
            let cPerGroup = dims[0] / group
            channelOf = { i in
                let c = i / (mPerGroup * spatial)
                let col = (i / spatial) % mPerGroup
                return (c / cPerGroup) * mPerGroup + col
            }
        default: // Gemm
            guard dims.count == 2 else { return false }
            if (producer.attribute("alpha")?.float ?? 1) != 1 || (producer.attribute("beta")?.float ?? 1) != 1 { return false }
            let transB = (producer.attribute("transB")?.int ?? 0) != 0
            let n = transB ? dims[0] : dims[1]
            guard n == m else { return false }
            let cols = dims[1]
            channelOf = transB ? { $0 / cols } : { $0 % cols }
        }
        var bias = [Float](repeating: 0, count: m)
        if producer.inputs.count >= 3, let bValue = producer.inputs[2] {
            guard let b = constant(bValue), b.count == m, bValue.uses.count == 1 else { return false }
            bias = b
        }
        for i in 0..<w.count { w[i] *= scale[channelOf(i)] }
        for o in 0..<m { bias[o] = (bias[o] - mean[o]) * scale[o] + beta[o] }
        wValue.initializer = TensorConversion.tensor(from: RuntimeTensor(floats: w, shape: dims), name: wValue.name)
        if producer.inputs.count >= 3, let bValue = producer.inputs[2] {
            bValue.initializer = TensorConversion.tensor(from: RuntimeTensor(floats: bias, shape: [m]), name: bValue.name)
        } else {
            let bValue = Value(name: names.make(wValue.name + "_bias"))
            bValue.initializer = TensorConversion.tensor(from: RuntimeTensor(floats: bias, shape: [m]), name: bValue.name)
            graph.initializers.append(bValue)
            while producer.inputs.count < 2 { producer.appendInput(nil) }
            producer.appendInput(bValue)
        }
        // The folded output takes the BN output's place and name.
        let y = bn.outputs[0]
        let yName = y.name
        let yType = y.type
        y.replaceAllUses(with: x)
        if let i = graph.outputs.firstIndex(where: { $0 === y }) { graph.outputs[i] = x }
        try graph.remove([bn])
        x.name = yName
        if yType != nil { x.type = yType }
        graph.valueInfo.removeAll { $0 === y }
        return true
    }
}
