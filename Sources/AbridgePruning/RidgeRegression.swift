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

    /// `λ = ridge · (mean diagonal of G over the regularised columns)`, at least 1e-12.
    func lambda(ridge: Double, unregularized: Int?) -> Double {
        let d = inputs
        var trace = 0.0, counted = 0
        for i in 0..<d where i != unregularized { trace += xtx[i * d + i]; counted += 1 }
        return Swift.max(ridge * trace / Double(Swift.max(counted, 1)), 1e-12)
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
        let lambda = self.lambda(ridge: ridge, unregularized: unregularized)
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

extension RidgeAccumulator {
    /// The accumulator of the same rows restricted to `columns` (indices into `0..<inputs`, in
    /// the new order): `G[cols, cols]`, `H[cols, :]`. Used to refit a layer after some of its
    /// input channels were removed, without another pass over the data.
    public func restricted(to columns: [Int]) -> RidgeAccumulator {
        var r = RidgeAccumulator(inputs: columns.count, outputs: outputs)
        let d = inputs, n = columns.count, o = outputs
        for (i, ci) in columns.enumerated() {
            for (j, cj) in columns.enumerated() { r.xtx[i * n + j] = xtx[ci * d + cj] }
            for k in 0..<o { r.xty[i * o + k] = xty[ci * o + k] }
        }
        r.ySquared = ySquared
        r.rows = rows
        return r
    }

    /// Chooses which input-column groups (the input channels of this layer) to keep so that the
    /// least-squares refit of the layer on the kept columns reproduces `Y` best: greedy backward
    /// elimination, removing at each step the group whose removal increases the ridge residual
    /// least, until `keep` groups remain.
    ///
    /// With `A = G + λI` (no λ on the `unregularized` bias column) and `W = A⁻¹H` the current
    /// refit, removing group `S` and refitting the rest raises the residual by exactly
    /// `Σ_o W[S, o]ᵀ (A⁻¹[S, S])⁻¹ W[S, o]` (the group form of Optimal Brain Surgeon, Hassibi &
    /// Stork 1993; as used for structured pruning in Frantar & Alistarh 2022, "Optimal Brain
    /// Compression"); `A⁻¹` and `W` are then updated by the same Schur complement. Choosing
    /// channels by the next layer's reconstruction error is the selection criterion of ThiNet
    /// (Luo et al. 2017) and of He et al. 2017 ("Channel Pruning for Accelerating Very Deep
    /// Neural Networks"), here solved greedily with exact refits instead of LASSO.
    ///
    /// Cost: `A⁻¹` once (`D³`), then per removed group `D²·g + D·g·O` (BLAS).
    /// - Parameters:
    ///   - groups: disjoint column sets, one per channel (the bias column in none).
    ///   - keep: groups to keep (`1...groups.count`).
    ///   - ridge: λ relative to the mean diagonal of `G`, as in `solve`.
    /// - Returns: the kept group indices, ascending; nil when `A` is not positive definite even
    ///   after raising λ (the caller falls back to ranking by norm).
    public func selectGroups(_ groups: [[Int]], keep: Int, ridge: Double, unregularized: Int?) -> [Int]? {
        let d = inputs, o = outputs
        guard keep >= 1, keep <= groups.count else { return nil }
        if keep == groups.count { return Array(0..<groups.count) }
        // A⁻¹ by Cholesky (λ raised tenfold up to three times when A is not positive definite).
        var lam = lambda(ridge: ridge, unregularized: unregularized)
        var inv: [Double]? = nil
        for _ in 0..<4 where inv == nil {
            var a = xtx
            for i in 0..<d where i != unregularized { a[i * d + i] += lam }
            inv = Self.inverseSPD(a, n: d)
            lam *= 10
        }
        guard var ainv = inv else { return nil }
        // W = A⁻¹ H.
        var w = [Double](repeating: 0, count: d * o)
        do {
            try ainv.withUnsafeBufferPointer { pa in
                try xty.withUnsafeBufferPointer { ph in
                    try w.withUnsafeMutableBufferPointer { pw in
                        try Gemm.dgemm(transA: false, transB: false, m: d, n: o, k: d, alpha: 1, a: pa, lda: d, b: ph, ldb: o,
                                       beta: 0, c: pw, ldc: o)
                    }
                }
            }
        } catch { return nil }
        var alive = Array(0..<groups.count)
        while alive.count > keep {
            var best: (cost: Double, index: Int, m: [Double])? = nil
            for (ai, gi) in alive.enumerated() {
                let s = groups[gi], g = s.count
                guard g > 0 else { best = (0, ai, []); break }
                var sub = [Double](repeating: 0, count: g * g)
                for (i, si) in s.enumerated() { for (j, sj) in s.enumerated() { sub[i * g + j] = ainv[si * d + sj] } }
                guard let m = Self.inverseSPD(sub, n: g) else { continue }
                var cost = 0.0
                for k in 0..<o {
                    for i in 0..<g {
                        let wi = w[s[i] * o + k]
                        guard wi != 0 else { continue }
                        var t = 0.0
                        for j in 0..<g { t += m[i * g + j] * w[s[j] * o + k] }
                        cost += wi * t
                    }
                }
                if best == nil || cost < best!.cost { best = (cost, ai, m) }
            }
            guard let chosen = best else { return nil }
            let s = groups[alive[chosen.index]], g = s.count
            alive.remove(at: chosen.index)
            guard g > 0 else { continue }
            // P = A⁻¹[:, S] M  [D, g];  W -= P W[S, :];  A⁻¹ -= P A⁻¹[S, :].
            var p = [Double](repeating: 0, count: d * g)
            for r in 0..<d {
                for j in 0..<g {
                    var t = 0.0
                    for i in 0..<g { t += ainv[r * d + s[i]] * chosen.m[i * g + j] }
                    p[r * g + j] = t
                }
            }
            var ws = [Double](repeating: 0, count: g * o), as_ = [Double](repeating: 0, count: g * d)
            for (i, si) in s.enumerated() {
                for k in 0..<o { ws[i * o + k] = w[si * o + k] }
                for k in 0..<d { as_[i * d + k] = ainv[si * d + k] }
            }
            do {
                try p.withUnsafeBufferPointer { pp in
                    try ws.withUnsafeBufferPointer { pws in
                        try w.withUnsafeMutableBufferPointer { pw in
                            try Gemm.dgemm(transA: false, transB: false, m: d, n: o, k: g, alpha: -1, a: pp, lda: g, b: pws, ldb: o,
                                           beta: 1, c: pw, ldc: o)
                        }
                    }
                    try as_.withUnsafeBufferPointer { pas in
                        try ainv.withUnsafeMutableBufferPointer { pi in
                            try Gemm.dgemm(transA: false, transB: false, m: d, n: d, k: g, alpha: -1, a: pp, lda: g, b: pas, ldb: d,
                                           beta: 1, c: pi, ldc: d)
                        }
                    }
                }
            } catch { return nil }
        }
        return alive.sorted()
    }

    /// Inverse of a small symmetric positive-definite matrix (row-major `[n, n]`), nil when not
    /// positive definite.
    static func inverseSPD(_ a: [Double], n: Int) -> [Double]? {
        if n == 1 { return a[0] > 0 && a[0].isFinite ? [1 / a[0]] : nil }
        guard let f = Cholesky(a, n: n) else { return nil }
        var m = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var e = [Double](repeating: 0, count: n)
            e[j] = 1
            let x = f.solve(e)
            for i in 0..<n { m[i * n + j] = x[i] }
        }
        return m
    }
}
