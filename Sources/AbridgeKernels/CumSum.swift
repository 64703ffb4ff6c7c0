/// ONNX `CumSum` (opset 14): running sums along one axis, optionally exclusive and/or reversed.
///
/// X and Y share the shape; `y[j] = sum(x[0...j])` (inclusive) or `sum(x[0..<j])` (exclusive), from the
/// end when `reverse`. Each line is summed sequentially by one thread (integer types wrap), so results
/// never depend on the thread count.
public enum CumSum {
    /// Floating-point cumulative sum (Float, Double, Float16).
    /// - Throws: `KernelError.invalidArgument` for a bad axis, `.bufferSize`.
    @inlinable
    public static func run<T: BinaryFloatingPoint>(_ x: UnsafeBufferPointer<T>, shape: [Int], axis: Int,
                                                   exclusive: Bool = false, reverse: Bool = false,
                                                   into y: UnsafeMutableBufferPointer<T>) throws {
        try run(x, shape: shape, axis: axis, exclusive: exclusive, reverse: reverse, into: y, add: +)
    }

    /// Integer cumulative sum with wrapping (two's complement) overflow, as onnxruntime.
    /// - Throws: `KernelError.invalidArgument` for a bad axis, `.bufferSize`.
    @inlinable
    public static func run<T: FixedWidthInteger>(_ x: UnsafeBufferPointer<T>, shape: [Int], axis: Int,
                                                 exclusive: Bool = false, reverse: Bool = false,
                                                 into y: UnsafeMutableBufferPointer<T>) throws {
        try run(x, shape: shape, axis: axis, exclusive: exclusive, reverse: reverse, into: y, add: &+)
    }

    @inlinable
    static func run<T: AdditiveArithmetic>(_ x: UnsafeBufferPointer<T>, shape: [Int], axis: Int, exclusive: Bool,
                                           reverse: Bool, into y: UnsafeMutableBufferPointer<T>,
                                           add: (T, T) -> T) throws {
        let a = try ShapeMath.normalizeAxis(axis, rank: shape.count, kernel: "CumSum")
        let count = try ShapeMath.elementCount(shape, kernel: "CumSum")
        try ShapeMath.checkCount(x.count, count, kernel: "CumSum", buffer: "X")
        try ShapeMath.checkCount(y.count, count, kernel: "CumSum", buffer: "Y")
        let outer = ShapeMath.product(shape, 0..<a), n = shape[a], inner = ShapeMath.product(shape, (a + 1)..<shape.count)
        guard count > 0, let px = x.baseAddress, let py = y.baseAddress else { return }
        ParallelFor.run(outer * inner, minChunk: max(1, 16384 / max(1, n))) { range in
            for s in range {
                let base = (s / inner) * n * inner + s % inner
                var acc = T.zero
                for t in 0..<n {
                    let j = reverse ? n - 1 - t : t
                    let v = px[base + j * inner]
                    if exclusive {
                        py[base + j * inner] = acc
                        acc = add(acc, v)
                    } else {
                        acc = add(acc, v)
                        py[base + j * inner] = acc
                    }
                }
            }
        }
    }
}
