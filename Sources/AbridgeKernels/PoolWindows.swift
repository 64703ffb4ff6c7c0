/// Per-axis description of every pooling window of a `ConvGeometry`: for output coordinate `o` on axis
/// `i`, the window touches input indices `first + t * dilation` for `t in 0..<count` (the part inside the
/// input), and `padded` kernel taps fall inside the padded extent `[-padBegin, in + padEnd)`.
/// Tables are flat (`axisBase[i] + o`) so that walking windows allocates nothing.
@usableFromInline
struct PoolWindows: Sendable {
    @usableFromInline let first: [Int]
    @usableFromInline let count: [Int]
    @usableFromInline let padded: [Int]
    @usableFromInline let axisBase: [Int]
    @usableFromInline let geometry: ConvGeometry
    @usableFromInline let maxElements: Int
    /// Output positions on the last axis whose window lies wholly inside the input (a contiguous
    /// range; empty when there is none).
    @usableFromInline let interiorColumns: Range<Int>

    @usableFromInline
    init(_ g: ConvGeometry) {
        var first: [Int] = [], count: [Int] = [], padded: [Int] = [], axisBase: [Int] = []
        for i in 0..<g.rank {
            axisBase.append(first.count)
            let d = g.dilations[i], k = g.kernel[i], n = g.input[i]
            for o in 0..<g.output[i] {
                let start = o * g.strides[i] - g.padsBegin[i]
                var lo = k, hi = 0, inPad = 0
                for t in 0..<k {
                    let v = start + t * d
                    if v >= 0 && v < n { lo = min(lo, t); hi = max(hi, t + 1) }
                    if v >= -g.padsBegin[i] && v < n + g.padsEnd[i] { inPad += 1 }
                }
                first.append(lo < hi ? start + lo * d : 0)
                count.append(max(0, hi - lo))
                padded.append(inPad)
            }
        }
        self.first = first; self.count = count; self.padded = padded; self.axisBase = axisBase
        self.geometry = g
        self.maxElements = max(1, g.kernel.reduce(1, *))
        var lo = 0, hi = 0
        if let last = g.rank > 0 ? g.rank - 1 : nil {
            let full = (0..<g.output[last]).filter { o in
                count[axisBase[last] + o] == g.kernel[last] && first[axisBase[last] + o] == o * g.strides[last] - g.padsBegin[last]
            }
            if let a = full.first, let b = full.last, b - a + 1 == full.count { lo = a; hi = b + 1 }
        }
        interiorColumns = lo..<hi
    }

    /// Calls `body(outputIndex, offsets, padded)` for every output position of one plane, in row-major
    /// output order. `offsets` holds the row-major input offsets of the window elements inside the input,
    /// in kernel order; `padded` is the number of kernel taps inside the padded extent. The buffer is
    /// reused between calls.
    @inlinable
    func forEachWindow(_ body: (_ outputIndex: Int, _ offsets: UnsafeBufferPointer<Int>, _ padded: Int) -> Void) {
        let g = geometry, rank = g.rank
        let inStrides = ShapeMath.strides(g.input)
        let total = ShapeMath.product(g.output, 0..<rank)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: maxElements + 3 * rank) { scratch in
            guard let base = scratch.baseAddress else { return }
            let offsets = base, o = base + maxElements, t = o + rank, cnt = t + rank
            for i in 0..<rank { o[i] = 0 }
            first.withUnsafeBufferPointer { pf in count.withUnsafeBufferPointer { pc in
                padded.withUnsafeBufferPointer { pp in
                    for index in 0..<total {
                        var n = 1, pad = 1, start = 0
                        for i in 0..<rank {
                            let e = axisBase[i] + o[i]
                            cnt[i] = pc[e]; n *= pc[e]; pad *= pp[e]
                            start += pf[e] * inStrides[i]
                            t[i] = 0
                        }
                        if n > 0 {
                            // Odometer over the window; the last axis is the inner loop.
                            let last = rank - 1, lastCount = cnt[last], lastStep = g.dilations[last] * inStrides[last]
                            var e = 0, rowStart = start
                            while e < n {
                                for j in 0..<lastCount { offsets[e + j] = rowStart + j * lastStep }
                                e += lastCount
                                var i = last - 1
                                while i >= 0 {
                                    t[i] += 1
                                    rowStart += g.dilations[i] * inStrides[i]
                                    if t[i] < cnt[i] { break }
                                    rowStart -= t[i] * g.dilations[i] * inStrides[i]
                                    t[i] = 0
                                    i -= 1
                                }
                            }
                        }
                        body(index, UnsafeBufferPointer(start: offsets, count: n), pad)
                        var i = rank - 1
                        while i >= 0 {
                            o[i] += 1
                            if o[i] < g.output[i] { break }
                            o[i] = 0
                            i -= 1
                        }
                    }
                }
            } }
        }
    }

    /// 2-D pooling without offset tables: for planes `range` (plane `p` reads `x + p * inSize` and
    /// writes `y + p * outSize`), sets each output to `reduce(start, rows, cols, rowStep, colStep,
    /// padded)`, where the window's input elements inside the input are
    /// `start[i * rowStep + j * colStep]` for `i < rows`, `j < cols`, visited row by row (the kernel
    /// order of `forEachWindow`). `start` is only valid when `rows * cols > 0`.
    /// - Precondition: `geometry.rank == 2`.
    ///
    /// The columns of `interiorColumns` (full windows along the last axis) of each output row are
    /// instead handed at once to `interior(start, rows, rowStep, dst, n, padded)`, which must
    /// give the same values as `reduce` would: output `dst[q]` (`q < n`) has the window
    /// `start[q * stride + i * rowStep + j * dilation]`, `i < rows`, `j < kernel[1]`. Looping
    /// over the kernel taps outside and the columns inside keeps each output's own order of
    /// operations and lets the compiler vectorize across columns.
    @inlinable
    func forEachPlane2D<T>(_ range: Range<Int>, x: UnsafePointer<T>, inSize: Int, y: UnsafeMutablePointer<T>, outSize: Int,
                           _ reduce: (_ start: UnsafePointer<T>, _ rows: Int, _ cols: Int, _ rowStep: Int, _ colStep: Int,
                                      _ padded: Int) -> T,
                           interior: (_ start: UnsafePointer<T>, _ rows: Int, _ rowStep: Int, _ dst: UnsafeMutablePointer<T>,
                                      _ n: Int, _ padded: Int) -> Void) {
        let g = geometry
        let oh = g.output[0], ow = g.output[1], width = g.input[1]
        let rowStep = g.dilations[0] * width, colStep = g.dilations[1]
        let b1 = axisBase[1]
        let inner = interiorColumns
        first.withUnsafeBufferPointer { pf in count.withUnsafeBufferPointer { pc in padded.withUnsafeBufferPointer { pp in
            for p in range {
                let src = x + p * inSize
                let out = y + p * outSize
                for r in 0..<oh {
                    let rows = pc[r], rowStart = pf[r] * width, rowPad = pp[r]
                    let dst = out + r * ow
                    var c = 0
                    while c < ow {
                        if c == inner.lowerBound && !inner.isEmpty {
                            interior(src + (rowStart + pf[b1 + c]), rows, rowStep, dst + c, inner.count, rowPad * pp[b1 + c])
                            c = inner.upperBound
                            continue
                        }
                        dst[c] = reduce(src + (rowStart + pf[b1 + c]), rows, pc[b1 + c], rowStep, colStep, rowPad * pp[b1 + c])
                        c += 1
                    }
                }
            }
        } } }
    }
}
