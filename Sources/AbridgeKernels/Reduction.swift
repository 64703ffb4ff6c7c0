/// The ONNX Reduce* operators (opset 18 pages): which accumulation to apply over the reduced axes.
public enum ReduceOp: String, Sendable, CaseIterable {
    /// ReduceSum.
    case sum
    /// ReduceMean: sum / count (integer types: truncating division, as onnxruntime).
    case mean
    /// ReduceMax (empty set: -Inf / type minimum).
    case max
    /// ReduceMin (empty set: +Inf / type maximum).
    case min
    /// ReduceProd.
    case prod
    /// ReduceSumSquare: sum of x^2.
    case sumSquare
    /// ReduceL1: sum of |x|.
    case l1
    /// ReduceL2: sqrt(sum of x^2) (floating point only).
    case l2
    /// ReduceLogSum: log(sum x) (floating point only).
    case logSum
    /// ReduceLogSumExp: log(sum exp(x)), computed as `max + log(sum exp(x - max))` (floating point only).
    case logSumExp
}

/// Reductions over an arbitrary axis set with `keepdims` (ONNX ReduceSum/Mean/Max/Min/Prod/SumSquare/
/// L1/L2/LogSum/LogSumExp, opset 18).
///
/// `axes` empty means all axes (the ONNX default when `noop_with_empty_axes` is 0; the caller handles the
/// no-op case). Floating-point sums and products accumulate in `Double`, sequentially in index order for
/// each output; max/min propagate NaN (like numpy `max`). Reducing over an empty set gives the identity
/// (0 for sum, 1 for prod, -Inf/+Inf or the integer limits for max/min, as the opset-18 pages say).
/// Every output element is computed by one thread in a fixed order, so results never depend on the
/// thread count.
public enum Reduction {
    /// Output shape of a reduction. - Throws: `KernelError.invalidArgument` for bad or repeated axes.
    public static func outputShape(_ shape: [Int], axes: [Int], keepDims: Bool = true) throws -> [Int] {
        try ReductionLayout(shape: shape, axes: axes, keepDims: keepDims, kernel: "Reduce").outputShape
    }

    /// Reduces float32/float64 X of `shape` into Y (`outputShape(shape, axes:, keepDims:)` elements).
    /// - Throws: `KernelError.invalidArgument`, `.bufferSize`.
    @inlinable
    public static func reduce<T: KernelFloat>(_ op: ReduceOp, _ x: UnsafeBufferPointer<T>, shape: [Int], axes: [Int],
                                              keepDims: Bool = true, into y: UnsafeMutableBufferPointer<T>) throws {
        let layout = try ReductionLayout(shape: shape, axes: axes, keepDims: keepDims,
                                         forceInnerOne: op == .logSumExp, kernel: "Reduce\(op.rawValue)")
        try withLayout(layout, x, shape: shape, y: y) { src, dst in
            switch op {
            case .sum: walk(layout, src, dst, 0.0, { $0 + Double($1) }, { T($0) })
            case .mean:
                let n = Double(layout.reduced)
                walk(layout, src, dst, 0.0, { $0 + Double($1) }, { T($0 / n) })
            case .max: walk(layout, src, dst, -T.infinity, { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }, { $0 })
            case .min: walk(layout, src, dst, T.infinity, { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }, { $0 })
            case .prod: walk(layout, src, dst, 1.0, { $0 * Double($1) }, { T($0) })
            case .sumSquare: walk(layout, src, dst, 0.0, { $0 + Double($1) * Double($1) }, { T($0) })
            case .l1: walk(layout, src, dst, 0.0, { $0 + Swift.abs(Double($1)) }, { T($0) })
            case .l2: walk(layout, src, dst, 0.0, { $0 + Double($1) * Double($1) }, { T($0.squareRoot()) })
            case .logSum: walk(layout, src, dst, 0.0, { $0 + Double($1) }, { T(Double.kLog($0)) })
            case .logSumExp: logSumExp(layout, src, dst)
            }
        }
    }

    /// Reduces integer X (Int8...Int64, UInt8...UInt64) with wrapping arithmetic for sum/prod/sumSquare/l1.
    /// - Throws: `KernelError.invalidArgument` for l2/logSum/logSumExp (floating point only), `.bufferSize`.
    @inlinable
    public static func reduce<T: FixedWidthInteger>(_ op: ReduceOp, _ x: UnsafeBufferPointer<T>, shape: [Int], axes: [Int],
                                                    keepDims: Bool = true, into y: UnsafeMutableBufferPointer<T>) throws {
        if op == .l2 || op == .logSum || op == .logSumExp {
            throw KernelError.invalidArgument(kernel: "Reduce\(op.rawValue)", message: "requires a floating-point input")
        }
        let layout = try ReductionLayout(shape: shape, axes: axes, keepDims: keepDims, kernel: "Reduce\(op.rawValue)")
        let n = T(truncatingIfNeeded: layout.reduced)
        try withLayout(layout, x, shape: shape, y: y) { src, dst in
            switch op {
            case .sum: walk(layout, src, dst, T.zero, { $0 &+ $1 }, { $0 })
            case .mean: walk(layout, src, dst, T.zero, { $0 &+ $1 }, { n == 0 ? 0 : $0 / n })
            case .max: walk(layout, src, dst, T.min, { Swift.max($0, $1) }, { $0 })
            case .min: walk(layout, src, dst, T.max, { Swift.min($0, $1) }, { $0 })
            case .prod: walk(layout, src, dst, T(1), { $0 &* $1 }, { $0 })
            case .sumSquare: walk(layout, src, dst, T.zero, { $0 &+ $1 &* $1 }, { $0 })
            case .l1: walk(layout, src, dst, T.zero, { $0 &+ ($1 < 0 ? 0 &- $1 : $1) }, { $0 })
            case .l2, .logSum, .logSumExp: break
            }
        }
    }

    /// Validates buffers, applies the layout's permutation if any, and runs `body` on contiguous data.
    @inlinable
    static func withLayout<T>(_ layout: ReductionLayout, _ x: UnsafeBufferPointer<T>, shape: [Int],
                              y: UnsafeMutableBufferPointer<T>,
                              _ body: (UnsafePointer<T>, UnsafeMutablePointer<T>) -> Void) throws {
        try ShapeMath.checkCount(x.count, ShapeMath.product(shape, 0..<shape.count), kernel: "Reduce", buffer: "X")
        try ShapeMath.checkCount(y.count, layout.outer * layout.inner, kernel: "Reduce", buffer: "Y")
        guard let py = y.baseAddress, y.count > 0 else { return }
        guard !x.isEmpty else {
            // Outputs over an empty reduced set: `walk` reads nothing, any valid pointer will do.
            withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { scratch in
                if let p = scratch.baseAddress { body(UnsafePointer(p), py) }
            }
            return
        }
        guard let perm = layout.permutation else {
            if let px = x.baseAddress { body(px, py) }
            return
        }
        let moved = try [T](unsafeUninitializedCapacity: x.count) { buffer, count in
            try Transpose.run(x, shape: shape, perm: perm, into: buffer)
            count = x.count
        }
        moved.withUnsafeBufferPointer { if let pm = $0.baseAddress { body(pm, py) } }
    }

    /// Sequential accumulation over the reduced dimension of an `[outer, reduced, inner]` view.
    @inlinable @inline(__always)
    static func walk<T, A>(_ layout: ReductionLayout, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                           _ initial: A, _ combine: (A, T) -> A, _ finish: (A) -> T) {
        let r = layout.reduced, inner = layout.inner
        if inner == 1 {
            ParallelFor.run(layout.outer, minChunk: max(1, 16384 / max(1, r))) { range in
                for o in range {
                    var acc = initial
                    let row = x + o * r
                    for j in 0..<r { acc = combine(acc, row[j]) }
                    y[o] = finish(acc)
                }
            }
            return
        }
        // Walk rows of `inner` contiguous values; tile inner so each job's accumulators stay in cache.
        let tile = 512, tiles = (inner + tile - 1) / tile
        ParallelFor.run(layout.outer * tiles, minChunk: max(1, 16384 / max(1, r * min(inner, tile)))) { range in
            withUnsafeTemporaryAllocation(of: A.self, capacity: min(inner, tile)) { acc in
                guard let pa = acc.baseAddress else { return }
                pa.initialize(repeating: initial, count: acc.count)
                defer { pa.deinitialize(count: acc.count) }
                for job in range {
                    let o = job / tiles, i0 = (job % tiles) * tile, width = min(tile, inner - i0)
                    for i in 0..<width { pa[i] = initial }
                    for j in 0..<r {
                        let row = x + (o * r + j) * inner + i0
                        for i in 0..<width { pa[i] = combine(pa[i], row[i]) }
                    }
                    for i in 0..<width { y[o * inner + i0 + i] = finish(pa[i]) }
                }
            }
        }
    }

    /// `max + log(sum(exp(x - max)))` per contiguous row (layout forced to `inner == 1`).
    @inlinable
    static func logSumExp<T: KernelFloat>(_ layout: ReductionLayout, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        let r = layout.reduced
        ParallelFor.run(layout.outer, minChunk: max(1, 4096 / max(1, r))) { range in
            for o in range {
                let row = x + o * r
                var m = -T.infinity
                for j in 0..<r where row[j] > m { m = row[j] }
                if !m.isFinite { m = 0 }
                var sum = 0.0
                for j in 0..<r { sum += Double(T.kExp(row[j] - m)) }
                y[o] = T(Double(m) + Double.kLog(sum))
            }
        }
    }
}
