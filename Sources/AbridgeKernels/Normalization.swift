/// Normalisation kernels: LayerNormalization, BatchNormalization (inference), InstanceNormalization,
/// GroupNormalization and LRN, following the formulas of their ONNX operator pages.
///
/// Statistics are accumulated in `Double` in a fixed sequential order per normalised group (one thread per
/// group), so results do not depend on the thread count.
public enum Normalization {
    /// Outputs of `layerNorm`'s statistics: Mean and InvStdDev, each `[d0, ..., d(axis-1), 1, ..., 1]`
    /// (one value per normalised row, row-major).
    public struct LayerNormStatistics<T: KernelFloat>: Sendable {
        /// Mean of each normalised row.
        public var mean: [T]
        /// `1 / sqrt(var + epsilon)` of each normalised row.
        public var invStdDev: [T]

        /// Creates statistics from per-row values.
        @inlinable
        public init(mean: [T], invStdDev: [T]) {
            self.mean = mean
            self.invStdDev = invStdDev
        }
    }

    /// ONNX `LayerNormalization` (opset 17): normalises over axes `axis..<rank`.
    ///
    /// X `[d0, ..., dn-1]`; Scale and B unidirectionally broadcastable to the normalised shape
    /// `[d_axis, ..., dn-1]` (`scaleShape`, `biasShape`); Y like X. `Mean = mean(x)`,
    /// `InvStdDev = 1 / sqrt(mean((x - Mean)^2) + epsilon)`, `Y = (x - Mean) * InvStdDev * Scale + B`.
    /// - Returns: Mean and InvStdDev (shape `[d0, ..., d(axis-1), 1, ..., 1]`).
    /// - Throws: `KernelError.invalidArgument`, `.notBroadcastable`, `.bufferSize`.
    @inlinable
    @discardableResult
    public static func layerNorm<T: KernelFloat>(
        _ x: UnsafeBufferPointer<T>, shape: [Int], axis: Int = -1, epsilon: T = 1e-5,
        scale: UnsafeBufferPointer<T>, scaleShape: [Int], bias: UnsafeBufferPointer<T>?, biasShape: [Int] = [],
        into y: UnsafeMutableBufferPointer<T>
    ) throws -> LayerNormStatistics<T> {
        let kernel = "LayerNormalization"
        let a = try ShapeMath.normalizeAxis(axis, rank: shape.count, kernel: kernel)
        let count = try ShapeMath.elementCount(shape, kernel: kernel)
        try ShapeMath.checkCount(x.count, count, kernel: kernel, buffer: "X")
        try ShapeMath.checkCount(y.count, count, kernel: kernel, buffer: "Y")
        let normShape = Array(shape[a...])
        let n = ShapeMath.product(shape, a..<shape.count), rows = ShapeMath.product(shape, 0..<a)
        let s = try expanded(scale, scaleShape, to: normShape, kernel: kernel)
        let hasBias = bias != nil
        let b = try bias.map { try expanded($0, biasShape, to: normShape, kernel: kernel) } ?? []
        var mean = [T](repeating: 0, count: rows), inv = [T](repeating: 0, count: rows)
        guard n > 0, let px = x.baseAddress, let py = y.baseAddress else {
            return LayerNormStatistics(mean: mean, invStdDev: inv)
        }
        s.withUnsafeBufferPointer { ps in b.withUnsafeBufferPointer { pb in
            mean.withUnsafeMutableBufferPointer { pm in inv.withUnsafeMutableBufferPointer { pi in
                ParallelFor.run(rows, minChunk: max(1, 4096 / n)) { range in
                    for r in range {
                        let row = px + r * n, out = py + r * n
                        let (m, invStd) = moments(row, n, stride: 1, epsilon: Double(epsilon))
                        let meanT = T(m), invT = T(invStd)
                        pm[r] = meanT; pi[r] = invT
                        if hasBias {
                            for j in 0..<n { out[j] = (row[j] - meanT) * invT * ps[j] + pb[j] }
                        } else {
                            for j in 0..<n { out[j] = (row[j] - meanT) * invT * ps[j] }
                        }
                    }
                }
            } }
        } }
        return LayerNormStatistics(mean: mean, invStdDev: inv)
    }

    /// ONNX `BatchNormalization` in inference mode (opset 15): X `[N, C, D1, ...]`, scale/B/mean/var `[C]`:
    /// `Y = (X - mean) / sqrt(var + epsilon) * scale + B`, computed as `X * a + b` with per-channel
    /// `a = scale / sqrt(var + epsilon)`, `b = B - mean * a` (as onnxruntime does).
    /// - Throws: `KernelError.invalidShape`, `.bufferSize`.
    @inlinable
    public static func batchNorm<T: KernelFloat>(
        _ x: UnsafeBufferPointer<T>, shape: [Int], scale: UnsafeBufferPointer<T>, bias: UnsafeBufferPointer<T>,
        mean: UnsafeBufferPointer<T>, variance: UnsafeBufferPointer<T>, epsilon: T = 1e-5,
        into y: UnsafeMutableBufferPointer<T>
    ) throws {
        let (batch, c, spatial) = try channelLayout(shape, x.count, y.count, kernel: "BatchNormalization")
        for (name, buffer) in [("scale", scale), ("B", bias), ("mean", mean), ("var", variance)] {
            try ShapeMath.checkCount(buffer.count, c, kernel: "BatchNormalization", buffer: name)
        }
        let a = (0..<c).map { scale[$0] / (variance[$0] + epsilon).squareRoot() }
        let b = (0..<c).map { bias[$0] - mean[$0] * a[$0] }
        guard let px = x.baseAddress, let py = y.baseAddress else { return }
        ParallelFor.run(batch * c, minChunk: max(1, 16384 / max(1, spatial))) { range in
            for nc in range {
                let ch = nc % c, av = a[ch], bv = b[ch]
                let src = px + nc * spatial, dst = py + nc * spatial
                for i in 0..<spatial { dst[i] = src[i] * av + bv }
            }
        }
    }

    /// ONNX `InstanceNormalization` (opset 6/22): X `[N, C, D1, ...]`, scale/B `[C]`; each `(n, c)` plane is
    /// normalised by its own mean and (biased) variance: `Y = scale * (x - mean) / sqrt(var + epsilon) + B`.
    /// - Throws: `KernelError.invalidShape`, `.bufferSize`.
    @inlinable
    public static func instanceNorm<T: KernelFloat>(
        _ x: UnsafeBufferPointer<T>, shape: [Int], scale: UnsafeBufferPointer<T>, bias: UnsafeBufferPointer<T>,
        epsilon: T = 1e-5, into y: UnsafeMutableBufferPointer<T>
    ) throws {
        let (_, c, _) = try channelLayout(shape, x.count, y.count, kernel: "InstanceNormalization")
        try groupNorm(x, shape: shape, groups: c, scale: scale, bias: bias, epsilon: epsilon, into: y)
    }

    /// ONNX `GroupNormalization` (opset 21): X `[N, C, D1, ...]`, scale/B `[C]` (per channel), `groups`
    /// dividing C; statistics over each group of `C / groups` channels and all spatial positions.
    /// - Throws: `KernelError.invalidShape`, `.invalidArgument`, `.bufferSize`.
    @inlinable
    public static func groupNorm<T: KernelFloat>(
        _ x: UnsafeBufferPointer<T>, shape: [Int], groups: Int, scale: UnsafeBufferPointer<T>,
        bias: UnsafeBufferPointer<T>, epsilon: T = 1e-5, into y: UnsafeMutableBufferPointer<T>
    ) throws {
        let kernel = "GroupNormalization"
        let (batch, c, spatial) = try channelLayout(shape, x.count, y.count, kernel: kernel)
        guard groups >= 1, c % groups == 0 else {
            throw KernelError.invalidArgument(kernel: kernel, message: "groups \(groups) must divide C = \(c)")
        }
        try ShapeMath.checkCount(scale.count, c, kernel: kernel, buffer: "scale")
        try ShapeMath.checkCount(bias.count, c, kernel: kernel, buffer: "B")
        let perGroup = c / groups, groupSize = perGroup * spatial
        guard groupSize > 0, let px = x.baseAddress, let py = y.baseAddress else { return }
        ParallelFor.run(batch * groups, minChunk: max(1, 4096 / groupSize)) { range in
            for g in range {
                let src = px + g * groupSize, dst = py + g * groupSize
                let (m, inv) = moments(src, groupSize, stride: 1, epsilon: Double(epsilon))
                for k in 0..<perGroup {
                    let ch = (g % groups) * perGroup + k
                    let sc = scale[ch], bi = bias[ch]
                    for i in (k * spatial)..<((k + 1) * spatial) {
                        dst[i] = T((Double(src[i]) - m) * inv) * sc + bi
                    }
                }
            }
        }
    }

    /// ONNX `LRN` (opset 13): X `[N, C, D1, ...]`,
    /// `square_sum[n, c, ...] = sum(x[n, i, ...]^2)` for `i` in
    /// `[max(0, c - floor((size - 1) / 2)), min(C - 1, c + ceil((size - 1) / 2))]`,
    /// `Y = X / (bias + alpha / size * square_sum)^beta`.
    /// - Throws: `KernelError.invalidShape`, `.invalidArgument` for `size < 1`, `.bufferSize`.
    @inlinable
    public static func lrn<T: KernelFloat>(
        _ x: UnsafeBufferPointer<T>, shape: [Int], size: Int, alpha: T = 0.0001, beta: T = 0.75, bias: T = 1,
        into y: UnsafeMutableBufferPointer<T>
    ) throws {
        let (batch, c, spatial) = try channelLayout(shape, x.count, y.count, kernel: "LRN")
        guard size >= 1 else { throw KernelError.invalidArgument(kernel: "LRN", message: "size \(size) must be >= 1") }
        let below = (size - 1) / 2, above = size - 1 - below
        let coefficient = alpha / T(size)
        guard let px = x.baseAddress, let py = y.baseAddress else { return }
        ParallelFor.run(batch * c, minChunk: max(1, 4096 / max(1, spatial * size))) { range in
            for nc in range {
                let n = nc / c, ch = nc % c
                let lo = max(0, ch - below), hi = min(c - 1, ch + above)
                let dst = py + nc * spatial, src = px + nc * spatial
                for i in 0..<spatial {
                    var sum: T = 0
                    for k in lo...hi { let v = px[(n * c + k) * spatial + i]; sum += v * v }
                    dst[i] = src[i] / T.kPow(bias + coefficient * sum, beta)
                }
            }
        }
    }

    /// Mean and `1 / sqrt(var + epsilon)` of `n` strided values (two passes, Double accumulation).
    @inlinable
    static func moments<T: KernelFloat>(_ p: UnsafePointer<T>, _ n: Int, stride: Int, epsilon: Double) -> (Double, Double) {
        var sum = 0.0
        for j in 0..<n { sum += Double(p[j * stride]) }
        let mean = sum / Double(n)
        var sq = 0.0
        for j in 0..<n { let d = Double(p[j * stride]) - mean; sq += d * d }
        return (mean, 1 / (sq / Double(n) + epsilon).squareRoot())
    }

    /// Splits `[N, C, D...]` into `(N, C, prod(D))` and checks buffers.
    @usableFromInline
    static func channelLayout(_ shape: [Int], _ xCount: Int, _ yCount: Int, kernel: String) throws -> (Int, Int, Int) {
        guard shape.count >= 2 else {
            throw KernelError.invalidShape(kernel: kernel, message: "X \(shape) must be [N, C, ...]")
        }
        let count = try ShapeMath.elementCount(shape, kernel: kernel)
        try ShapeMath.checkCount(xCount, count, kernel: kernel, buffer: "X")
        try ShapeMath.checkCount(yCount, count, kernel: kernel, buffer: "Y")
        return (shape[0], shape[1], ShapeMath.product(shape, 2..<shape.count))
    }

    /// Materialises `buffer` of `shape` broadcast to `target` (unidirectional).
    @usableFromInline
    static func expanded<T>(_ buffer: UnsafeBufferPointer<T>, _ shape: [Int], to target: [Int], kernel: String) throws -> [T] {
        let n = ShapeMath.product(target, 0..<target.count)
        if shape == target || (buffer.count == n && shape.isEmpty) {
            try ShapeMath.checkCount(buffer.count, n, kernel: kernel, buffer: "scale/B")
            return Array(buffer)
        }
        guard try Broadcast.shape(shape, target) == target else {
            throw KernelError.notBroadcastable(shapes: [shape, target])
        }
        guard let first = buffer.first else { return [] }
        var out = [T](repeating: first, count: n)
        try out.withUnsafeMutableBufferPointer { try Broadcast.expand(buffer, shape, to: target, into: $0) }
        return out
    }
}
