/// Softmax, LogSoftmax and Hardmax (ONNX opset 13+ semantics: one axis), numerically stable
/// (`x - max` before `exp`), plus the opset 1/11 "coerce to 2-D at axis" variants.
///
/// X and Y have the same shape `[d0, ..., dn-1]`; the kernels work on the `(outer, n, inner)` view where
/// `n = shape[axis]`. Each slice is computed by one thread in a fixed order, so results do not depend on
/// the thread count.
public enum Softmax {
    /// The three normalisations sharing this kernel.
    public enum Kind: Sendable {
        /// `exp(x - max) / sum(exp(x - max))`.
        case softmax
        /// `x - max - log(sum(exp(x - max)))`.
        case logSoftmax
        /// 1 at the first maximal element along the axis, 0 elsewhere.
        case hardmax
    }

    /// Normalises along `axis` (ONNX Softmax/LogSoftmax/Hardmax opset 13).
    /// - Throws: `KernelError.invalidArgument` for a bad axis, `.bufferSize`.
    @inlinable
    public static func run<T: KernelFloat>(_ kind: Kind, _ x: UnsafeBufferPointer<T>, shape: [Int], axis: Int,
                                           into y: UnsafeMutableBufferPointer<T>) throws {
        let a = try ShapeMath.normalizeAxis(axis, rank: max(shape.count, 1), kernel: "Softmax")
        let count = try ShapeMath.elementCount(shape, kernel: "Softmax")
        let dims = shape.isEmpty ? [1] : shape
        try run(kind, x, outer: ShapeMath.product(dims, 0..<a), n: dims[a],
                inner: ShapeMath.product(dims, (a + 1)..<dims.count), count: count, into: y)
    }

    /// Opset 1/11 semantics: the input is coerced to 2-D `[prod(shape[..<axis]), prod(shape[axis...])]`
    /// and normalised along the second dimension (default axis 1).
    /// - Throws: `KernelError.invalidArgument`, `.bufferSize`.
    @inlinable
    public static func runFlattened<T: KernelFloat>(_ kind: Kind, _ x: UnsafeBufferPointer<T>, shape: [Int], axis: Int,
                                                    into y: UnsafeMutableBufferPointer<T>) throws {
        let a = axis < 0 ? axis + shape.count : axis
        guard a >= 0 && a <= shape.count else {
            throw KernelError.invalidArgument(kernel: "Softmax", message: "axis \(axis) out of range for rank \(shape.count)")
        }
        let count = try ShapeMath.elementCount(shape, kernel: "Softmax")
        try run(kind, x, outer: ShapeMath.product(shape, 0..<a), n: ShapeMath.product(shape, a..<shape.count),
                inner: 1, count: count, into: y)
    }

    @inlinable
    static func run<T: KernelFloat>(_ kind: Kind, _ x: UnsafeBufferPointer<T>, outer: Int, n: Int, inner: Int,
                                    count: Int, into y: UnsafeMutableBufferPointer<T>) throws {
        try ShapeMath.checkCount(x.count, count, kernel: "Softmax", buffer: "X")
        try ShapeMath.checkCount(y.count, count, kernel: "Softmax", buffer: "Y")
        guard count > 0, let px = x.baseAddress, let py = y.baseAddress else { return }
        let slices = outer * inner
        ParallelFor.run(slices, minChunk: max(1, 4096 / max(1, n))) { range in
            for s in range {
                let o = s / inner, i = s % inner
                let base = o * n * inner + i
                slice(kind, px + base, py + base, n: n, stride: inner)
            }
        }
    }

    /// Normalises one strided slice of length `n`.
    @inlinable
    static func slice<T: KernelFloat>(_ kind: Kind, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                      n: Int, stride: Int) {
        guard n > 0 else { return }
        var maxValue = x[0], argmax = 0
        for j in 1..<max(1, n) where x[j * stride] > maxValue {
            maxValue = x[j * stride]
            argmax = j
        }
        switch kind {
        case .hardmax:
            for j in 0..<n { y[j * stride] = j == argmax ? 1 : 0 }
        case .softmax:
            var sum: T = 0
            for j in 0..<n {
                let e = T.kExp(x[j * stride] - maxValue)
                y[j * stride] = e
                sum += e
            }
            for j in 0..<n { y[j * stride] /= sum }
        case .logSoftmax:
            var sum: T = 0
            for j in 0..<n { sum += T.kExp(x[j * stride] - maxValue) }
            let logSum = T.kLog(sum)
            for j in 0..<n { y[j * stride] = x[j * stride] - maxValue - logSum }
        }
    }
}
