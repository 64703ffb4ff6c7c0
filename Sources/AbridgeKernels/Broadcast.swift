/// Numpy-style multidirectional broadcasting (ONNX "Broadcasting in ONNX", docs/Broadcasting.md) and
/// generic element-wise kernels over broadcast operands.
///
/// All kernels are generic over the element types (Float, Double, Float16, Int8...Int64, UInt8...UInt64,
/// Bool, ...) and `@inlinable`, so the closure is specialised and inlined at the call site. Work is split
/// over output rows with `ParallelFor`; each output element is computed independently, so results do not
/// depend on the thread count.
public enum Broadcast {
    /// Broadcast shape of several shapes (numpy rules: right-align, each dimension equal or 1).
    /// - Throws: `KernelError.notBroadcastable` listing all shapes on a mismatch.
    public static func shape(of shapes: [[Int]]) throws -> [Int] {
        var rank = 0
        for s in shapes where s.count > rank { rank = s.count }
        var out = [Int](repeating: 1, count: rank)
        for s in shapes {
            for (i, d) in s.enumerated() {
                let o = rank - s.count + i
                guard d >= 0 else { throw KernelError.notBroadcastable(shapes: shapes) }
                if out[o] == 1 { out[o] = d } else if d != 1 && d != out[o] {
                    throw KernelError.notBroadcastable(shapes: shapes)
                }
            }
        }
        return out
    }

    /// Broadcast shape of two shapes. - Throws: `KernelError.notBroadcastable`.
    public static func shape(_ a: [Int], _ b: [Int]) throws -> [Int] {
        if a == b { return a.allSatisfy { $0 >= 0 } ? a : try shape(of: [a, b]) }
        return try shape(of: [a, b])
    }

    /// Element strides of `shape` right-aligned to an output of rank `rank`, 0 on broadcast (size-1 or
    /// missing) axes.
    public static func alignedStrides(_ shape: [Int], to rank: Int) -> [Int] {
        var out = [Int](repeating: 0, count: rank)
        let s = ShapeMath.strides(shape)
        for i in 0..<shape.count where shape[i] != 1 { out[rank - shape.count + i] = s[i] }
        return out
    }

    /// Binary element-wise kernel `out[i] = op(a[ia], b[ib])` with numpy broadcasting of A `aShape` and
    /// B `bShape` to the output shape `Broadcast.shape(aShape, bShape)` (row-major `out`).
    ///
    /// Fast paths: equal shapes and scalar operands reduce to a single contiguous loop; a trailing vector
    /// (e.g. `[N, C] + [C]`) becomes contiguous rows with a repeated operand; anything else walks rows with
    /// strides. Used for ONNX Add/Sub/Mul/Div/Pow/Equal/And/... .
    /// - Throws: `KernelError.notBroadcastable`, `.bufferSize` when a buffer does not match its shape.
    @inlinable @inline(__always)
    public static func binary<A, B, R>(
        _ a: UnsafeBufferPointer<A>, _ aShape: [Int],
        _ b: UnsafeBufferPointer<B>, _ bShape: [Int],
        into out: UnsafeMutableBufferPointer<R>,
        _ op: (A, B) -> R
    ) throws {
        let outShape = try shape(aShape, bShape)
        try checkBuffers([a.count, b.count, out.count], [aShape, bShape, outShape], kernel: "Broadcast.binary")
        let total = out.count
        guard total > 0 else { return }
        let plan = BroadcastPlan(outShape: outShape, shapes: [aShape, bShape])
        let inner = plan.inner, sa = plan.strides[0].last ?? 0, sb = plan.strides[1].last ?? 0
        guard let pa = a.baseAddress, let pb = b.baseAddress, let po = out.baseAddress else { return }
        if plan.dims.count == 1 {
            // Same shape, scalar operand, or shapes that collapse to one run.
            ParallelFor.run(inner, minChunk: Elementwise.cheapGrain) { range in
                for i in range { po[i] = op(pa[i * sa], pb[i * sb]) }
            }
            return
        }
        ParallelFor.run(plan.rows, minChunk: max(1, Elementwise.cheapGrain / inner)) { rows in
            for row in rows {
                let offsets = plan.rowOffsets(row)
                let ra = pa + offsets[0], rb = pb + offsets[1], ro = po + row * inner
                switch (sa, sb) {
                case (1, 1): for i in 0..<inner { ro[i] = op(ra[i], rb[i]) }
                case (1, 0): let v = rb[0]; for i in 0..<inner { ro[i] = op(ra[i], v) }
                case (0, 1): let v = ra[0]; for i in 0..<inner { ro[i] = op(v, rb[i]) }
                default: for i in 0..<inner { ro[i] = op(ra[i * sa], rb[i * sb]) }
                }
            }
        }
    }

    /// Ternary element-wise kernel `out[i] = op(a[ia], b[ib], c[ic])` broadcasting all three shapes
    /// (ONNX `Where(condition, X, Y)` uses `op = { $0 ? $1 : $2 }`).
    /// - Throws: `KernelError.notBroadcastable`, `.bufferSize`.
    @inlinable @inline(__always)
    public static func ternary<A, B, C, R>(
        _ a: UnsafeBufferPointer<A>, _ aShape: [Int],
        _ b: UnsafeBufferPointer<B>, _ bShape: [Int],
        _ c: UnsafeBufferPointer<C>, _ cShape: [Int],
        into out: UnsafeMutableBufferPointer<R>,
        _ op: (A, B, C) -> R
    ) throws {
        let outShape = try shape(of: [aShape, bShape, cShape])
        try checkBuffers([a.count, b.count, c.count, out.count], [aShape, bShape, cShape, outShape],
                         kernel: "Broadcast.ternary")
        guard out.count > 0 else { return }
        let plan = BroadcastPlan(outShape: outShape, shapes: [aShape, bShape, cShape])
        let inner = plan.inner
        let sa = plan.strides[0].last ?? 0, sb = plan.strides[1].last ?? 0, sc = plan.strides[2].last ?? 0
        guard let pa = a.baseAddress, let pb = b.baseAddress, let pc = c.baseAddress, let po = out.baseAddress
        else { return }
        ParallelFor.run(plan.rows, minChunk: max(1, Elementwise.cheapGrain / inner)) { rows in
            for row in rows {
                let offsets = plan.rowOffsets(row)
                let ra = pa + offsets[0], rb = pb + offsets[1], rc = pc + offsets[2], ro = po + row * inner
                if sa == 1 && sb == 1 && sc == 1 {
                    for i in 0..<inner { ro[i] = op(ra[i], rb[i], rc[i]) }
                } else {
                    for i in 0..<inner { ro[i] = op(ra[i * sa], rb[i * sb], rc[i * sc]) }
                }
            }
        }
    }

    /// Copies X `shape` into `out` of shape `outShape`, repeating broadcast axes (ONNX `Expand`; also used
    /// to materialise a broadcast operand). `outShape` must equal `Broadcast.shape(shape, outShape)`.
    /// - Throws: `KernelError.notBroadcastable`, `.bufferSize`.
    @inlinable
    public static func expand<T>(_ x: UnsafeBufferPointer<T>, _ shape: [Int], to outShape: [Int],
                                 into out: UnsafeMutableBufferPointer<T>) throws {
        let full = try self.shape(shape, outShape)
        guard full == outShape else { throw KernelError.notBroadcastable(shapes: [shape, outShape]) }
        try checkBuffers([x.count, out.count], [shape, outShape], kernel: "Broadcast.expand")
        guard out.count > 0, let px = x.baseAddress, let po = out.baseAddress else { return }
        let plan = BroadcastPlan(outShape: outShape, shapes: [shape])
        let inner = plan.inner, sx = plan.strides[0].last ?? 0
        ParallelFor.run(plan.rows, minChunk: max(1, Elementwise.cheapGrain / inner)) { rows in
            for row in rows {
                let src = px + plan.rowOffsets(row)[0], dst = po + row * inner
                if sx == 1 {
                    dst.update(from: src, count: inner)
                } else {
                    dst.update(repeating: src[0], count: inner)
                }
            }
        }
    }

    /// Validates buffer element counts against shapes.
    @inlinable
    static func checkBuffers(_ counts: [Int], _ shapes: [[Int]], kernel: String) throws {
        let names = ["A", "B", "C", "D"]
        for i in 0..<counts.count {
            let n = try ShapeMath.elementCount(shapes[i], kernel: kernel)
            try ShapeMath.checkCount(counts[i], n, kernel: kernel, buffer: i == counts.count - 1 ? "out" : names[i])
        }
    }
}
