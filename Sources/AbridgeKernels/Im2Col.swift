/// im2col / col2im lowering of N-D convolutions to GEMM (as in Caffe and onnxruntime's `math::Im2col`).
///
/// For one image and one channel group, X `[C, D1, ..., Dn]` maps to col `[C * k1 * ... * kn, P]` where
/// `P = prod(output)`: row `c * K + kidx` (kernel index row-major), column = output position (row-major).
/// Entry = `X[c, o * s - pb + kidx * d]` per axis, or `padValue` outside the input.
public enum Im2Col {
    /// Fills `col[:, p0..<p1]` for output positions `p0..<p1` (columns stored with row stride `p1 - p0`).
    ///
    /// `x` holds `[C, input...]` of one image/group, `col` must have `C * prod(kernel) * (p1 - p0)` elements.
    /// Generic over the element type so `ConvInteger` can pad with the zero point.
    /// - Throws: `KernelError.bufferSize` when buffers are too small.
    @inlinable
    public static func im2col<T>(_ x: UnsafeBufferPointer<T>, channels: Int, geometry g: ConvGeometry,
                                 positions: Range<Int>, padValue: T, into col: UnsafeMutableBufferPointer<T>) throws {
        let n = g.rank
        let kernelSize = ShapeMath.product(g.kernel, 0..<n)
        let inSize = ShapeMath.product(g.input, 0..<n)
        let width = positions.count, rows = channels * kernelSize
        guard n >= 1 else { throw KernelError.invalidShape(kernel: "im2col", message: "needs >= 1 spatial axis") }
        try ShapeMath.checkAtLeast(x.count, channels * inSize, kernel: "im2col", buffer: "X")
        try ShapeMath.checkAtLeast(col.count, rows * width, kernel: "im2col", buffer: "col")
        guard rows > 0, width > 0, let px = x.baseAddress, let pc = col.baseAddress else { return }
        let inStrides = ShapeMath.strides(g.input)
        let lastOut = g.output[n - 1]
        ParallelFor.run(rows, minChunk: max(1, 4096 / max(1, width))) { rowRange in
            var kidx = [Int](repeating: 0, count: n)
            var oc = [Int](repeating: 0, count: n)
            for row in rowRange {
                let c = row / kernelSize
                var kr = row % kernelSize
                for i in stride(from: n - 1, through: 0, by: -1) { kidx[i] = kr % g.kernel[i]; kr /= g.kernel[i] }
                let dst = pc + row * width
                let src = px + c * inSize
                var p = positions.lowerBound
                while p < positions.upperBound {
                    // Decompose p into output coordinates; walk a run along the last axis.
                    var r = p
                    for i in stride(from: n - 1, through: 0, by: -1) { oc[i] = r % g.output[i]; r /= g.output[i] }
                    let runLength = min(lastOut - oc[n - 1], positions.upperBound - p)
                    var base = 0, inside = true
                    for i in 0..<(n - 1) {
                        let v = oc[i] * g.strides[i] - g.padsBegin[i] + kidx[i] * g.dilations[i]
                        if v < 0 || v >= g.input[i] { inside = false; break }
                        base += v * inStrides[i]
                    }
                    let out = dst + (p - positions.lowerBound)
                    if !inside {
                        for j in 0..<runLength { out[j] = padValue }
                    } else {
                        let s = g.strides[n - 1], inLast = g.input[n - 1]
                        let start = -g.padsBegin[n - 1] + kidx[n - 1] * g.dilations[n - 1] + oc[n - 1] * s
                        let srcRow = src + base
                        if s == 1 && start >= 0 && start + runLength <= inLast {
                            out.update(from: srcRow + start, count: runLength)
                        } else {
                            for j in 0..<runLength {
                                let v = start + j * s
                                out[j] = (v >= 0 && v < inLast) ? srcRow[v] : padValue
                            }
                        }
                    }
                    p += max(1, runLength)
                }
            }
        }
    }

    /// Accumulates col `[C * prod(kernel), prod(input)]` into Y `[C, output...]` (`y += col2im(col)`),
    /// the adjoint of `im2col` with the roles of input and output swapped, as ConvTranspose needs:
    /// `Y[c, i * s - pb + kidx * d] += col[c * K + kidx, i]` where `i` runs over `geometry.input` positions.
    ///
    /// Parallel over channels; within a channel the kernel rows are added in a fixed order, so results
    /// do not depend on the thread count.
    /// - Throws: `KernelError.bufferSize`.
    public static func col2im(_ col: UnsafeBufferPointer<Float>, channels: Int, geometry g: ConvGeometry,
                              into y: UnsafeMutableBufferPointer<Float>) throws {
        let n = g.rank
        let kernelSize = ShapeMath.product(g.kernel, 0..<n)
        let inSize = ShapeMath.product(g.input, 0..<n), outSize = ShapeMath.product(g.output, 0..<n)
        guard n >= 1 else { throw KernelError.invalidShape(kernel: "col2im", message: "needs >= 1 spatial axis") }
        try ShapeMath.checkCount(col.count, channels * kernelSize * inSize, kernel: "col2im", buffer: "col")
        try ShapeMath.checkCount(y.count, channels * outSize, kernel: "col2im", buffer: "Y")
        guard channels > 0, inSize > 0, outSize > 0, let pc = col.baseAddress, let py = y.baseAddress else { return }
        let outStrides = ShapeMath.strides(g.output)
        let lastIn = g.input[n - 1]
        ParallelFor.run(channels) { channelRange in
            var kidx = [Int](repeating: 0, count: n)
            var ic = [Int](repeating: 0, count: n)
            for c in channelRange {
                let dstChannel = py + c * outSize
                for k in 0..<kernelSize {
                    var kr = k
                    for i in stride(from: n - 1, through: 0, by: -1) { kidx[i] = kr % g.kernel[i]; kr /= g.kernel[i] }
                    let src = pc + (c * kernelSize + k) * inSize
                    for outer in 0..<(inSize / lastIn) {
                        var r = outer, base = 0, inside = true
                        for i in stride(from: n - 2, through: 0, by: -1) { ic[i] = r % g.input[i]; r /= g.input[i] }
                        for i in 0..<(n - 1) {
                            let v = ic[i] * g.strides[i] - g.padsBegin[i] + kidx[i] * g.dilations[i]
                            if v < 0 || v >= g.output[i] { inside = false; break }
                            base += v * outStrides[i]
                        }
                        guard inside else { continue }
                        let s = g.strides[n - 1], outLast = g.output[n - 1]
                        let start = -g.padsBegin[n - 1] + kidx[n - 1] * g.dilations[n - 1]
                        let srcRow = src + outer * lastIn, dstRow = dstChannel + base
                        for j in 0..<lastIn {
                            let v = start + j * s
                            if v >= 0 && v < outLast { dstRow[v] += srcRow[j] }
                        }
                    }
                }
            }
        }
    }
}
