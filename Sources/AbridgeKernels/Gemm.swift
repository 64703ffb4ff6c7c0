import COpenBLAS

/// Dense floating-point GEMM through OpenBLAS (`cblas_sgemm` / `cblas_dgemm`), row-major.
///
/// Computes `C = alpha * op(A) * op(B) + beta * C` with `op(A)` of shape `[M, K]`, `op(B)` of shape `[K, N]`
/// and `C` of shape `[M, N]`, exactly as BLAS `?gemm` (and the ONNX `Gemm` operator page, before its `C`
/// broadcasting, which the caller does by pre-filling `c`). When `beta == 0`, `c` is not read (BLAS rule).
/// Leading dimensions are in elements: `lda` is the row length of the *stored* A (`K` when not transposed,
/// `M` when transposed), likewise `ldb` and `ldc`.
public enum Gemm {
    /// Single-precision GEMM: A `[M, K]` (or `[K, M]` when `transA`), B `[K, N]` (or `[N, K]`), C `[M, N]`, float32.
    /// - Throws: `KernelError.invalidArgument` for negative sizes or too-small leading dimensions,
    ///   `.bufferSize` when a buffer is too short, `.overflow` when a size exceeds BLAS 32-bit integers.
    public static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafeBufferPointer<Float>, lda: Int,
        b: UnsafeBufferPointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutableBufferPointer<Float>, ldc: Int
    ) throws {
        let g = try GemmGeometry(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc,
                                 counts: (a.count, b.count, c.count), kernel: "sgemm")
        guard m > 0 && n > 0 else { return }
        guard k > 0, let pa = a.baseAddress, let pb = b.baseAddress, let pc = c.baseAddress else {
            scaleC(c, m: m, n: n, ldc: ldc, beta: beta)
            return
        }
        cblas_sgemm(CblasRowMajor, g.ta, g.tb, g.m, g.n, g.k, alpha, pa, g.lda, pb, g.ldb, beta, pc, g.ldc)
    }

    /// Double-precision GEMM with the same conventions as `sgemm`, float64.
    /// - Throws: as `sgemm`.
    public static func dgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafeBufferPointer<Double>, lda: Int,
        b: UnsafeBufferPointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutableBufferPointer<Double>, ldc: Int
    ) throws {
        let g = try GemmGeometry(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc,
                                 counts: (a.count, b.count, c.count), kernel: "dgemm")
        guard m > 0 && n > 0 else { return }
        guard k > 0, let pa = a.baseAddress, let pb = b.baseAddress, let pc = c.baseAddress else {
            scaleC(c, m: m, n: n, ldc: ldc, beta: beta)
            return
        }
        cblas_dgemm(CblasRowMajor, g.ta, g.tb, g.m, g.n, g.k, alpha, pa, g.lda, pb, g.ldb, beta, pc, g.ldc)
    }

    /// `C = beta * C` (with `beta == 0` writing zeros without reading C), used when `K == 0`.
    static func scaleC<T: BinaryFloatingPoint>(_ c: UnsafeMutableBufferPointer<T>, m: Int, n: Int, ldc: Int, beta: T) {
        for i in 0..<m {
            for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] }
        }
    }
}

/// Validated GEMM sizes converted to BLAS integers.
struct GemmGeometry {
    let m: Int32, n: Int32, k: Int32, lda: Int32, ldb: Int32, ldc: Int32
    let ta: CBLAS_TRANSPOSE, tb: CBLAS_TRANSPOSE

    init(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int,
         counts: (a: Int, b: Int, c: Int), kernel: String) throws {
        guard m >= 0, n >= 0, k >= 0 else {
            throw KernelError.invalidArgument(kernel: kernel, message: "negative size m=\(m) n=\(n) k=\(k)")
        }
        // Stored shapes: A is [M, K] or [K, M]; B is [K, N] or [N, K].
        let (aRows, aCols) = transA ? (k, m) : (m, k)
        let (bRows, bCols) = transB ? (n, k) : (k, n)
        guard lda >= max(1, aCols), ldb >= max(1, bCols), ldc >= max(1, n) else {
            throw KernelError.invalidArgument(
                kernel: kernel, message: "leading dimensions lda=\(lda) ldb=\(ldb) ldc=\(ldc) too small for m=\(m) n=\(n) k=\(k)")
        }
        func needed(_ rows: Int, _ cols: Int, _ ld: Int) throws -> Int {
            guard rows > 0 && cols > 0 else { return 0 }
            let (p, o) = (rows - 1).multipliedReportingOverflow(by: ld)
            guard !o else { throw KernelError.overflow(kernel: kernel, message: "\(rows) x \(ld)") }
            return p + cols
        }
        let na = try needed(aRows, aCols, lda), nb = try needed(bRows, bCols, ldb), nc = try needed(m, n, ldc)
        guard counts.a >= na else { throw KernelError.bufferSize(kernel: kernel, buffer: "A", expected: na, actual: counts.a) }
        guard counts.b >= nb else { throw KernelError.bufferSize(kernel: kernel, buffer: "B", expected: nb, actual: counts.b) }
        guard counts.c >= nc else { throw KernelError.bufferSize(kernel: kernel, buffer: "C", expected: nc, actual: counts.c) }
        func blas(_ v: Int, _ name: String) throws -> Int32 {
            guard let r = Int32(exactly: v) else {
                throw KernelError.overflow(kernel: kernel, message: "\(name)=\(v) exceeds BLAS 32-bit integers")
            }
            return r
        }
        self.m = try blas(m, "m"); self.n = try blas(n, "n"); self.k = try blas(k, "k")
        self.lda = try blas(lda, "lda"); self.ldb = try blas(ldb, "ldb"); self.ldc = try blas(ldc, "ldc")
        self.ta = transA ? CblasTrans : CblasNoTrans
        self.tb = transB ? CblasTrans : CblasNoTrans
    }
}
