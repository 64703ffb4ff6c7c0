import Testing
@testable import AbridgeKernels

/// The 2-D fast paths of im2col and pooling (added for the runtime benchmark) against
/// element-by-element references written from the definitions, over strides, dilations,
/// asymmetric and oversized pads, and partial position ranges.
@Suite struct FastPathTests {
    static let geometries: [ConvGeometry] = [
        try! ConvGeometry.conv(input: [7, 9], kernel: [3, 3], pads: [1, 1, 1, 1]),
        try! ConvGeometry.conv(input: [7, 9], kernel: [3, 2], strides: [2, 3], dilations: [1, 2], pads: [0, 2, 1, 1]),
        try! ConvGeometry.conv(input: [5, 6], kernel: [2, 3], strides: [1, 2], dilations: [2, 1], pads: [3, 0, 0, 4]),
        try! ConvGeometry.conv(input: [4, 4], kernel: [1, 1], strides: [2, 2]),
        try! ConvGeometry.conv(input: [3, 3], kernel: [3, 3], pads: [2, 2, 2, 2]),
    ]

    /// im2col by its definition: `col[c * K + kidx, p] = X[c, o * s - pb + kidx * d]` or the pad value.
    func naiveIm2col(_ x: [Float], channels: Int, _ g: ConvGeometry, _ range: Range<Int>) -> [Float] {
        let k = g.kernel[0] * g.kernel[1]
        var col: [Float] = []
        for row in 0..<(channels * k) {
            let c = row / k, ki = (row % k) / g.kernel[1], kj = row % g.kernel[1]
            for p in range {
                let oh = p / g.output[1], ow = p % g.output[1]
                let ih = oh * g.strides[0] - g.padsBegin[0] + ki * g.dilations[0]
                let iw = ow * g.strides[1] - g.padsBegin[1] + kj * g.dilations[1]
                let inside = ih >= 0 && ih < g.input[0] && iw >= 0 && iw < g.input[1]
                col.append(inside ? x[(c * g.input[0] + ih) * g.input[1] + iw] : -7)
            }
        }
        return col
    }

    @Test func im2col2DMatchesDefinition() throws {
        for g in Self.geometries {
            let channels = 2, positions = g.output[0] * g.output[1], rows = channels * g.kernel[0] * g.kernel[1]
            let x = pattern(channels * g.input[0] * g.input[1], seed: 5)
            for range in [0..<positions, 1..<max(1, positions - 1), (positions / 2)..<positions] where !range.isEmpty {
                let col: [Float] = try x.withUnsafeBufferPointer { px in
                    try output(rows * range.count) { try Im2Col.im2col(px, channels: channels, geometry: g, positions: range, padValue: -7, into: $0) }
                }
                #expect(col == naiveIm2col(x, channels: channels, g, range), "geometry \(g), positions \(range)")
            }
        }
    }

    @Test func pooling2DMatchesGeneralPath() throws {
        for (i, conv) in Self.geometries.enumerated() {
            // Pooling geometries with the same windows (pads smaller than the kernel, as ONNX requires).
            let pads = zip(conv.padsBegin + conv.padsEnd, conv.kernel + conv.kernel).map { min($0, $1 - 1) }
            let g = try ConvGeometry.pool(input: conv.input, kernel: conv.kernel, strides: conv.strides, dilations: conv.dilations,
                                          pads: pads, ceilMode: i % 2 == 1)
            let shape = [1, 3] + g.input, n = 3 * g.output[0] * g.output[1]
            var x = pattern(shape.reduce(1, *), seed: i)
            x[4] = .nan; x[17] = .nan
            // maxPool: without indices (fast path) equals with indices (general path), NaNs included.
            var idx = [Int64](repeating: 0, count: n)
            let general: [Float] = try x.withUnsafeBufferPointer { px in try idx.withUnsafeMutableBufferPointer { pi in
                try output(n) { try Pooling.maxPool(px, shape: shape, geometry: g, into: $0, indices: pi) }
            } }
            let fast: [Float] = try x.withUnsafeBufferPointer { px in
                try output(n) { try Pooling.maxPool(px, shape: shape, geometry: g, into: $0, indices: nil) }
            }
            #expect(fast.map(\.bitPattern) == general.map(\.bitPattern), "MaxPool geometry \(g)")
            // averagePool against the window sums in kernel order.
            for includePad in [false, true] {
                let y: [Float] = try x.withUnsafeBufferPointer { px in
                    try output(n) { try Pooling.averagePool(px, shape: shape, geometry: g, countIncludePad: includePad, into: $0) }
                }
                var want: [Float] = []
                let windows = PoolWindows(g)
                for plane in 0..<3 {
                    windows.forEachWindow { _, offsets, padded in
                        var sum: Float = 0
                        for off in offsets { sum += x[plane * g.input[0] * g.input[1] + off] }
                        let divisor = includePad ? padded : offsets.count
                        want.append(divisor > 0 ? sum / Float(divisor) : 0)
                    }
                }
                #expect(y.map(\.bitPattern) == want.map(\.bitPattern), "AveragePool geometry \(g) includePad \(includePad)")
            }
        }
    }
}
