import Testing
@testable import AbridgeKernels

@Suite struct Im2ColTests {
    @Test func handComputed1D() throws {
        // X [1, 4] = [1, 2, 3, 4], k 2, stride 2, pads 1/1 -> outputs 3; rows (k0, k1):
        // k0 reads x[-1], x[1], x[3] = [pad, 2, 4]; k1 reads x[0], x[2], x[4] = [1, 3, pad].
        let g = try ConvGeometry.conv(input: [4], kernel: [2], strides: [2], pads: [1, 1])
        let x: [Float] = [1, 2, 3, 4]
        let col: [Float] = try x.withUnsafeBufferPointer { px in
            try output(6) { try Im2Col.im2col(px, channels: 1, geometry: g, positions: 0..<3, padValue: -9, into: $0) }
        }
        #expect(col == [-9, 2, 4, 1, 3, -9])
    }

    @Test func partialPositionRangesMatchFullColumns() throws {
        // Tiled im2col (as Convolution uses for large inputs) must equal the matching columns of the full one.
        let g = try ConvGeometry.conv(input: [5, 6], kernel: [3, 2], strides: [2, 1], dilations: [1, 2], pads: [1, 0, 2, 1])
        let positions = g.output.reduce(1, *), rows = 2 * 6
        let x = pattern(2 * 30, seed: 3)
        let full: [Float] = try x.withUnsafeBufferPointer { px in
            try output(rows * positions) { try Im2Col.im2col(px, channels: 2, geometry: g, positions: 0..<positions, padValue: 0, into: $0) }
        }
        for range in [0..<4, 3..<positions, 5..<6] {
            let part: [Float] = try x.withUnsafeBufferPointer { px in
                try output(rows * range.count) { try Im2Col.im2col(px, channels: 2, geometry: g, positions: range, padValue: 0, into: $0) }
            }
            for r in 0..<rows {
                #expect(Array(part[(r * range.count)..<((r + 1) * range.count)]) == Array(full[(r * positions + range.lowerBound)..<(r * positions + range.upperBound)]))
            }
        }
    }

    @Test func scalarEdgeCases() throws {
        // Rank-0 tensors: transpose is a copy, reducing "all axes" returns the value.
        let s: [Float] = [7]
        #expect(try s.withUnsafeBufferPointer { p in try output(1) { try Transpose.run(p, shape: [], perm: [], into: $0) } } == [7])
        #expect(try s.withUnsafeBufferPointer { p in try output(1) { try Reduction.reduce(.sum, p, shape: [], axes: [], into: $0) } } == [7])
        #expect(try s.withUnsafeBufferPointer { p in try output(1) { try Softmax.run(.softmax, p, shape: [], axis: 0, into: $0) } } == [1])
    }
}
