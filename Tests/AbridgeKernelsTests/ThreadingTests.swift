import Testing
@testable import AbridgeKernels

/// The only suite that changes `KernelThreads` (serialized, so runs inside it do not interleave). Each
/// check runs a kernel with 1 and with 2 threads on inputs large enough to be split, and requires
/// bit-identical results.
@Suite(.serialized) struct ThreadingTests {
    func withThreads<R>(_ n: Int, _ body: () throws -> R) rethrows -> R {
        KernelThreads.set(n)
        defer { KernelThreads.set(1) }
        return try body()
    }

    func sameForOneAndTwoThreads<R: Equatable>(_ body: () throws -> R, sourceLocation: SourceLocation = #_sourceLocation) rethrows {
        let one = try withThreads(1, body)
        let two = try withThreads(2, body)
        #expect(one == two, sourceLocation: sourceLocation)
    }

    @Test func chunkBoundariesDependOnlyOnSizeAndThreads() {
        // 10 items in 3 chunks: 4, 3, 3.
        #expect((0..<3).map { ParallelFor.bounds($0, chunks: 3, count: 10) } == [0..<4, 4..<7, 7..<10])
        withThreads(2) {
            #expect(KernelThreads.count == 2)
            #expect(ParallelFor.chunkCount(1000, minChunk: 100) == 2)
            #expect(ParallelFor.chunkCount(150, minChunk: 100) == 1)
        }
        #expect(KernelThreads.count == 1)
    }

    @Test func parallelForCoversEveryIndexOnce() {
        var hits = [Int](repeating: 0, count: 1001)
        withThreads(2) {
            hits.withUnsafeMutableBufferPointer { h in
                ParallelFor.run(1001) { range in for i in range { h[i] += 1 } }
            }
        }
        #expect(hits.allSatisfy { $0 == 1 })
    }

    @Test func kernelsAreBitIdenticalAcrossThreadCounts() throws {
        let x: [Float] = (0..<(4 * 33 * 65)).map { (i: Int) -> Float in Float((i * 7919) % 1013) / 97 - 5 }
        let w: [Float] = (0..<(65 * 17)).map { (i: Int) -> Float in Float((i * 104729) % 997) / 101 - 4.5 }
        try sameForOneAndTwoThreads {
            try x.withUnsafeBufferPointer { px in try w.withUnsafeBufferPointer { pw in
                try output(4 * 33 * 17) { (y: UnsafeMutableBufferPointer<Float>) in try MatMul.run(px, [4, 33, 65], pw, [65, 17], into: y) }
            } }
        }
        try sameForOneAndTwoThreads {
            try x.withUnsafeBufferPointer { px in try output(x.count) { (y: UnsafeMutableBufferPointer<Float>) in try Softmax.run(.softmax, px, shape: [4, 33, 65], axis: 1, into: y) } }
        }
        try sameForOneAndTwoThreads {
            try x.withUnsafeBufferPointer { px in try output(4 * 65) { (y: UnsafeMutableBufferPointer<Float>) in try Reduction.reduce(.sum, px, shape: [4, 33, 65], axes: [1], keepDims: false, into: y) } }
        }
        let g = try ConvGeometry.conv(input: [33, 65], kernel: [3, 3], strides: [1, 2], pads: [1, 1, 1, 1])
        let kernel = Array(w.prefix(2 * 9))
        try sameForOneAndTwoThreads {
            try x.withUnsafeBufferPointer { px in try kernel.withUnsafeBufferPointer { pw in
                try output(2 * g.output.reduce(1, *) * 2) { (y: UnsafeMutableBufferPointer<Float>) in
                    try Convolution.run(x: px, xShape: [2, 2, 33, 65], w: pw, wShape: [2, 1, 3, 3], bias: nil, geometry: g, group: 2, into: y)
                }
            } }
        }
        try sameForOneAndTwoThreads {
            try x.withUnsafeBufferPointer { px in try output(x.count) { (y: UnsafeMutableBufferPointer<Float>) in try Transpose.run(px, shape: [4, 33, 65], perm: [2, 0, 1], into: y) } }
        }
        let big: [Float] = (0..<300_000).map { (i: Int) -> Float in Float(i % 1000) }
        try sameForOneAndTwoThreads {
            try big.withUnsafeBufferPointer { pa in try x.withUnsafeBufferPointer { pb in
                try output(300_000) { (y: UnsafeMutableBufferPointer<Float>) in
                    try Broadcast.binary(pa, [100_000, 3], UnsafeBufferPointer(rebasing: pb[0..<3]), [3], into: y, *)
                }
            } }
        }
        let a8: [UInt8] = (0..<(37 * 53)).map { UInt8(($0 * 7) % 256) }, b8: [Int8] = (0..<(53 * 29)).map { Int8(truncatingIfNeeded: $0 * 11) }
        try sameForOneAndTwoThreads {
            try a8.withUnsafeBufferPointer { pa in try b8.withUnsafeBufferPointer { pb in
                try output(37 * 29) { (c: UnsafeMutableBufferPointer<Int32>) in try IntegerGemm.gemm(m: 37, n: 29, k: 53, a: pa, b: pb, into: c) }
            } }
        }
    }
}
