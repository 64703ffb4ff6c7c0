import AbridgeKernels

/// Row-major `C = alpha·op(A)·op(B) + beta·C` on whole arrays through `Gemm.sgemm` (OpenBLAS),
/// with the leading dimensions of densely stored operands: A `[M, K]` (`[K, M]` when `transA`),
/// B `[K, N]` (`[N, K]` when `transB`), C `[M, N]`.
enum DenseGemm {
    static func run(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                    a: UnsafeBufferPointer<Float>, b: UnsafeBufferPointer<Float>,
                    beta: Float = 0, c: UnsafeMutableBufferPointer<Float>) throws {
        try Gemm.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                       a: a, lda: max(1, transA ? m : k), b: b, ldb: max(1, transB ? k : n),
                       beta: beta, c: c, ldc: max(1, n))
    }

    static func run(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                    a: [Float], b: [Float], beta: Float = 0, c: inout [Float]) throws {
        try a.withUnsafeBufferPointer { pa in
            try b.withUnsafeBufferPointer { pb in
                try c.withUnsafeMutableBufferPointer { pc in
                    try run(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: pa, b: pb, beta: beta, c: pc)
                }
            }
        }
    }
}
