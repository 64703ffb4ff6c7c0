import AbridgeIR

/// `NegativeLogLikelihoodLoss` (onnx.ai/onnx/operators/onnx__NegativeLogLikelihoodLoss.html,
/// since-versions 12, 13, 22): for input `[N, C, d1, ...]` (log-probabilities) and INT target
/// `[N, d1, ...]`, `loss = -input[n, target, d...] * weight[target]` (weight default 1; entries
/// whose target equals `ignore_index` count 0 with weight 0), then `reduction`: `none` (shape of
/// target), `sum`, or `mean` (default: the sum divided by the sum of the weights used).
/// Computed in DOUBLE, returned in the input's type.
enum NegativeLogLikelihoodLossOp {
    static let sinceVersions = [12, 13, 22]

    enum Reduction: String { case none, sum, mean }

    static func reduction(_ context: KernelBuildContext) throws -> Reduction {
        let name = try context.attributes.string("reduction", default: "mean")
        guard let r = Reduction(rawValue: name) else {
            throw RuntimeError.invalidAttribute(node: context.node.label, name: "reduction", reason: "'\(name)' is not none, sum or mean")
        }
        return r
    }

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let reduction = try reduction(context)
        let ignore = try context.attributes.int("ignore_index")
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "input"), target = try inputs.tensor(1, "target")
            let weight = try inputs.optionalTensor(2)
            let logProb = try CastOp.convert(x, to: .double).elements(as: Double.self)
            return [.tensor(try loss(logProb: logProb, shape: x.shape, type: x.dataType, target: target, weight: weight, ignore: ignore, reduction: reduction))]
        }
    }

    /// The loss of `logProb` (`[N, C, ...]` in DOUBLE) against `target`.
    static func loss(logProb: [Double], shape: [Int], type: DataType, target: RuntimeTensor, weight: RuntimeTensor?,
                     ignore: Int64?, reduction: Reduction) throws -> RuntimeTensor {
        guard shape.count >= 2, target.rank == shape.count - 1, target.shape[0] == shape[0],
              Array(target.shape.dropFirst()) == Array(shape.dropFirst(2)) else {
            throw RuntimeError.invalidInput(node: "", reason: "loss: input \(shape) and target \(target.shape) do not fit ([N, C, d...] and [N, d...])")
        }
        let n = shape[0], c = shape[1], d = shape.dropFirst(2).reduce(1, *)
        let t = try target.int64Values()
        let w: [Double]? = try weight.map { try CastOp.convert($0, to: .double).elements(as: Double.self) }
        if let w, w.count != c { throw RuntimeError.invalidInput(node: "", reason: "loss: weight has \(w.count) entries for \(c) classes") }
        var losses = [Double](repeating: 0, count: n * d)
        var weightSum = 0.0
        for i in 0..<n {
            for j in 0..<d {
                let label = t[i * d + j]
                if let ignore, label == ignore { continue }
                guard label >= 0 && label < c else { throw RuntimeError.invalidInput(node: "", reason: "loss: target \(label) is out of range for \(c) classes") }
                let wt = w?[Int(label)] ?? 1
                losses[i * d + j] = -logProb[(i * c + Int(label)) * d + j] * wt
                weightSum += wt
            }
        }
        let result: RuntimeTensor
        switch reduction {
        case .none: result = RuntimeTensor(.double, shape: target.shape, values: losses)
        case .sum: result = RuntimeTensor(.double, shape: [], values: [losses.reduce(0, +)])
        case .mean: result = RuntimeTensor(.double, shape: [], values: [losses.reduce(0, +) / weightSum])
        }
        return try CastOp.convert(result, to: type)
    }
}
