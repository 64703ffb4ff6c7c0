import AbridgeIR

/// The ops the op set leaves in float, grouped by op type with a count and the reason, for the
/// report's "kept in float" list: normalization, Softmax, element-wise arithmetic, activation
/// functions and the like compute in float between the quantized layers (their inputs are
/// dequantized, their outputs float). Ops that only move or index data, shape arithmetic,
/// control flow and ops without a floating-point output are not listed.
enum FloatOpSummary {
    /// Op types never listed: data movement (quantized with shared parameters or plain
    /// plumbing), shape and index computations, constants, control flow (their subgraphs' nodes
    /// are listed themselves), and quantization ops.
    static let notListed: Set<String> = QuantizationOptions.dataMovementOpTypes.union([
        "Shape", "Size", "Constant", "ConstantOfShape", "Cast", "CastLike", "Identity", "Range", "Expand", "Tile",
        "If", "Loop", "Scan", "Dropout", "Trilu", "DepthToSpace", "SpaceToDepth", "GatherElements", "GatherND",
        "ScatterND", "ScatterElements", "Compress", "OneHot", "EyeLike", "NonZero", "TopK", "ArgMax", "ArgMin", "Upsample",
        "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear"])

    static let normalization: Set<String> = ["LayerNormalization", "BatchNormalization", "InstanceNormalization",
                                             "GroupNormalization", "RMSNormalization", "SimplifiedLayerNormalization",
                                             "MeanVarianceNormalization", "LpNormalization", "LRN"]
    static let softmax: Set<String> = ["Softmax", "LogSoftmax", "Hardmax"]
    static let elementwise: Set<String> = ["Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Reciprocal", "Exp", "Log", "Neg",
                                           "Abs", "Where", "Sum", "Max", "Min", "Mean", "Floor", "Ceil", "Round", "Sign",
                                           "Mod", "Sin", "Cos"]
    static let activation: Set<String> = ["Relu", "LeakyRelu", "PRelu", "Sigmoid", "Tanh", "Gelu", "Erf", "Elu", "Selu",
                                          "Celu", "HardSigmoid", "HardSwish", "Softplus", "Softsign", "Clip", "Mish",
                                          "ThresholdedRelu"]
    static let pooling: Set<String> = ["AveragePool", "GlobalAveragePool", "LpPool", "GlobalLpPool"]

    /// Why an op of type `op` computes in float.
    static func why(_ op: String) -> String {
        if normalization.contains(op) { return "normalization needs its statistics in float" }
        if softmax.contains(op) { return "its input range (logits, masks) makes 8 bits meaningless" }
        if elementwise.contains(op) { return "element-wise arithmetic (residual sums, scaling, masks) computes in float" }
        if activation.contains(op) { return "activation function, computes in float" }
        if pooling.contains(op) { return "averaging computes in float" }
        if op.hasPrefix("Reduce") { return "reduction computes in float" }
        if QuantizationOptions.quantizableOpTypes.contains(op) { return "left out by --op-types or --exclude-op-types" }
        return "computes in float"
    }

    /// Groups the default-domain nodes of `model` that are not quantized (`quantized`), whose
    /// op type is not in `opTypes` (those get their own entries), and that produce a
    /// floating-point tensor.
    /// - Parameter defaultSet: whether `opTypes` is the default set (the reason says so).
    static func groups(_ model: Model, quantized: Set<ObjectIdentifier>, opTypes: Set<String>,
                       defaultSet: Bool) -> [QuantizationPlan.KeptInFloat] {
        var counts: [String: Int] = [:]
        for graph in model.allGraphs {
            for node in graph.nodes where node.normalizedDomain.isEmpty {
                let op = node.opType
                guard !notListed.contains(op), !opTypes.contains(op), !quantized.contains(ObjectIdentifier(node)) else { continue }
                let known = normalization.contains(op) || softmax.contains(op) || activation.contains(op) || pooling.contains(op)
                let floatOutput = node.outputs.contains { v in
                    guard let t = v.type?.tensorElementType else { return known }
                    return [.float, .float16, .bfloat16, .double].contains(t)
                }
                if floatOutput { counts[op, default: 0] += 1 }
            }
        }
        let set = defaultSet ? "the default op set" : "the quantized op types"
        return counts.keys.sorted().map { op in
            .init(opType: op, count: counts[op] ?? 0, reason: "not in \(set): \(why(op))")
        }
    }
}
