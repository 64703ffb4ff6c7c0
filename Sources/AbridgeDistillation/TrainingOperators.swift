import AbridgeIR

/// The operator table of the training engine: which ONNX ops have a forward and backward pass.
enum TrainingOperators {
    /// Ops with a training kernel (default domain).
    static let supported = ["Add", "AveragePool", "BatchNormalization", "Conv", "Dropout", "Flatten", "Gemm",
                            "GlobalAveragePool", "Identity", "LeakyRelu", "MatMul", "MaxPool", "Mul", "Relu",
                            "Reshape", "Sigmoid", "Sub", "Tanh"]

    /// The training operator of `node`.
    /// - Parameters:
    ///   - isUsed: whether a value is read by another node or is a graph output (extra outputs
    ///     such as MaxPool's Indices or Dropout's mask have no kernel).
    ///   - constant: the integer elements of a constant value (Reshape's shape), or nil.
    /// - Throws: `DistillationError.unsupportedOperator` naming the node, op and reason.
    static func make(_ node: Node, isUsed: (Value) -> Bool, constant: (Value) -> [Int64]?) throws -> TrainingOperator {
        let context = NodeContext(node)
        guard node.normalizedDomain == "" else {
            throw context.unsupported("domain '\(node.domain ?? "")' has no training kernels")
        }
        for (i, output) in node.outputs.enumerated().dropFirst() where isUsed(output) {
            throw context.unsupported("its output \(i) ('\(output.name)') is used; only the first output is trained")
        }
        switch node.opType {
        case "Conv": return try ConvOperator(node)
        case "Gemm": return try GemmOperator(gemm: node)
        case "MatMul": return GemmOperator(matMul: node)
        case "BatchNormalization": return try BatchNormalizationOperator(node)
        case "Relu", "LeakyRelu", "Sigmoid", "Tanh": return try ActivationOperator(node)
        case "MaxPool", "AveragePool", "GlobalAveragePool": return try PoolOperator(node)
        case "Flatten", "Identity", "Dropout": return try ReshapeOperator(node, shape: nil)
        case "Reshape":
            let shape = node.inputs.count > 1 ? node.inputs[1].flatMap(constant) : nil
            return try ReshapeOperator(node, shape: shape)
        case "Add", "Sub", "Mul": return try BinaryOperator(node)
        case "Softmax", "LogSoftmax":
            throw context.unsupported("\(node.opType) is only handled as the producer of a graph output (its input, the logits, is matched instead)")
        default:
            throw context.unsupported("no training kernel (supported: \(supported.joined(separator: ", ")))")
        }
    }

    /// Whether input `index` of a node of type `op` is a weight or bias that distillation trains.
    static func isTrainableInput(op: String, index: Int) -> Bool {
        switch op {
        case "Conv", "Gemm", "BatchNormalization": return index == 1 || index == 2
        case "MatMul": return index == 1
        default: return false
        }
    }
}
