/// ONNX `ArgMax` / `ArgMin` (opset 13): index of the largest / smallest element along one axis.
///
/// X `[d0, ..., dn-1]` -> Y int64 with `d_axis` replaced by 1 (`keepDims`) or removed. Ties resolve to the
/// first occurrence, or the last with `selectLastIndex`. NaN never compares greater or smaller, so it is
/// only selected when it is the first element. Slices are independent, so results never depend on the
/// thread count.
public enum ArgExtremum {
    /// Output shape. - Throws: `KernelError.invalidArgument` for a bad axis.
    public static func outputShape(_ shape: [Int], axis: Int, keepDims: Bool = true) throws -> [Int] {
        try Reduction.outputShape(shape, axes: [axis], keepDims: keepDims)
    }

    /// Computes ArgMax (`largest`) or ArgMin into `y` (`outputShape` elements).
    /// - Throws: `KernelError.invalidArgument`, `.bufferSize`, `.invalidShape` for a zero-length axis.
    @inlinable
    public static func run<T: Comparable>(_ x: UnsafeBufferPointer<T>, shape: [Int], axis: Int, largest: Bool,
                                          keepDims: Bool = true, selectLastIndex: Bool = false,
                                          into y: UnsafeMutableBufferPointer<Int64>) throws {
        let kernel = largest ? "ArgMax" : "ArgMin"
        let a = try ShapeMath.normalizeAxis(axis, rank: shape.count, kernel: kernel)
        try ShapeMath.checkCount(x.count, try ShapeMath.elementCount(shape, kernel: kernel), kernel: kernel, buffer: "X")
        let outer = ShapeMath.product(shape, 0..<a), n = shape[a], inner = ShapeMath.product(shape, (a + 1)..<shape.count)
        try ShapeMath.checkCount(y.count, outer * inner, kernel: kernel, buffer: "Y")
        guard outer * inner > 0 else { return }
        guard n > 0 else { throw KernelError.invalidShape(kernel: kernel, message: "axis \(axis) of \(shape) is empty") }
        guard let px = x.baseAddress, let py = y.baseAddress else { return }
        ParallelFor.run(outer * inner, minChunk: max(1, 16384 / n)) { range in
            for s in range {
                let base = (s / inner) * n * inner + s % inner
                var best = px[base], index = 0
                for j in 1..<max(1, n) {
                    let v = px[base + j * inner]
                    let better = largest ? (selectLastIndex ? v >= best : v > best) : (selectLastIndex ? v <= best : v < best)
                    if better { best = v; index = j }
                }
                py[s] = Int64(index)
            }
        }
    }
}
