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
        if n == 2 {
            im2col2D(px, channels: channels, geometry: g, positions: positions, padValue: padValue, into: pc)
            return
        }
        im2colND(px, channels: channels, geometry: g, positions: positions, padValue: padValue, into: pc, rowStride: width)
    }

    /// The any-rank body of `im2col`: row `r` of the columns starts at `pc + r * rowStride` (`rowStride >=
    /// positions.count`), so several images can be laid side by side (`im2colImages`).
    @inlinable
    static func im2colND<T>(_ px: UnsafePointer<T>, channels: Int, geometry g: ConvGeometry, positions: Range<Int>,
                            padValue: T, into pc: UnsafeMutablePointer<T>, rowStride: Int) {
        let n = g.rank
        let kernelSize = ShapeMath.product(g.kernel, 0..<n)
        let inSize = ShapeMath.product(g.input, 0..<n)
        let width = positions.count, rows = channels * kernelSize
        guard n >= 1, rows > 0, width > 0 else { return }
        let inStrides = ShapeMath.strides(g.input)
        let lastOut = g.output[n - 1]
        ParallelFor.run(rows, minChunk: max(1, 4096 / max(1, width))) { rowRange in
            var kidx = [Int](repeating: 0, count: n)
            var oc = [Int](repeating: 0, count: n)
            for row in rowRange {
                let c = row / kernelSize
                var kr = row % kernelSize
                for i in stride(from: n - 1, through: 0, by: -1) { kidx[i] = kr % g.kernel[i]; kr /= g.kernel[i] }
                let dst = pc + row * rowStride
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

    /// im2col of several images side by side, for one GEMM over a batch of small images.
    ///
    /// Image `i` (`0 ..< images`) is `[C, input...]` starting at `x[i * imageStride]` (for a channel group
    /// of an NCHW batch: `imageStride = C_total * prod(input)`, `x` rebased at the group's first channel).
    /// `col` is `[C * prod(kernel), images * P]` row-major with `P = prod(output)`: row `c * K + kidx`
    /// (kernel index row-major), column `i * P + p` (p = output position of image `i`, row-major), so
    /// each image's block is exactly what `im2col` gives for `positions: 0..<P`. Entries outside the
    /// input are `padValue`. Parallel over rows (each entry written by one thread).
    /// - Throws: `KernelError.bufferSize` when a buffer is too small, `.invalidArgument` for a negative
    ///   count or an image stride shorter than an image.
    @inlinable
    public static func im2colImages<T>(_ x: UnsafeBufferPointer<T>, imageStride: Int, images: Int, channels: Int,
                                       geometry g: ConvGeometry, padValue: T,
                                       into col: UnsafeMutableBufferPointer<T>) throws {
        let n = g.rank
        guard n >= 1 else { throw KernelError.invalidShape(kernel: "im2col", message: "needs >= 1 spatial axis") }
        let kernelSize = ShapeMath.product(g.kernel, 0..<n)
        let inSize = ShapeMath.product(g.input, 0..<n), outSize = ShapeMath.product(g.output, 0..<n)
        let rows = channels * kernelSize
        guard images >= 0, channels >= 0, imageStride >= channels * inSize else {
            throw KernelError.invalidArgument(kernel: "im2col", message: "images \(images), channels \(channels), image stride \(imageStride) < \(channels * inSize)")
        }
        guard images > 0, rows > 0, outSize > 0 else { return }
        let width = try ShapeMath.elementCount([images, outSize], kernel: "im2col")
        try ShapeMath.checkAtLeast(x.count, (images - 1) * imageStride + channels * inSize, kernel: "im2col", buffer: "X")
        try ShapeMath.checkAtLeast(col.count, try ShapeMath.elementCount([rows, width], kernel: "im2col"), kernel: "im2col", buffer: "col")
        guard let px = x.baseAddress, let pc = col.baseAddress else { return }
        guard n == 2 else {
            for i in 0..<images {
                im2colND(px + i * imageStride, channels: channels, geometry: g, positions: 0..<outSize,
                         padValue: padValue, into: pc + i * outSize, rowStride: width)
            }
            return
        }
        let kh = g.kernel[0], kw = g.kernel[1]
        let inH = g.input[0], inW = g.input[1], outH = g.output[0], outW = g.output[1]
        let sh = g.strides[0], sw = g.strides[1], dh = g.dilations[0], dw = g.dilations[1]
        let ph = g.padsBegin[0], pw = g.padsBegin[1]
        /// ceil(a / b) for b > 0 and any sign of a.
        func ceilDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? (a + b - 1) / b : -((-a) / b) }
        ParallelFor.run(rows, minChunk: max(1, 4096 / width)) { rowRange in
            for row in rowRange {
                let c = row / kernelSize, k = row % kernelSize, ki = k / kw, kj = k % kw
                // Output rows oh with 0 <= oh * sh - ph + ki * dh < inH, columns likewise.
                let shiftH = ki * dh - ph, shiftW = kj * dw - pw
                let ohLo = min(outH, max(0, ceilDiv(-shiftH, sh))), ohHi = max(ohLo, min(outH, max(0, ceilDiv(inH - shiftH, sh))))
                let owLo = min(outW, max(0, ceilDiv(-shiftW, sw))), owHi = max(owLo, min(outW, max(0, ceilDiv(inW - shiftW, sw))))
                let rowBase = pc + row * width, validW = owHi - owLo
                // Offsets below stay within the validated buffers (checked above), hence wrapping arithmetic.
                let firstSrc = (ohLo &* sh &+ shiftH) &* inW &+ shiftW &+ owLo &* sw, srcStep = sh &* inW
                for i in 0..<images {
                    let dst = rowBase + i &* outSize
                    if ohLo > 0 { dst.update(repeating: padValue, count: ohLo &* outW) }
                    var out = dst + ohLo &* outW
                    var srcRow = px + (i &* imageStride &+ c &* inSize &+ firstSrc)
                    for _ in ohLo..<ohHi {
                        var j = 0
                        while j < owLo { out[j] = padValue; j &+= 1 }
                        let o = out + owLo
                        if sw == 1 {
                            var t = 0
                            while t < validW { o[t] = srcRow[t]; t &+= 1 }
                        } else {
                            var t = 0
                            while t < validW { o[t] = srcRow[t &* sw]; t &+= 1 }
                        }
                        j = owHi
                        while j < outW { out[j] = padValue; j &+= 1 }
                        out += outW
                        srcRow += srcStep
                    }
                    if ohHi < outH { (dst + ohHi * outW).update(repeating: padValue, count: (outH - ohHi) * outW) }
                }
            }
        }
    }

    /// The 2-D case of `im2col` (same layout, same values): per kernel row and output row, the
    /// columns that fall inside the input are one contiguous copy (stride 1) or one strided
    /// gather, and the rest is padding, computed from the bounds instead of per element.
    @inlinable
    static func im2col2D<T>(_ px: UnsafePointer<T>, channels: Int, geometry g: ConvGeometry, positions: Range<Int>,
                            padValue: T, into pc: UnsafeMutablePointer<T>) {
        let kh = g.kernel[0], kw = g.kernel[1], kernelSize = kh * kw
        let inH = g.input[0], inW = g.input[1], outW = g.output[1]
        let sh = g.strides[0], sw = g.strides[1], dh = g.dilations[0], dw = g.dilations[1]
        let ph = g.padsBegin[0], pw = g.padsBegin[1]
        let p0 = positions.lowerBound, p1 = positions.upperBound, width = p1 - p0
        let rows = channels * kernelSize
        /// ceil(a / b) for b > 0 and any sign of a.
        func ceilDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? (a + b - 1) / b : -((-a) / b) }
        ParallelFor.run(rows, minChunk: max(1, 4096 / max(1, width))) { rowRange in
            for row in rowRange {
                let c = row / kernelSize, k = row % kernelSize, ki = k / kw, kj = k % kw
                let src = px + c * inH * inW
                let dst = pc + row * width
                // Output columns ow with 0 <= ow * sw - pw + kj * dw < inW.
                let shift = kj * dw - pw
                let validLo = max(0, ceilDiv(-shift, sw)), validHi = min(outW, max(0, ceilDiv(inW - shift, sw)))
                var p = p0
                while p < p1 {
                    let oh = p / outW, owStart = p % outW, owEnd = min(outW, owStart + (p1 - p))
                    let out = dst + (p - p0)
                    let ih = oh * sh - ph + ki * dh
                    if ih < 0 || ih >= inH {
                        out.update(repeating: padValue, count: owEnd - owStart)
                    } else {
                        let lo = min(max(owStart, validLo), owEnd), hi = max(min(owEnd, validHi), lo)
                        if lo > owStart { out.update(repeating: padValue, count: lo - owStart) }
                        let srcRow = src + ih * inW + shift
                        if hi > lo {
                            if sw == 1 {
                                (out + (lo - owStart)).update(from: srcRow + lo, count: hi - lo)
                            } else {
                                let o = out + (lo - owStart)
                                for j in 0..<(hi - lo) { o[j] = srcRow[(lo + j) * sw] }
                            }
                        }
                        if owEnd > hi { (out + (hi - owStart)).update(repeating: padValue, count: owEnd - hi) }
                    }
                    p += owEnd - owStart
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
