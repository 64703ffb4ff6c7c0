import AbridgeIR
import AbridgeKernels

/// `BatchNormalization` (onnx.ai/onnx/operators/onnx__BatchNormalization.html, since-versions 1, 6,
/// 7, 9, 14, 15): X `[N, C, D1..Dn]`, scale/B/mean/var `[C]` ->
/// `Y = (X - mean) / sqrt(var + epsilon) * scale + B`.
///
/// Opsets 1-8 are run in inference mode whatever `is_test` says (as onnxruntime does);
/// `spatial = 0` (opsets 1-8) takes per-activation parameters shaped `[C, D1..Dn]`;
/// `consumed_inputs` (opset 1-5) is ignored. From opset 14, `training_mode = 1` normalises with
/// the batch statistics (population variance) and also returns
/// `running_mean = mean * momentum + batch_mean * (1 - momentum)` and likewise `running_var`.
struct BatchNormalization: OperatorKernel {
    static let sinceVersions = [1, 6, 7, 9, 14, 15]
    let epsilon: Float
    let momentum: Float
    let training: Bool

    init(_ context: KernelBuildContext) throws {
        let a = context.attributes
        epsilon = try a.float("epsilon", default: 1e-5)
        momentum = try a.float("momentum", default: 0.9)
        training = context.opset >= 14 ? try a.int("training_mode", default: 0) != 0 : false
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "X")
        try FloatOperand.check(x, "BatchNormalization X")
        guard x.rank >= 2 else { throw RuntimeError.invalidInput(node: "", reason: "BatchNormalization: X \(x.shape) must be [N, C, ...]") }
        let c = x.shape[1], spatial = x.shape[2...].reduce(1, *)
        let fx = try FloatOperand.asFloat(x)
        var params: [[Float]] = []
        for (i, role) in ["scale", "B", "mean", "var"].enumerated() {
            let t = try FloatOperand.asFloat(try inputs.tensor(i + 1, role), role)
            guard t.count == c || (!training && t.count == c * spatial) else {
                throw RuntimeError.invalidInput(node: "", reason: "BatchNormalization: \(role) has shape \(t.shape), expected [\(c)]")
            }
            params.append(t.elements(as: Float.self))
        }
        guard params.allSatisfy({ $0.count == params[0].count }) else {
            throw RuntimeError.invalidInput(node: "", reason: "BatchNormalization: scale, B, mean and var must have the same shape")
        }
        let y = try RuntimeTensor.allocate(.float, x.shape)
        var extra: [RuntimeValue?] = []
        if training {
            let (mean, variance) = statistics(fx, c: c, spatial: spatial)
            try normalize(fx, y, params[0], params[1], mean.map(Float.init), variance.map(Float.init), perChannel: true, spatial: spatial)
            let m = Double(momentum)
            let running = (0..<c).map { Float(Double(params[2][$0]) * m + mean[$0] * (1 - m)) }
            let runningVar = (0..<c).map { Float(Double(params[3][$0]) * m + variance[$0] * (1 - m)) }
            extra = [.tensor(try FloatOperand.narrowed(RuntimeTensor(floats: running, shape: [c]), to: x.dataType)),
                     .tensor(try FloatOperand.narrowed(RuntimeTensor(floats: runningVar, shape: [c]), to: x.dataType))]
        } else {
            try normalize(fx, y, params[0], params[1], params[2], params[3], perChannel: params[0].count == c, spatial: spatial)
        }
        return [.tensor(try FloatOperand.narrowed(y, to: x.dataType))] + extra
    }

    /// Per-channel mean and population variance over N and the spatial axes (Double sums).
    func statistics(_ x: RuntimeTensor, c: Int, spatial: Int) -> ([Double], [Double]) {
        let n = c == 0 ? 0 : x.count / (c * max(1, spatial))
        var mean = [Double](repeating: 0, count: c), variance = mean
        x.withUnsafeBuffer(as: Float.self) { p in
            for ch in 0..<c {
                var s = 0.0
                for b in 0..<n { for i in 0..<spatial { s += Double(p[(b * c + ch) * spatial + i]) } }
                let m = s / Double(max(1, n * spatial))
                var q = 0.0
                for b in 0..<n { for i in 0..<spatial { let d = Double(p[(b * c + ch) * spatial + i]) - m; q += d * d } }
                mean[ch] = m; variance[ch] = q / Double(max(1, n * spatial))
            }
        }
        return (mean, variance)
    }

    func normalize(_ x: RuntimeTensor, _ y: RuntimeTensor, _ scale: [Float], _ bias: [Float], _ mean: [Float], _ variance: [Float],
                   perChannel: Bool, spatial: Int) throws {
        let eps = epsilon
        if perChannel {
            try FloatOperand.guarded("BatchNormalization") {
                try x.withUnsafeBuffer(as: Float.self) { px in
                    try y.withUnsafeMutableBuffer(as: Float.self) { py in
                        try scale.withUnsafeBufferPointer { s in
                            try bias.withUnsafeBufferPointer { b in
                                try mean.withUnsafeBufferPointer { m in
                                    try variance.withUnsafeBufferPointer { v in
                                        try Normalization.batchNorm(px, shape: x.shape, scale: s, bias: b, mean: m, variance: v, epsilon: eps, into: py)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return
        }
        // spatial = 0: one parameter per (c, d...) position.
        let per = scale.count
        x.withUnsafeBuffer(as: Float.self) { px in
            y.withUnsafeMutableBuffer(as: Float.self) { py in
                for i in 0..<px.count {
                    let k = i % per
                    py[i] = (px[i] - mean[k]) / (variance[k] + eps).squareRoot() * scale[k] + bias[k]
                }
            }
        }
    }
}
