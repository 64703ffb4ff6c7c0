/// Integer matrix products for MatMulInteger, QLinearMatMul and ConvInteger (ONNX opset 10/21 pages):
/// 8-bit (or 16-bit) operands with zero points, exact `Int32` accumulation.
///
/// `C[m, n] = sum_k (A[m, k] - za[m]) * (B[k, n] - zb[n])` where `za` is per-tensor (1 value) or per-row
/// (`M` values) and `zb` per-tensor or per-column (`N` values). B is repacked once into a transposed `Int32`
/// panel and rows of A are processed four at a time, so each B row is streamed once per four output rows.
/// Accumulation wraps on `Int32` overflow (needs `K` > 33,000 for 8-bit inputs). Rows are split over
/// threads; integer arithmetic is exact, so results never depend on the thread count.
public enum IntegerGemm {
    /// Computes C `[M, N]` (row-major, `Int32`) from A `[M, K]` and B `[K, N]` (row-major).
    /// - Throws: `KernelError.bufferSize` for wrong buffer or zero-point sizes, `.invalidArgument` for
    ///   negative sizes or operands wider than 16 bits.
    @inlinable
    public static func gemm<A: FixedWidthInteger, B: FixedWidthInteger>(
        m: Int, n: Int, k: Int, a: UnsafeBufferPointer<A>, aZeroPoint: UnsafeBufferPointer<A>? = nil,
        b: UnsafeBufferPointer<B>, bZeroPoint: UnsafeBufferPointer<B>? = nil,
        into c: UnsafeMutableBufferPointer<Int32>
    ) throws {
        let kernel = "IntegerGemm"
        guard m >= 0, n >= 0, k >= 0 else {
            throw KernelError.invalidArgument(kernel: kernel, message: "negative size m=\(m) n=\(n) k=\(k)")
        }
        guard A.bitWidth <= 16, B.bitWidth <= 16 else {
            throw KernelError.invalidArgument(kernel: kernel, message: "operands must be 8- or 16-bit integers")
        }
        let (mk, o1) = m.multipliedReportingOverflow(by: k), (kn, o2) = k.multipliedReportingOverflow(by: n)
        let (mn, o3) = m.multipliedReportingOverflow(by: n)
        guard !o1, !o2, !o3 else { throw KernelError.overflow(kernel: kernel, message: "m=\(m) n=\(n) k=\(k)") }
        try ShapeMath.checkCount(a.count, mk, kernel: kernel, buffer: "A")
        try ShapeMath.checkCount(b.count, kn, kernel: kernel, buffer: "B")
        try ShapeMath.checkCount(c.count, mn, kernel: kernel, buffer: "C")
        if let za = aZeroPoint, za.count != 1 { try ShapeMath.checkCount(za.count, m, kernel: kernel, buffer: "a_zero_point") }
        if let zb = bZeroPoint, zb.count != 1 { try ShapeMath.checkCount(zb.count, n, kernel: kernel, buffer: "b_zero_point") }
        guard mn > 0, let pc = c.baseAddress else { return }
        guard k > 0 else { pc.update(repeating: 0, count: mn); return }
        // Transposed, zero-point-adjusted B: bt[j * k + t] = B[t, j] - zb[j].
        let zb: [Int32] = (0..<n).map { j in bZeroPoint.map { Int32($0[$0.count == 1 ? 0 : j]) } ?? 0 }
        var bt = [Int32](repeating: 0, count: kn)
        for t in 0..<k {
            for j in 0..<n { bt[j * k + t] = Int32(b[t * n + j]) - zb[j] }
        }
        bt.withUnsafeBufferPointer { btb in
            guard let pbt = btb.baseAddress, let pa = a.baseAddress else { return }
            let rowBlocks = (m + 3) / 4
            ParallelFor.run(rowBlocks, minChunk: max(1, 65536 / max(1, n * k * 4))) { range in
                var rows = [Int32](repeating: 0, count: 4 * k)
                for block in range {
                    let r0 = block * 4, count = min(4, m - r0)
                    for r in 0..<4 {
                        let row = r0 + min(r, count - 1)
                        let z = aZeroPoint.map { Int32($0[$0.count == 1 ? 0 : row]) } ?? 0
                        for t in 0..<k { rows[r * k + t] = Int32(pa[row * k + t]) - z }
                    }
                    rows.withUnsafeBufferPointer { pr in
                        guard let p = pr.baseAddress else { return }
                        for j in 0..<n {
                            let col = pbt + j * k
                            var s0: Int32 = 0, s1: Int32 = 0, s2: Int32 = 0, s3: Int32 = 0
                            for t in 0..<k {
                                let v = col[t]
                                s0 &+= p[t] &* v
                                s1 &+= p[k + t] &* v
                                s2 &+= p[2 * k + t] &* v
                                s3 &+= p[3 * k + t] &* v
                            }
                            let sums = (s0, s1, s2, s3)
                            for r in 0..<count {
                                let value: Int32
                                switch r { case 0: value = sums.0; case 1: value = sums.1; case 2: value = sums.2; default: value = sums.3 }
                                pc[(r0 + r) * n + j] = value
                            }
                        }
                    }
                }
            }
        }
    }

    /// ONNX `MatMulInteger` with numpy batch broadcasting (see `MatMul`): A `[..., M, K]`, B `[..., K, N]`
    /// -> Y int32 `[..., M, N]`; `aZeroPoint` scalar or `[M]`, `bZeroPoint` scalar or `[N]`.
    /// - Throws: `KernelError.invalidShape`, `.notBroadcastable`, `.bufferSize`.
    @inlinable
    public static func matMul<A: FixedWidthInteger, B: FixedWidthInteger>(
        _ a: UnsafeBufferPointer<A>, _ aShape: [Int], aZeroPoint: UnsafeBufferPointer<A>? = nil,
        _ b: UnsafeBufferPointer<B>, _ bShape: [Int], bZeroPoint: UnsafeBufferPointer<B>? = nil,
        into y: UnsafeMutableBufferPointer<Int32>
    ) throws {
        let plan = try MatMulPlan(aShape, bShape)
        try plan.check(a.count, b.count, y.count)
        let mk = plan.m * plan.k, kn = plan.k * plan.n, mn = plan.m * plan.n
        for batch in 0..<plan.batchCount {
            let (oa, ob) = plan.offsets(batch)
            try gemm(m: plan.m, n: plan.n, k: plan.k, a: UnsafeBufferPointer(rebasing: a[oa..<(oa + mk)]), aZeroPoint: aZeroPoint,
                     b: UnsafeBufferPointer(rebasing: b[ob..<(ob + kn)]), bZeroPoint: bZeroPoint,
                     into: UnsafeMutableBufferPointer(rebasing: y[(batch * mn)..<((batch + 1) * mn)]))
        }
    }

    /// Requantizes Int32 accumulators (QLinearMatMul / QLinearConv output stage, as onnxruntime's
    /// `MlasRequantizeOutput`): `y = saturate(round_half_even(Float(acc) * multiplier) + zeroPoint)` with
    /// `multiplier = a_scale * b_scale / y_scale`, either one value or one per column (`columns` values,
    /// the innermost dimension of `acc`).
    /// - Throws: `KernelError.bufferSize`, `.invalidArgument` when `Q` cannot hold `type`.
    @inlinable
    public static func requantize<Q: FixedWidthInteger>(
        _ acc: UnsafeBufferPointer<Int32>, multiplier: UnsafeBufferPointer<Float>, columns: Int = 1,
        zeroPoint: Q, type: QuantizedIntegerType, into y: UnsafeMutableBufferPointer<Q>
    ) throws {
        guard Int64(Q.min) <= Int64(type.range.lowerBound), Int64(Q.max) >= Int64(type.range.upperBound) else {
            throw KernelError.invalidArgument(kernel: "Requantize", message: "\(Q.self) cannot hold \(type.rawValue)")
        }
        try ShapeMath.checkCount(y.count, acc.count, kernel: "Requantize", buffer: "Y")
        if multiplier.count != 1 {
            try ShapeMath.checkCount(multiplier.count, columns, kernel: "Requantize", buffer: "multiplier")
            guard columns > 0, acc.count % columns == 0 else {
                throw KernelError.invalidArgument(kernel: "Requantize", message: "\(acc.count) values are not rows of \(columns)")
            }
        }
        let z = Int32(zeroPoint), range = type.range, perColumn = multiplier.count != 1
        for i in 0..<acc.count {
            let s = multiplier[perColumn ? i % columns : 0]
            y[i] = Q(truncatingIfNeeded: requantizeValue(acc[i], s, z, range))
        }
    }

    /// `saturate(round_half_even(Float(acc) * multiplier) + zeroPoint)`.
    @inlinable
    public static func requantizeValue(_ acc: Int32, _ multiplier: Float, _ zeroPoint: Int32, _ range: ClosedRange<Int32>) -> Int32 {
        let scaled = (Float(acc) * multiplier).rounded(.toNearestOrEven) + Float(zeroPoint)
        return Int32(Swift.min(Swift.max(scaled, Float(range.lowerBound)), Float(range.upperBound)))
    }
}
