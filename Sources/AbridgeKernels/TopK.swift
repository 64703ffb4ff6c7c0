/// ONNX `TopK` (opset 11/24): the `k` largest (or smallest) elements along an axis with their indices.
///
/// X `[d0, ..., dn-1]` -> Values and Indices (int64) with `d_axis` replaced by `k`. Output is always sorted
/// (largest first, or smallest first when `largest` is false), which satisfies `sorted` = 0 too. Equal
/// values keep the lower index first, as the operator page requires. NaN (a value not equal to itself)
/// ranks above every number, as numpy's sort puts it last. Slices are independent, so results never depend
/// on the thread count.
public enum TopK {
    /// Output shape. - Throws: `KernelError.invalidArgument` for a bad axis or `k` outside `0...d_axis`.
    public static func outputShape(_ shape: [Int], axis: Int, k: Int) throws -> [Int] {
        let a = try ShapeMath.normalizeAxis(axis, rank: shape.count, kernel: "TopK")
        guard k >= 0 && k <= shape[a] else {
            throw KernelError.invalidArgument(kernel: "TopK", message: "k \(k) outside 0...\(shape[a]) for axis \(axis) of \(shape)")
        }
        var s = shape
        s[a] = k
        return s
    }

    /// Computes Values and Indices (`outputShape` elements each).
    /// - Throws: `KernelError.invalidArgument`, `.bufferSize`.
    @inlinable
    public static func run<T: Comparable>(_ x: UnsafeBufferPointer<T>, shape: [Int], axis: Int, k: Int,
                                          largest: Bool = true, values: UnsafeMutableBufferPointer<T>,
                                          indices: UnsafeMutableBufferPointer<Int64>) throws {
        let outShape = try outputShape(shape, axis: axis, k: k)
        let a = try ShapeMath.normalizeAxis(axis, rank: shape.count, kernel: "TopK")
        try ShapeMath.checkCount(x.count, try ShapeMath.elementCount(shape, kernel: "TopK"), kernel: "TopK", buffer: "X")
        let outCount = ShapeMath.product(outShape, 0..<outShape.count)
        try ShapeMath.checkCount(values.count, outCount, kernel: "TopK", buffer: "Values")
        try ShapeMath.checkCount(indices.count, outCount, kernel: "TopK", buffer: "Indices")
        let outer = ShapeMath.product(shape, 0..<a), n = shape[a], inner = ShapeMath.product(shape, (a + 1)..<shape.count)
        guard outCount > 0, let px = x.baseAddress, let pv = values.baseAddress, let pi = indices.baseAddress else { return }
        ParallelFor.run(outer * inner, minChunk: max(1, 4096 / max(1, n))) { range in
            var order = [Int](repeating: 0, count: n)
            for s in range {
                let o = s / inner, i = s % inner
                let base = o * n * inner + i
                for j in 0..<n { order[j] = j }
                order.sort { p, q in
                    let u = px[base + p * inner], v = px[base + q * inner]
                    let c = largest ? greater(u, v) : greater(v, u)
                    return c || (!greater(u, v) && !greater(v, u) && p < q)
                }
                let outBase = o * k * inner + i
                for j in 0..<k {
                    pv[outBase + j * inner] = px[base + order[j] * inner]
                    pi[outBase + j * inner] = Int64(order[j])
                }
            }
        }
    }

    /// Strict "greater" with NaN (self-unequal) above all numbers.
    @inlinable static func greater<T: Comparable>(_ a: T, _ b: T) -> Bool {
        let aNaN = a != a, bNaN = b != b
        if aNaN || bNaN { return aNaN && !bNaN }
        return a > b
    }
}
