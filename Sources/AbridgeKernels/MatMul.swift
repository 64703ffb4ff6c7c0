/// Batched matrix product with numpy `matmul` semantics (ONNX `MatMul`, opset 1/9/13), float32 and float64.
///
/// A `[..., M, K]`, B `[..., K, N]` -> Y `[..., M, N]`; batch dimensions broadcast (numpy rules). A 1-D A
/// `[K]` is treated as `[1, K]` and the `M` axis is removed from the result; a 1-D B `[K]` as `[K, 1]` with
/// the `N` axis removed. Each batch is one `cblas_?gemm` call.
public enum MatMul {
    /// Output shape of `MatMul(A, B)`.
    /// - Throws: `KernelError.invalidShape` for rank-0 operands or mismatched `K`,
    ///   `.notBroadcastable` for incompatible batch dimensions.
    public static func outputShape(_ aShape: [Int], _ bShape: [Int]) throws -> [Int] {
        try MatMulPlan(aShape, bShape).outShape
    }

    /// Float32 `Y = A @ B`. - Throws: as `outputShape`, plus `.bufferSize`.
    public static func run(_ a: UnsafeBufferPointer<Float>, _ aShape: [Int],
                           _ b: UnsafeBufferPointer<Float>, _ bShape: [Int],
                           into y: UnsafeMutableBufferPointer<Float>) throws {
        let plan = try MatMulPlan(aShape, bShape)
        try plan.check(a.count, b.count, y.count)
        for batch in 0..<plan.batchCount {
            let (oa, ob) = plan.offsets(batch)
            try Gemm.sgemm(transA: false, transB: false, m: plan.m, n: plan.n, k: plan.k, alpha: 1,
                           a: UnsafeBufferPointer(rebasing: a[oa..<(oa + plan.m * plan.k)]), lda: max(1, plan.k),
                           b: UnsafeBufferPointer(rebasing: b[ob..<(ob + plan.k * plan.n)]), ldb: max(1, plan.n),
                           beta: 0, c: UnsafeMutableBufferPointer(rebasing: y[(batch * plan.m * plan.n)...]),
                           ldc: max(1, plan.n))
        }
    }

    /// Float64 `Y = A @ B`. - Throws: as `outputShape`, plus `.bufferSize`.
    public static func run(_ a: UnsafeBufferPointer<Double>, _ aShape: [Int],
                           _ b: UnsafeBufferPointer<Double>, _ bShape: [Int],
                           into y: UnsafeMutableBufferPointer<Double>) throws {
        let plan = try MatMulPlan(aShape, bShape)
        try plan.check(a.count, b.count, y.count)
        for batch in 0..<plan.batchCount {
            let (oa, ob) = plan.offsets(batch)
            try Gemm.dgemm(transA: false, transB: false, m: plan.m, n: plan.n, k: plan.k, alpha: 1,
                           a: UnsafeBufferPointer(rebasing: a[oa..<(oa + plan.m * plan.k)]), lda: max(1, plan.k),
                           b: UnsafeBufferPointer(rebasing: b[ob..<(ob + plan.k * plan.n)]), ldb: max(1, plan.n),
                           beta: 0, c: UnsafeMutableBufferPointer(rebasing: y[(batch * plan.m * plan.n)...]),
                           ldc: max(1, plan.n))
        }
    }
}

/// Shapes, sizes and per-batch operand offsets of a broadcast MatMul; shared with `IntegerGemm`.
public struct MatMulPlan: Sendable {
    /// Rows of each product.
    public let m: Int
    /// Columns of each product.
    public let n: Int
    /// Shared inner dimension.
    public let k: Int
    /// Broadcast batch shape.
    public let batchShape: [Int]
    /// Final output shape (batch + `[M, N]` with 1-D squeezes applied).
    public let outShape: [Int]
    /// Number of batch matrices (product of `batchShape`).
    public let batchCount: Int
    let aBatchShape: [Int], bBatchShape: [Int]
    let aStrides: [Int], bStrides: [Int]
    let aCount: Int, bCount: Int

    /// Plans `A [..., M, K] @ B [..., K, N]` with numpy 1-D promotion rules.
    /// - Throws: `KernelError.invalidShape`, `.notBroadcastable`.
    public init(_ aShape: [Int], _ bShape: [Int]) throws {
        guard !aShape.isEmpty, !bShape.isEmpty else {
            throw KernelError.invalidShape(kernel: "MatMul", message: "operands must have rank >= 1, got \(aShape) and \(bShape)")
        }
        let a2 = aShape.count == 1 ? [1, aShape[0]] : aShape
        let b2 = bShape.count == 1 ? [bShape[0], 1] : bShape
        m = a2[a2.count - 2]; k = a2[a2.count - 1]; n = b2[b2.count - 1]
        guard b2[b2.count - 2] == k else {
            throw KernelError.invalidShape(kernel: "MatMul", message: "inner dimensions differ: \(aShape) @ \(bShape)")
        }
        aBatchShape = Array(a2.dropLast(2)); bBatchShape = Array(b2.dropLast(2))
        batchShape = try Broadcast.shape(aBatchShape, bBatchShape)
        var out = batchShape
        if aShape.count > 1 { out.append(m) }
        if bShape.count > 1 { out.append(n) }
        outShape = out
        batchCount = try ShapeMath.elementCount(batchShape, kernel: "MatMul")
        aStrides = Broadcast.alignedStrides(aBatchShape, to: batchShape.count)
        bStrides = Broadcast.alignedStrides(bBatchShape, to: batchShape.count)
        aCount = try ShapeMath.elementCount(aShape, kernel: "MatMul")
        bCount = try ShapeMath.elementCount(bShape, kernel: "MatMul")
        _ = try ShapeMath.elementCount(outShape, kernel: "MatMul") // rejects an overflowing output size
    }

    /// Checks operand and output buffer sizes. - Throws: `KernelError.bufferSize`.
    public func check(_ a: Int, _ b: Int, _ y: Int) throws {
        try ShapeMath.checkCount(a, aCount, kernel: "MatMul", buffer: "A")
        try ShapeMath.checkCount(b, bCount, kernel: "MatMul", buffer: "B")
        try ShapeMath.checkCount(y, ShapeMath.product(outShape, 0..<outShape.count), kernel: "MatMul", buffer: "Y")
    }

    /// Element offsets of batch `batch`'s A `[M, K]` and B `[K, N]` matrices (in matrix units times size).
    public func offsets(_ batch: Int) -> (a: Int, b: Int) {
        var r = batch, ia = 0, ib = 0
        for axis in stride(from: batchShape.count - 1, through: 0, by: -1) {
            let c = r % batchShape[axis]
            r /= batchShape[axis]
            ia += c * aStrides[axis]; ib += c * bStrides[axis]
        }
        return (ia * m * k, ib * k * n)
    }
}
