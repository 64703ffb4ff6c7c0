/// Per-axis description of every pooling window of a `ConvGeometry`: for output coordinate `o` on axis
/// `i`, the window touches input indices `first + t * dilation` for `t in 0..<count` (the part inside the
/// input), and `padded` kernel taps fall inside the padded extent `[-padBegin, in + padEnd)`.
@usableFromInline
struct PoolWindows: Sendable {
    @usableFromInline let first: [[Int]]
    @usableFromInline let count: [[Int]]
    @usableFromInline let padded: [[Int]]
    @usableFromInline let geometry: ConvGeometry

    @usableFromInline
    init(_ g: ConvGeometry) {
        var first: [[Int]] = [], count: [[Int]] = [], padded: [[Int]] = []
        for i in 0..<g.rank {
            var f: [Int] = [], c: [Int] = [], p: [Int] = []
            let d = g.dilations[i], k = g.kernel[i], n = g.input[i]
            for o in 0..<g.output[i] {
                let start = o * g.strides[i] - g.padsBegin[i]
                var lo = k, hi = 0, inPad = 0
                for t in 0..<k {
                    let v = start + t * d
                    if v >= 0 && v < n { lo = min(lo, t); hi = max(hi, t + 1) }
                    if v >= -g.padsBegin[i] && v < n + g.padsEnd[i] { inPad += 1 }
                }
                f.append(lo < hi ? start + lo * d : 0)
                c.append(max(0, hi - lo))
                p.append(inPad)
            }
            first.append(f); count.append(c); padded.append(p)
        }
        self.first = first; self.count = count; self.padded = padded; self.geometry = g
    }

    /// Calls `body(outputIndex, offsets)` for every output position of one plane, where `offsets` lists
    /// the row-major input offsets of the valid window elements (in kernel order) and `padded` the number of
    /// taps inside the padded extent. `scratch` is reused between calls.
    @inlinable
    func forEachWindow(_ body: (_ outputIndex: Int, _ offsets: ArraySlice<Int>, _ padded: Int, _ spatial: [Int]) -> Void) {
        let g = geometry, rank = g.rank
        let inStrides = ShapeMath.strides(g.input)
        let total = ShapeMath.product(g.output, 0..<rank)
        var o = [Int](repeating: 0, count: rank)
        var t = [Int](repeating: 0, count: rank)
        var offsets = [Int](repeating: 0, count: max(1, ShapeMath.product(g.kernel, 0..<rank)))
        var spatial = [Int](repeating: 0, count: max(1, ShapeMath.product(g.kernel, 0..<rank) * rank))
        for index in 0..<total {
            var n = 1, pad = 1
            for i in 0..<rank { n *= count[i][o[i]]; pad *= padded[i][o[i]] }
            if n > 0 {
                for i in 0..<rank { t[i] = 0 }
                for e in 0..<n {
                    var off = 0
                    for i in 0..<rank {
                        let v = first[i][o[i]] + t[i] * g.dilations[i]
                        off += v * inStrides[i]
                        spatial[e * rank + i] = v
                    }
                    offsets[e] = off
                    var i = rank - 1
                    while i >= 0 {
                        t[i] += 1
                        if t[i] < count[i][o[i]] { break }
                        t[i] = 0; i -= 1
                    }
                }
            }
            body(index, offsets[0..<n], pad, spatial)
            var i = rank - 1
            while i >= 0 {
                o[i] += 1
                if o[i] < g.output[i] { break }
                o[i] = 0; i -= 1
            }
        }
    }
}
