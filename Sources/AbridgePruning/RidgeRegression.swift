import AbridgeKernels

/// Layer-wise ridge least squares, streamed: accumulates `G = XᵀX` `[D, D]` and `H = XᵀY`
/// `[D, O]` over batches of rows (memory independent of the number of samples), then solves,
/// per output `o` on its support `S_o` (the surviving inputs of that output row),
///
///     w_o[S_o] = (G[S_o, S_o] + λ I)⁻¹ H[S_o, o],   λ = ridge · trace(G) / D,
///
/// the minimiser of `‖X[:, S_o] w − Y[:, o]‖² + λ‖w‖²`. A bias is fitted as a column of ones in X
/// and not regularised. Outputs with the same support share one Cholesky factorization.
///
/// This is the layer-wise reconstruction objective of Optimal Brain Surgeon / SparseGPT
/// (Frantar & Alistarh 2023, "SparseGPT", eq. 1: `argmin ‖W X − Ŵ X‖²` with the mask fixed) solved
/// exactly with a ridge term instead of SparseGPT's approximate column-by-column OBS updates, and
/// the least-squares refit used in few-shot / data-free pruning recovery (e.g. "Few Shot Network
/// Compression via Cross Distillation", Bai et al. 2020; He et al. 2017 "Channel Pruning for
/// Accelerating Very Deep Neural Networks", the reconstruction step): X comes from the *pruned*
/// model and Y from the *original*, so each refit also absorbs the error of earlier layers.
public struct RidgeAccumulator {
    /// D: inputs per row (including the ones column of a bias).
    public let inputs: Int
    /// O: outputs per row.
    public let outputs: Int
    /// `XᵀX`, row-major `[D, D]`.
    public private(set) var xtx: [Double]
    /// `XᵀY`, row-major `[D, O]`.
    public private(set) var xty: [Double]
    /// Rows accumulated so far.
    public private(set) var rows = 0
    /// `Σ Y[:, o]²` per output, for residuals.
    public private(set) var ySquared: [Double]

    public init(inputs: Int, outputs: Int) {
        self.inputs = inputs; self.outputs = outputs
        xtx = [Double](repeating: 0, count: inputs * inputs)
        xty = [Double](repeating: 0, count: inputs * outputs)
        ySquared = [Double](repeating: 0, count: outputs)
    }

    /// `‖X w − Y[:, o]‖²` from the accumulated sums: `wᵀGw − 2 wᵀH[:, o] + ‖Y[:, o]‖²`.
    public func residual(_ w: [Double], output o: Int) -> Double {
        let d = inputs
        var quad = 0.0, lin = 0.0
        for i in 0..<d where w[i] != 0 {
            var s = 0.0
            for j in 0..<d where w[j] != 0 { s += xtx[i * d + j] * w[j] }
            quad += w[i] * s
            lin += w[i] * xty[i * outputs + o]
        }
        return Swift.max(0, quad - 2 * lin + ySquared[o])
    }

    /// Adds `rows` rows: `x` row-major `[rows, D]`, `y` row-major `[rows, O]` (through BLAS dgemm).
    /// - Throws: `KernelError` when the buffers do not match the sizes.
    public mutating func add(x: [Double], y: [Double], rows n: Int) throws {
        guard n > 0 else { return }
        let d = inputs, o = outputs
        for r in 0..<n { for j in 0..<o { ySquared[j] += y[r * o + j] * y[r * o + j] } }
        try x.withUnsafeBufferPointer { px in
            try xtx.withUnsafeMutableBufferPointer { pg in
                try Gemm.dgemm(transA: true, transB: false, m: d, n: d, k: n, alpha: 1, a: px, lda: d, b: px, ldb: d,
                               beta: 1, c: pg, ldc: d)
            }
            try y.withUnsafeBufferPointer { py in
                try xty.withUnsafeMutableBufferPointer { ph in
                    try Gemm.dgemm(transA: true, transB: false, m: d, n: o, k: n, alpha: 1, a: px, lda: d, b: py, ldb: o,
                                   beta: 1, c: ph, ldc: o)
                }
            }
        }
        rows += n
    }

    /// The result of a solve.
    public struct Solution {
        /// `[O, D]` row-major; zero outside each row's support. Rows that could not be solved are nil.
        public var weights: [[Double]?]
        /// λ actually used (before any retry).
        public var lambda: Double
    }

    /// Solves every output row.
    /// - Parameters:
    ///   - ridge: λ relative to the mean diagonal of G over the regularised columns.
    ///   - support: the input columns output `o` may use (nil: all).
    ///   - unregularized: a column without the ridge term (the bias column), if any.
    /// - Returns: the weights; a row whose system stays indefinite after raising λ tenfold three
    ///   times is nil (the caller keeps the old weights).
    public func solve(ridge: Double, support: (Int) -> [Int]?, unregularized: Int? = nil) -> Solution {
        let d = inputs
        var trace = 0.0, counted = 0
        for i in 0..<d where i != unregularized { trace += xtx[i * d + i]; counted += 1 }
        let lambda = Swift.max(ridge * trace / Double(Swift.max(counted, 1)), 1e-12)
        var cache: [[Int]: Cholesky?] = [:]
        var out: [[Double]?] = []
        out.reserveCapacity(outputs)
        for o in 0..<outputs {
            let s = support(o) ?? Array(0..<d)
            if s.isEmpty { out.append([Double](repeating: 0, count: d)); continue }
            let factor: Cholesky?
            if let c = cache[s] { factor = c } else {
                var f: Cholesky? = nil
                var lam = lambda
                for _ in 0..<4 where f == nil {
                    var a = [Double](repeating: 0, count: s.count * s.count)
                    for (i, si) in s.enumerated() {
                        for (j, sj) in s.enumerated() { a[i * s.count + j] = xtx[si * d + sj] }
                        if si != unregularized { a[i * s.count + i] += lam }
                    }
                    f = Cholesky(a, n: s.count)
                    lam *= 10
                }
                cache[s] = f
                factor = f
            }
            guard let factor else { out.append(nil); continue }
            let rhs = s.map { xty[$0 * outputs + o] }
            let x = factor.solve(rhs)
            var row = [Double](repeating: 0, count: d)
            for (i, si) in s.enumerated() { row[si] = x[i] }
            out.append(row)
        }
        return Solution(weights: out, lambda: lambda)
    }
}
