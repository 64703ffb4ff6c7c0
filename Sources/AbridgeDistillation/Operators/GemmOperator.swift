import AbridgeIR
import AbridgeKernels

/// `Gemm` (transA 0) and 2-D `MatMul`: `Y = alpha·A·op(B) + beta·C` with A `[M, K]`, B `[K, N]`
/// (`[N, K]` when transB), C broadcastable to `[M, N]` (ONNX Gemm opsets 7-13: `[]`, `[N]`,
/// `[1, N]`, `[M, 1]`, `[M, N]`), float32. MatMul is the case alpha 1, no C, transB 0.
///
/// Backward: `∂A = alpha·∂Y·op(B)ᵀ`, `∂B = alpha·Aᵀ·∂Y` (`alpha·∂Yᵀ·A` when transB),
/// `∂C = beta·Σ ∂Y` over the broadcast axes.
final class GemmOperator: TrainingOperator {
    let context: NodeContext
    let alpha: Float, beta: Float, transB: Bool

    init(gemm node: Node) throws {
        context = NodeContext(node)
        let transA = node.intAttribute("transA", default: 0)
        guard transA == 0 else { throw context.unsupported("transA \(transA): only transA 0 is trained") }
        alpha = node.floatAttribute("alpha", default: 1)
        beta = node.floatAttribute("beta", default: 1)
        transB = node.intAttribute("transB", default: 0) != 0
    }

    init(matMul node: Node) {
        context = NodeContext(node)
        alpha = 1; beta = 0; transB = false
    }

    private func sizes(_ a: TrainingTensor, _ b: TrainingTensor) throws -> (m: Int, n: Int, k: Int) {
        guard a.shape.count == 2, b.shape.count == 2 else {
            throw context.shape("A \(a.shape) and B \(b.shape): only 2-D × 2-D products are trained")
        }
        let m = a.shape[0], k = a.shape[1]
        let (kb, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == kb else { throw context.shape("A \(a.shape) and B \(b.shape)\(transB ? " (transB)" : "") do not fit") }
        return (m, n, k)
    }

    func forward(_ inputs: [TrainingTensor?]) throws -> TrainingTensor {
        let a = try context.input(inputs, 0, "A"), b = try context.input(inputs, 1, "B")
        let (m, n, k) = try sizes(a, b)
        var y = [Float](repeating: 0, count: m * n)
        var accumulate: Float = 0
        if inputs.count > 2, let c = inputs[2], beta != 0 {
            guard (try? Broadcast.shape(c.shape, [m, n])) == [m, n] else {
                throw context.shape("C \(c.shape) does not broadcast to [\(m), \(n)]")
            }
            try context.kernel {
                try c.data.withUnsafeBufferPointer { pc in try y.withUnsafeMutableBufferPointer { try Broadcast.expand(pc, c.shape, to: [m, n], into: $0) } }
            }
            if beta != 1 { for i in y.indices { y[i] *= beta } }
            accumulate = 1
        }
        try context.kernel { try DenseGemm.run(transA: false, transB: transB, m: m, n: n, k: k, alpha: alpha,
                                               a: a.data, b: b.data, beta: accumulate, c: &y) }
        return TrainingTensor(shape: [m, n], data: y)
    }

    func backward(_ gradient: TrainingTensor, inputs: [TrainingTensor?], output: TrainingTensor,
                  needs: [Bool]) throws -> [TrainingTensor?] {
        let a = try context.input(inputs, 0, "A"), b = try context.input(inputs, 1, "B")
        let (m, n, k) = try sizes(a, b)
        var result = [TrainingTensor?](repeating: nil, count: inputs.count)
        if needs[0] {
            var da = [Float](repeating: 0, count: m * k)
            // ∂A [M, K] = ∂Y [M, N] · op(B)ᵀ; op(B)ᵀ is B itself when transB ([N, K]).
            try context.kernel { try DenseGemm.run(transA: false, transB: !transB, m: m, n: k, k: n, alpha: alpha,
                                                   a: gradient.data, b: b.data, c: &da) }
            result[0] = TrainingTensor(shape: a.shape, data: da)
        }
        if needs.count > 1, needs[1] {
            var db = [Float](repeating: 0, count: n * k)
            if transB {  // ∂B [N, K] = ∂Yᵀ · A
                try context.kernel { try DenseGemm.run(transA: true, transB: false, m: n, n: k, k: m, alpha: alpha,
                                                       a: gradient.data, b: a.data, c: &db) }
            } else {     // ∂B [K, N] = Aᵀ · ∂Y
                try context.kernel { try DenseGemm.run(transA: true, transB: false, m: k, n: n, k: m, alpha: alpha,
                                                       a: a.data, b: gradient.data, c: &db) }
            }
            result[1] = TrainingTensor(shape: b.shape, data: db)
        }
        if needs.count > 2, needs[2], let c = inputs[2] {
            var dc = BroadcastShapes.reduce(gradient.data, out: [m, n], to: c.shape)
            if beta != 1 { for i in dc.indices { dc[i] *= beta } }
            result[2] = TrainingTensor(shape: c.shape, data: dc)
        }
        return result
    }
}
