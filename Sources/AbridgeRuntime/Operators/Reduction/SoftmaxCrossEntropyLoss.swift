import AbridgeIR
import AbridgeKernels

/// `SoftmaxCrossEntropyLoss` (onnx.ai/onnx/operators/onnx__SoftmaxCrossEntropyLoss.html,
/// since-versions 12, 13): `log_softmax(scores)` over axis 1 (computed stably in DOUBLE), then
/// `NegativeLogLikelihoodLoss` against `labels` with the optional `weights`, `ignore_index` and
/// `reduction` (default mean); the optional second output is the log-probabilities.
enum SoftmaxCrossEntropyLossOp {
    static let sinceVersions = [12, 13]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let reduction = try NegativeLogLikelihoodLossOp.reduction(context)
        let ignore = try context.attributes.int("ignore_index")
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "scores"), labels = try inputs.tensor(1, "labels")
            let weights = try inputs.optionalTensor(2)
            guard x.rank >= 2 else { throw RuntimeError.invalidInput(node: "", reason: "SoftmaxCrossEntropyLoss: scores must be [N, C, ...], has shape \(x.shape)") }
            var v = try CastOp.convert(x, to: .double).elements(as: Double.self)
            let n = x.shape[0], c = x.shape[1], d = x.shape.dropFirst(2).reduce(1, *)
            for i in 0..<n {
                for j in 0..<d {
                    var m = -Double.infinity
                    for k in 0..<c { m = Swift.max(m, v[(i * c + k) * d + j]) }
                    var s = 0.0
                    for k in 0..<c { s += Double.kExp(v[(i * c + k) * d + j] - m) }
                    let l = Double.kLog(s)
                    for k in 0..<c { v[(i * c + k) * d + j] = v[(i * c + k) * d + j] - m - l }
                }
            }
            let loss = try NegativeLogLikelihoodLossOp.loss(logProb: v, shape: x.shape, type: x.dataType, target: labels, weight: weights,
                                                            ignore: ignore, reduction: reduction)
            let logProb = try CastOp.convert(RuntimeTensor(.double, shape: x.shape, values: v), to: x.dataType)
            return [.tensor(loss), .tensor(logProb)]
        }
    }
}
