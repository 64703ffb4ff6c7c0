/// Element types MaxPool can run on, with the value written for a window that holds no input element
/// (onnxruntime writes `numeric_limits<T>::lowest()`).
public protocol PoolingElement: Comparable, Sendable {
    /// The lowest finite value.
    static var lowestValue: Self { get }
}
extension Float: PoolingElement { public static var lowestValue: Float { -.greatestFiniteMagnitude } }
extension Double: PoolingElement { public static var lowestValue: Double { -.greatestFiniteMagnitude } }
extension Float16: PoolingElement { public static var lowestValue: Float16 { -.greatestFiniteMagnitude } }
extension Int8: PoolingElement { public static var lowestValue: Int8 { .min } }
extension UInt8: PoolingElement { public static var lowestValue: UInt8 { .min } }
extension Int32: PoolingElement { public static var lowestValue: Int32 { .min } }
extension Int64: PoolingElement { public static var lowestValue: Int64 { .min } }

/// N-D pooling (ONNX MaxPool, AveragePool, LpPool opset 22, and the Global* variants).
///
/// X `[N, C, D1, ..., Dn]` -> Y `[N, C, O1, ..., On]` with `O` = `geometry.output` (build the geometry
/// with `ConvGeometry.pool`, which handles `auto_pad` and `ceil_mode`). Planes `(n, c)` run in parallel;
/// each window is reduced in kernel order, so results do not depend on the thread count.
public enum Pooling {
    /// ONNX `MaxPool`: maximum over the window's input elements (pads never win). NaN inputs are skipped
    /// unless first in the window (`>` comparison, as onnxruntime). The optional Indices output `[N, C, O...]`
    /// holds flat indices into X: `(n * C + c) * prod(D) + spatial`, where `spatial` is row-major for
    /// `storageOrder == 0` and column-major (first axis fastest) for `storageOrder == 1`. Ties keep the first
    /// element in window order.
    /// - Throws: `KernelError.invalidShape`, `.invalidArgument`, `.bufferSize`.
    @inlinable
    public static func maxPool<T: PoolingElement>(
        _ x: UnsafeBufferPointer<T>, shape: [Int], geometry: ConvGeometry, storageOrder: Int = 0,
        into y: UnsafeMutableBufferPointer<T>, indices: UnsafeMutableBufferPointer<Int64>? = nil
    ) throws {
        guard storageOrder == 0 || storageOrder == 1 else {
            throw KernelError.invalidArgument(kernel: "MaxPool", message: "storage_order \(storageOrder) must be 0 or 1")
        }
        let plan = try planes(shape, geometry, x.count, y.count, kernel: "MaxPool")
        if let indices { try ShapeMath.checkCount(indices.count, y.count, kernel: "MaxPool", buffer: "Indices") }
        let windows = PoolWindows(geometry)
        let colStrides = columnMajorStrides(geometry.input)
        guard let px = x.baseAddress, let py = y.baseAddress else { return }
        let pi = indices?.baseAddress
        if pi == nil && isPlain2x2Stride2(geometry) {
            // Same comparisons in the same order as the general path (first element, then `>`).
            pool2x2Stride2(px, py, plan: plan, geometry: geometry) { a, b, c, d in
                var best = a
                if b > best { best = b }
                if c > best { best = c }
                if d > best { best = d }
                return best
            }
            return
        }
        if pi == nil, let w = plain3x3(geometry) {
            pool3x3(px, py, plan: plan, geometry: geometry, stride: w.stride, pad: w.pad) { src, rows, cols, width in
                var best = src[0]
                for i in 0..<rows {
                    let row = src + i * width
                    for j in 0..<cols { let v = row[j]; if v > best { best = v } }
                }
                return best
            } full: { a, b, c in
                var best = a[0]
                if a[1] > best { best = a[1] }
                if a[2] > best { best = a[2] }
                if b[0] > best { best = b[0] }
                if b[1] > best { best = b[1] }
                if b[2] > best { best = b[2] }
                if c[0] > best { best = c[0] }
                if c[1] > best { best = c[1] }
                if c[2] > best { best = c[2] }
                return best
            }
            return
        }
        if pi == nil && geometry.rank == 2 {
            // Same windows, same order, same comparisons as the general path, without its
            // per-window offset table.
            let kw = geometry.kernel[1], stride = geometry.strides[1], dilation = geometry.dilations[1]
            ParallelFor.run(plan.planes) { range in
                windows.forEachPlane2D(range, x: px, inSize: plan.inSize, y: py, outSize: plan.outSize) { src, rows, cols, rowStep, colStep, _ in
                    guard rows > 0, cols > 0 else { return T.lowestValue }
                    var best = src[0]
                    for i in 0..<rows {
                        let row = src + i * rowStep
                        for j in 0..<cols { let v = row[j * colStep]; if v > best { best = v } }
                    }
                    return best
                } interior: { src, rows, rowStep, dst, n, _ in
                    guard rows > 0 else { dst.update(repeating: T.lowestValue, count: n); return }
                    for q in 0..<n { dst[q] = src[q * stride] }
                    for i in 0..<rows {
                        for j in 0..<kw where i > 0 || j > 0 {
                            let tap = src + (i * rowStep + j * dilation)
                            if stride == 1 {
                                for q in 0..<n { let v = tap[q]; dst[q] = v > dst[q] ? v : dst[q] }
                            } else {
                                for q in 0..<n { let v = tap[q * stride]; dst[q] = v > dst[q] ? v : dst[q] }
                            }
                        }
                    }
                }
            }
            return
        }
        ParallelFor.run(plan.planes) { range in
            for p in range {
                let src = px + p * plan.inSize, dst = py + p * plan.outSize
                windows.forEachWindow { o, offsets, _ in
                    var best = T.lowestValue, bestOffset = -1
                    for off in offsets where bestOffset < 0 || src[off] > best {
                        best = src[off]; bestOffset = off
                    }
                    dst[o] = best
                    guard let pi else { return }
                    var flat = max(0, bestOffset)
                    if storageOrder == 1 && bestOffset >= 0 {
                        // Re-express the row-major spatial offset column-major (first axis fastest).
                        var r = bestOffset
                        flat = 0
                        for i in stride(from: geometry.rank - 1, through: 0, by: -1) {
                            flat += (r % geometry.input[i]) * colStrides[i]
                            r /= geometry.input[i]
                        }
                    }
                    pi[p * plan.outSize + o] = Int64(p * plan.inSize + flat)
                }
            }
        }
    }

    /// ONNX `AveragePool`: mean over the window. With `countIncludePad` the divisor counts kernel taps inside
    /// the padded extent `[-pad_begin, D + pad_end)` (taps beyond it, from `ceil_mode`, are never counted);
    /// otherwise only taps inside the input. An empty window yields 0.
    /// - Throws: `KernelError.invalidShape`, `.bufferSize`.
    @inlinable
    public static func averagePool<T: KernelFloat>(
        _ x: UnsafeBufferPointer<T>, shape: [Int], geometry: ConvGeometry, countIncludePad: Bool = false,
        into y: UnsafeMutableBufferPointer<T>
    ) throws {
        let plan = try planes(shape, geometry, x.count, y.count, kernel: "AveragePool")
        let windows = PoolWindows(geometry)
        guard let px = x.baseAddress, let py = y.baseAddress else { return }
        if isPlain2x2Stride2(geometry) {
            // Same summation (from 0, in kernel order) and divisor (4 taps, none padded) as the general path.
            pool2x2Stride2(px, py, plan: plan, geometry: geometry) { a, b, c, d in
                var sum: T = 0
                sum += a
                sum += b
                sum += c
                sum += d
                return sum / 4
            }
            return
        }
        if let w = plain3x3(geometry) {
            // Every window lies in the padded extent (9 taps); only the taps inside X are summed.
            pool3x3(px, py, plan: plan, geometry: geometry, stride: w.stride, pad: w.pad) { src, rows, cols, width in
                var sum: T = 0
                for i in 0..<rows {
                    let row = src + i * width
                    for j in 0..<cols { sum += row[j] }
                }
                let divisor = countIncludePad ? 9 : rows * cols
                return sum / T(divisor)
            } full: { a, b, c in
                var sum: T = 0
                sum += a[0]; sum += a[1]; sum += a[2]
                sum += b[0]; sum += b[1]; sum += b[2]
                sum += c[0]; sum += c[1]; sum += c[2]
                return sum / 9
            }
            return
        }
        if geometry.rank == 2 {
            // Same windows and summation order as the general path.
            let kw = geometry.kernel[1], stride = geometry.strides[1], dilation = geometry.dilations[1]
            ParallelFor.run(plan.planes) { range in
                windows.forEachPlane2D(range, x: px, inSize: plan.inSize, y: py, outSize: plan.outSize) { src, rows, cols, rowStep, colStep, padded in
                    var sum: T = 0
                    for i in 0..<rows {
                        let row = src + i * rowStep
                        for j in 0..<cols { sum += row[j * colStep] }
                    }
                    let divisor = countIncludePad ? padded : rows * cols
                    return divisor > 0 ? sum / T(divisor) : 0
                } interior: { src, rows, rowStep, dst, n, padded in
                    dst.update(repeating: 0, count: n)
                    for i in 0..<rows {
                        for j in 0..<kw {
                            let tap = src + (i * rowStep + j * dilation)
                            if stride == 1 {
                                for q in 0..<n { dst[q] += tap[q] }
                            } else {
                                for q in 0..<n { dst[q] += tap[q * stride] }
                            }
                        }
                    }
                    let divisor = countIncludePad ? padded : rows * kw
                    if divisor > 0 {
                        let d = T(divisor)
                        for q in 0..<n { dst[q] = dst[q] / d }
                    }
                }
            }
            return
        }
        ParallelFor.run(plan.planes) { range in
            for p in range {
                let src = px + p * plan.inSize, dst = py + p * plan.outSize
                windows.forEachWindow { o, offsets, padded in
                    var sum: T = 0
                    for off in offsets { sum += src[off] }
                    let divisor = countIncludePad ? padded : offsets.count
                    dst[o] = divisor > 0 ? sum / T(divisor) : 0
                }
            }
        }
    }

    /// ONNX `LpPool`: `(sum over the window of |x|^p)^(1/p)`; pads contribute 0.
    /// - Throws: `KernelError.invalidShape`, `.invalidArgument` for `p <= 0`, `.bufferSize`.
    @inlinable
    public static func lpPool<T: KernelFloat>(
        _ x: UnsafeBufferPointer<T>, shape: [Int], geometry: ConvGeometry, p: Int = 2,
        into y: UnsafeMutableBufferPointer<T>
    ) throws {
        guard p > 0 else { throw KernelError.invalidArgument(kernel: "LpPool", message: "p \(p) must be > 0") }
        let plan = try planes(shape, geometry, x.count, y.count, kernel: "LpPool")
        let windows = PoolWindows(geometry)
        guard let px = x.baseAddress, let py = y.baseAddress else { return }
        ParallelFor.run(plan.planes) { range in
            for q in range {
                let src = px + q * plan.inSize, dst = py + q * plan.outSize
                windows.forEachWindow { o, offsets, _ in
                    var sum: T = 0
                    for off in offsets { sum += lpTerm(src[off], p) }
                    dst[o] = lpRoot(sum, p)
                }
            }
        }
    }

    /// Reductions of the Global* pooling operators.
    public enum GlobalKind: Sendable, Equatable {
        /// `GlobalAveragePool`.
        case average
        /// `GlobalMaxPool` (NaN skipped unless first, as `maxPool`).
        case max
        /// `GlobalLpPool` with exponent `p` (default 2).
        case lp(p: Int)
    }

    /// ONNX `GlobalAveragePool` / `GlobalMaxPool` / `GlobalLpPool`: X `[N, C, D1, ...]` -> Y `[N, C, 1, ..., 1]`
    /// (`N * C` values), reducing each plane in order.
    /// - Throws: `KernelError.invalidShape`, `.invalidArgument`, `.bufferSize`.
    @inlinable
    public static func global<T: KernelFloat>(_ kind: GlobalKind, _ x: UnsafeBufferPointer<T>, shape: [Int],
                                              into y: UnsafeMutableBufferPointer<T>) throws {
        guard shape.count >= 2 else {
            throw KernelError.invalidShape(kernel: "GlobalPool", message: "X \(shape) must be [N, C, ...]")
        }
        try ShapeMath.checkCount(x.count, try ShapeMath.elementCount(shape, kernel: "GlobalPool"), kernel: "GlobalPool", buffer: "X")
        let planes = shape[0] * shape[1], size = ShapeMath.product(shape, 2..<shape.count)
        try ShapeMath.checkCount(y.count, planes, kernel: "GlobalPool", buffer: "Y")
        if case .lp(let p) = kind, p <= 0 {
            throw KernelError.invalidArgument(kernel: "GlobalLpPool", message: "p \(p) must be > 0")
        }
        guard let px = x.baseAddress, let py = y.baseAddress else { return }
        ParallelFor.run(planes, minChunk: max(1, 4096 / max(1, size))) { range in
            for q in range {
                let src = px + q * size
                switch kind {
                case .average:
                    var sum: T = 0
                    for i in 0..<size { sum += src[i] }
                    py[q] = size > 0 ? sum / T(size) : 0
                case .max:
                    var best = size > 0 ? src[0] : -T.greatestFiniteMagnitude
                    for i in 0..<size where src[i] > best { best = src[i] }
                    py[q] = best
                case .lp(let p):
                    var sum: T = 0
                    for i in 0..<size { sum += lpTerm(src[i], p) }
                    py[q] = lpRoot(sum, p)
                }
            }
        }
    }

    @inlinable static func lpTerm<T: KernelFloat>(_ v: T, _ p: Int) -> T {
        p == 1 ? Swift.abs(v) : (p == 2 ? v * v : T.kPow(Swift.abs(v), T(p)))
    }

    @inlinable static func lpRoot<T: KernelFloat>(_ s: T, _ p: Int) -> T {
        p == 1 ? s : (p == 2 ? s.squareRoot() : T.kPow(s, 1 / T(p)))
    }

    /// Whether `g` is the common CNN downsampling window: 2-D, kernel 2x2, stride 2, no dilation, no
    /// padding, floor output (`ceil_mode` 0, or a ceil that adds no window). Every window then lies
    /// wholly inside the input, so `pool2x2Stride2` gives the same values as the general paths.
    @inlinable
    static func isPlain2x2Stride2(_ g: ConvGeometry) -> Bool {
        g.rank == 2 && g.kernel == [2, 2] && g.strides == [2, 2] && g.dilations == [1, 1]
            && g.padsBegin == [0, 0] && g.padsEnd == [0, 0]
            && g.input[0] >= 2 && g.input[1] >= 2
            && g.output[0] == g.input[0] / 2 && g.output[1] == g.input[1] / 2
    }

    /// Planes per `ParallelFor` chunk for the 2x2 fast path: enough that a chunk reads about 32 Ki
    /// elements (thread hand-off costs more than pooling a few small planes).
    @inlinable
    static func plainPoolMinChunk(_ plan: Planes) -> Int { max(1, 32_768 / max(1, plan.inSize)) }

    /// 2x2 stride-2 pooling of `plan.planes` planes (`isPlain2x2Stride2`): output `(r, c)` of a plane is
    /// `combine(a, b, c, d)` of the window's elements in kernel order (row `2r`: `a`, `b`; row `2r + 1`:
    /// `c`, `d`). Planes run in parallel; each output is computed the same way whatever the chunking.
    @inlinable
    static func pool2x2Stride2<T>(_ px: UnsafePointer<T>, _ py: UnsafeMutablePointer<T>, plan: Planes, geometry g: ConvGeometry,
                                  _ combine: (T, T, T, T) -> T) {
        let width = g.input[1], oh = g.output[0], ow = g.output[1]
        ParallelFor.run(plan.planes, minChunk: plainPoolMinChunk(plan)) { range in
            for p in range {
                let src = px + p * plan.inSize, dst = py + p * plan.outSize
                for r in 0..<oh {
                    let top = src + 2 * r * width, bottom = top + width, out = dst + r * ow
                    for c in 0..<ow {
                        out[c] = combine(top[2 * c], top[2 * c + 1], bottom[2 * c], bottom[2 * c + 1])
                    }
                }
            }
        }
    }


    /// `(stride, pad)` when `g` is a 2-D 3x3 window with stride 2 on both axes, no dilation, pads 0 or 1
    /// on every side and floor output (`ceil_mode` 0, or a ceil that adds no window); else nil. Every
    /// window then lies inside the padded extent and holds at least one element of X. Stride 1 stays
    /// on the general 2-D path, whose column-vectorized interior is faster there (0.32 vs 0.43 ms on
    /// `[8, 64, 14, 14]`).
    @inlinable
    static func plain3x3(_ g: ConvGeometry) -> (stride: Int, pad: Int)? {
        guard g.rank == 2, g.kernel == [3, 3], g.dilations == [1, 1] else { return nil }
        let s = g.strides[0], p = g.padsBegin[0]
        guard s == 2, p == 0 || p == 1, g.strides == [s, s], g.padsBegin == [p, p], g.padsEnd == [p, p] else {
            return nil
        }
        for i in 0..<2 {
            guard g.input[i] + 2 * p >= 3, g.output[i] == (g.input[i] + 2 * p - 3) / s + 1 else { return nil }
        }
        return (s, p)
    }

    /// 3x3 pooling (`plain3x3`): output `(r, c)` is `full(row0, row1, row2)` (pointers to the window's
    /// first column in its three rows) when the window lies inside X, else `edge(start, rows, cols,
    /// width)` over the part inside X (`start[i * width + j]`, `i < rows`, `j < cols`, row by row:
    /// the kernel order of the general path). Planes run in parallel.
    @inlinable
    static func pool3x3<T>(_ px: UnsafePointer<T>, _ py: UnsafeMutablePointer<T>, plan: Planes, geometry g: ConvGeometry,
                           stride s: Int, pad: Int,
                           _ edge: (_ start: UnsafePointer<T>, _ rows: Int, _ cols: Int, _ width: Int) -> T,
                           full: (UnsafePointer<T>, UnsafePointer<T>, UnsafePointer<T>) -> T) {
        let height = g.input[0], width = g.input[1], oh = g.output[0], ow = g.output[1]
        // Output columns whose window lies wholly inside X: left = c * s - pad >= 0 and left + 3 <= width.
        let cLo = min(ow, (pad + s - 1) / s)
        let cHi = max(cLo, min(ow, width >= 3 ? (width - 3 + pad) / s + 1 : 0))
        ParallelFor.run(plan.planes, minChunk: plainPoolMinChunk(plan)) { range in
            for p in range {
                let src = px + p * plan.inSize, dst = py + p * plan.outSize
                for r in 0..<oh {
                    let top = r * s - pad, r0 = max(0, top), r1 = min(height, top + 3)
                    let out = dst + r * ow
                    let fullRows = r0 == top && r1 == top + 3
                    var c = 0
                    while c < ow {
                        let left = c * s - pad
                        if fullRows && c >= cLo && c < cHi {
                            let a = src + (top * width + left)
                            out[c] = full(a, a + width, a + 2 * width)
                        } else {
                            let c0 = max(0, left), c1 = min(width, left + 3)
                            out[c] = edge(src + (r0 * width + c0), r1 - r0, c1 - c0, width)
                        }
                        c += 1
                    }
                }
            }
        }
    }

    /// Column-major strides of a spatial shape (first axis fastest), for `storage_order = 1`.
    @usableFromInline
    static func columnMajorStrides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count), acc = 1
        for i in 0..<shape.count { s[i] = acc; acc *= shape[i] }
        return s
    }

    /// Plane count and per-plane input/output sizes.
    @usableFromInline
    struct Planes {
        @usableFromInline let planes: Int, inSize: Int, outSize: Int
    }

    @usableFromInline
    static func planes(_ shape: [Int], _ g: ConvGeometry, _ xCount: Int, _ yCount: Int, kernel: String) throws -> Planes {
        guard shape.count == g.rank + 2, g.rank >= 1, Array(shape[2...]) == g.input else {
            throw KernelError.invalidShape(kernel: kernel, message: "X \(shape) does not match geometry input \(g.input)")
        }
        let planes = shape[0] * shape[1]
        let inSize = try ShapeMath.elementCount(g.input, kernel: kernel), outSize = try ShapeMath.elementCount(g.output, kernel: kernel)
        try ShapeMath.checkCount(xCount, try ShapeMath.elementCount(shape, kernel: kernel), kernel: kernel, buffer: "X")
        try ShapeMath.checkCount(yCount, planes * outSize, kernel: kernel, buffer: "Y")
        return Planes(planes: planes, inSize: inSize, outSize: outSize)
    }
}
