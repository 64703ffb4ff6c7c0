import AbridgeIR
import AbridgeKernels

/// `BatchNormalization` in inference form (training_mode 0): per channel `c` (axis 1),
/// `Y = scale·(X − mean)/√(var + ε) + B`, X `[N, C, ...]`, the four vectors `[C]`, float32
/// (ONNX BatchNormalization opsets 9-15). mean and var are constants of the student; their
/// gradients are given only for completeness.
final class BatchNormalizationOperator: TrainingOperator {
    let context: NodeContext
    let epsilon: Float
    private var forwardBuffer: [Float] = [], backwardBuffer: [Float] = []

    init(_ node: Node) throws {
        context = NodeContext(node)
        let mode = node.intAttribute("training_mode", default: 0)
        guard mode == 0 else { throw context.unsupported("training_mode \(mode): only the inference form is trained") }
        let spatial = node.intAttribute("spatial", default: 1)
        guard spatial == 1 else { throw context.unsupported("spatial 0 (opset < 9 per-element statistics) is not trained") }
        epsilon = node.floatAttribute("epsilon", default: 1e-5)
    }

    private func parts(_ inputs: [TrainingTensor?]) throws -> (x: TrainingTensor, v: [[Float]], c: Int, inner: Int) {
        let x = try context.input(inputs, 0, "X")
        guard x.shape.count >= 2 else { throw context.shape("X \(x.shape) has no channel axis") }
        let c = x.shape[1], inner = x.shape[2...].reduce(1, *)
        var v: [[Float]] = []
        for (i, what) in ["scale", "B", "mean", "var"].enumerated() {
            let t = try context.input(inputs, i + 1, what)
            guard t.count == c else { throw context.shape("\(what) has \(t.count) elements, X has \(c) channels") }
            v.append(t.data)
        }
        return (x, v, c, inner)
    }

    func forward(_ inputs: [TrainingTensor?]) throws -> TrainingTensor {
        let (x, v, c, inner) = try parts(inputs)
        let n = x.shape[0]
        let y = x.data.withUnsafeBufferPointer { px in
            Workspace.reuse(&forwardBuffer, count: x.count) { py in
                ParallelFor.run(c, minChunk: max(1, (1 << 16) / max(1, n * inner))) { channels in
                for channel in channels {
                    let invStd = 1 / (v[3][channel] + epsilon).squareRoot()
                    let a = v[0][channel] * invStd, b = v[1][channel] - v[2][channel] * a
                    for image in 0..<n {
                        let base = (image * c + channel) * inner
                        for i in base..<(base + inner) { py[i] = px[i] * a + b }
                    }
                }
                }
            }
        }
        return TrainingTensor(shape: x.shape, data: y)
    }

    func backward(_ gradient: TrainingTensor, inputs: [TrainingTensor?], output: TrainingTensor,
                  needs: [Bool]) throws -> [TrainingTensor?] {
        let (x, v, c, inner) = try parts(inputs)
        let n = x.shape[0]
        var dx = needs[0] ? backwardBuffer : []
        backwardBuffer = []
        if needs[0] { Workspace.ensure(&dx, count: x.count) }
        // Per channel: Σ∂Y·x̂ (∂scale), Σ∂Y (∂B), ∂mean, ∂var, stored as rows of `sums`.
        var sums = [Float](repeating: 0, count: 4 * c)
        let wantX = needs[0]
        x.data.withUnsafeBufferPointer { px in
            gradient.data.withUnsafeBufferPointer { pg in
                dx.withUnsafeMutableBufferPointer { pdx in
                    sums.withUnsafeMutableBufferPointer { ps in
                        ParallelFor.run(c, minChunk: max(1, (1 << 16) / max(1, n * inner))) { channels in
                            for channel in channels {
                                let invStd = 1 / (v[3][channel] + epsilon).squareRoot()
                                let scale = v[0][channel], mean = v[2][channel], a = scale * invStd
                                // Float within a plane, Double across planes.
                                var sumDy = 0.0, sumDyXc = 0.0
                                for image in 0..<n {
                                    let base = (image * c + channel) * inner
                                    var planeDy: Float = 0, planeDyXc: Float = 0
                                    for i in base..<(base + inner) {
                                        planeDy += pg[i]
                                        planeDyXc += pg[i] * (px[i] - mean)
                                    }
                                    sumDy += Double(planeDy); sumDyXc += Double(planeDyXc)
                                    if wantX { for i in base..<(base + inner) { pdx[i] = pg[i] * a } }
                                }
                                // Σ ∂Y·x̂ with x̂ = (x − mean)·invStd.
                                let sumDyXhat = Float(sumDyXc) * invStd
                                ps[channel] = sumDyXhat
                                ps[c + channel] = Float(sumDy)
                                ps[2 * c + channel] = -a * Float(sumDy)
                                ps[3 * c + channel] = -0.5 * scale * sumDyXhat * invStd * invStd
                            }
                        }
                    }
                }
            }
        }
        var result = [TrainingTensor?](repeating: nil, count: inputs.count)
        if needs[0] { backwardBuffer = dx; result[0] = TrainingTensor(shape: x.shape, data: dx) }
        for i in 0..<4 where i + 1 < needs.count && needs[i + 1] {
            result[i + 1] = TrainingTensor(shape: inputs[i + 1]?.shape ?? [c], data: Array(sums[(i * c)..<((i + 1) * c)]))
        }
        return result
    }
}
