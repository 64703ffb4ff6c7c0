import Testing
@testable import AbridgeKernels

/// The 2x2 stride-2 fast path of `Pooling.maxPool` / `averagePool` against naive nested loops written
/// here (floor windows, no padding), and of the 3x3 stride-2 path (pads 0 or 1; stride 1 checked on the general path) against naive
/// padded loops, on odd and even plane sizes, 1 to 37 planes, with NaN inputs.
@Suite struct PoolingFastPathTests {
    /// Deterministic values with ties, signed zeros and (when `nan`) NaNs at varied window positions.
    func input(_ count: Int, seed: Int, nan: Bool) -> [Float] {
        var state = UInt64(truncatingIfNeeded: seed &* 2_654_435_761 &+ 12_345)
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let r = Int((state >> 33) % 23)
            if nan && r == 0 { return .nan }
            if r == 1 { return -0.0 }
            return Float(r - 11) * 0.25
        }
    }

    /// Naive MaxPool / AveragePool, kernel `k` stride `s`, no padding, floor output: the window is
    /// visited row by row; max keeps the first element and replaces it on `>` only, as documented.
    func naive(_ x: [Float], planes: Int, h: Int, w: Int, k: Int, s: Int, max isMax: Bool) -> [Float] {
        let oh = (h - k) / s + 1, ow = (w - k) / s + 1
        var y: [Float] = []
        for p in 0..<planes {
            for r in 0..<oh {
                for c in 0..<ow {
                    var best = x[p * h * w + (r * s) * w + c * s], sum: Float = 0
                    for i in 0..<k {
                        for j in 0..<k {
                            let v = x[p * h * w + (r * s + i) * w + (c * s + j)]
                            if v > best { best = v }
                            sum += v
                        }
                    }
                    y.append(isMax ? best : sum / Float(k * k))
                }
            }
        }
        return y
    }

    func same(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    func run(n: Int, c: Int, h: Int, w: Int, seed: Int, nan: Bool, includePad: Bool = false) throws {
        let g = try ConvGeometry.pool(input: [h, w], kernel: [2, 2], strides: [2, 2])
        #expect(g.output == [h / 2, w / 2])
        let shape = [n, c, h, w], planes = n * c
        let x = input(shape.reduce(1, *), seed: seed, nan: nan)
        let count = planes * g.output.reduce(1, *)
        let yMax: [Float] = try x.withUnsafeBufferPointer { px in
            try output(count) { try Pooling.maxPool(px, shape: shape, geometry: g, into: $0) }
        }
        let yAvg: [Float] = try x.withUnsafeBufferPointer { px in
            try output(count) { try Pooling.averagePool(px, shape: shape, geometry: g, countIncludePad: includePad, into: $0) }
        }
        #expect(same(yMax, naive(x, planes: planes, h: h, w: w, k: 2, s: 2, max: true)), "max \(shape)")
        #expect(same(yAvg, naive(x, planes: planes, h: h, w: w, k: 2, s: 2, max: false)), "avg \(shape)")
        // The Indices path (general windows) must give the same Y.
        var idx = [Int64](repeating: -1, count: count)
        let yIdx: [Float] = try x.withUnsafeBufferPointer { px in try idx.withUnsafeMutableBufferPointer { pi in
            try output(count) { try Pooling.maxPool(px, shape: shape, geometry: g, into: $0, indices: pi) }
        } }
        #expect(same(yMax, yIdx), "max with indices \(shape)")
    }

    @Test(arguments: [1, 2, 3, 5, 16, 37])
    func planeCounts(_ planes: Int) throws {
        try run(n: 1, c: planes, h: 8, w: 8, seed: planes, nan: false)
        try run(n: planes, c: 1, h: 4, w: 4, seed: planes + 100, nan: true)
    }

    @Test func oddSizesUseFloorWindows() throws {
        try run(n: 2, c: 3, h: 7, w: 9, seed: 7, nan: false)
        try run(n: 1, c: 37, h: 7, w: 9, seed: 8, nan: true, includePad: true)
        try run(n: 3, c: 1, h: 9, w: 7, seed: 9, nan: true)
        try run(n: 1, c: 2, h: 2, w: 3, seed: 10, nan: true)
        try run(n: 1, c: 2, h: 3, w: 2, seed: 11, nan: false)
    }

    @Test func nanPlacement() throws {
        // Each window position in turn holds NaN: first element wins (NaN), later NaNs are skipped.
        let g = try ConvGeometry.pool(input: [2, 2], kernel: [2, 2], strides: [2, 2])
        for pos in 0..<4 {
            var x: [Float] = [1, 4, 3, 2]
            x[pos] = .nan
            let y: [Float] = try x.withUnsafeBufferPointer { px in
                try output(1) { try Pooling.maxPool(px, shape: [1, 1, 2, 2], geometry: g, into: $0) }
            }
            let expected = naive(x, planes: 1, h: 2, w: 2, k: 2, s: 2, max: true)
            #expect(same(y, expected), "NaN at \(pos)")
            #expect(pos == 0 ? y[0].isNaN : y[0] == (pos == 1 ? 3 : 4))
        }
        // All -0.0: average keeps the sign of the general path (0 + -0 = +0).
        let z: [Float] = [-0.0, -0.0, -0.0, -0.0]
        let a: [Float] = try z.withUnsafeBufferPointer { px in
            try output(1) { try Pooling.averagePool(px, shape: [1, 1, 2, 2], geometry: g, into: $0) }
        }
        #expect(a[0].bitPattern == Float(0).bitPattern)
    }

    @Test func otherTypes() throws {
        let g = try ConvGeometry.pool(input: [5, 6], kernel: [2, 2], strides: [2, 2])
        let x: [Int8] = (0..<60).map { Int8(truncatingIfNeeded: ($0 * 37) % 101 - 50) }
        let y: [Int8] = try x.withUnsafeBufferPointer { px in
            try output(12) { try Pooling.maxPool(px, shape: [1, 2, 5, 6], geometry: g, into: $0) }
        }
        var expected: [Int8] = []
        for p in 0..<2 { for r in 0..<2 { for c in 0..<3 {
            var m = Int8.min
            for i in 0..<2 { for j in 0..<2 { m = max(m, x[p * 30 + (2 * r + i) * 6 + 2 * c + j]) } }
            expected.append(m)
        } } }
        #expect(y == expected)
    }

    /// Naive padded 3x3 pooling: taps outside X are skipped; max starts from the first tap inside X;
    /// the average divides by 9 (`includePad`) or by the taps inside X.
    func naivePadded(_ x: [Float], planes: Int, h: Int, w: Int, s: Int, pad: Int, max isMax: Bool, includePad: Bool) -> [Float] {
        let oh = (h + 2 * pad - 3) / s + 1, ow = (w + 2 * pad - 3) / s + 1
        var y: [Float] = []
        for p in 0..<planes {
            for r in 0..<oh {
                for c in 0..<ow {
                    var best: Float? = nil, sum: Float = 0, n = 0
                    for i in 0..<3 {
                        for j in 0..<3 {
                            let yy = r * s - pad + i, xx = c * s - pad + j
                            guard yy >= 0, yy < h, xx >= 0, xx < w else { continue }
                            let v = x[p * h * w + yy * w + xx]
                            if let b = best { if v > b { best = v } } else { best = v }
                            sum += v
                            n += 1
                        }
                    }
                    y.append(isMax ? (best ?? -.greatestFiniteMagnitude) : sum / Float(includePad ? 9 : n))
                }
            }
        }
        return y
    }

    @Test(arguments: [(1, 0), (1, 1), (2, 0), (2, 1)])
    func pool3x3(_ config: (Int, Int)) throws {
        let (s, pad) = config
        for (n, c, h, w, seed) in [(1, 1, 3, 3, 1), (2, 3, 7, 9, 2), (1, 37, 8, 8, 3), (5, 2, 9, 7, 4), (1, 4, 4, 5, 5), (1, 2, 2, 2, 6)] {
            guard h + 2 * pad >= 3, w + 2 * pad >= 3 else { continue }
            let g = try ConvGeometry.pool(input: [h, w], kernel: [3, 3], strides: [s, s], pads: [pad, pad, pad, pad])
            #expect((Pooling.plain3x3(g) != nil) == (s == 2), "\(g)")  // stride 1: general path, same checks
            let shape = [n, c, h, w], planes = n * c
            for nan in [false, true] {
                let x = input(shape.reduce(1, *), seed: seed * 7 + s + pad, nan: nan)
                let count = planes * g.output.reduce(1, *)
                let yMax: [Float] = try x.withUnsafeBufferPointer { px in
                    try output(count) { try Pooling.maxPool(px, shape: shape, geometry: g, into: $0) }
                }
                #expect(same(yMax, naivePadded(x, planes: planes, h: h, w: w, s: s, pad: pad, max: true, includePad: false)), "max \(shape) s\(s) p\(pad)")
                var idx = [Int64](repeating: -1, count: count)
                let yIdx: [Float] = try x.withUnsafeBufferPointer { px in try idx.withUnsafeMutableBufferPointer { pi in
                    try output(count) { try Pooling.maxPool(px, shape: shape, geometry: g, into: $0, indices: pi) }
                } }
                #expect(same(yMax, yIdx), "max with indices \(shape)")
                for include in [false, true] {
                    let yAvg: [Float] = try x.withUnsafeBufferPointer { px in
                        try output(count) { try Pooling.averagePool(px, shape: shape, geometry: g, countIncludePad: include, into: $0) }
                    }
                    #expect(same(yAvg, naivePadded(x, planes: planes, h: h, w: w, s: s, pad: pad, max: false, includePad: include)),
                            "avg \(shape) s\(s) p\(pad) include \(include)")
                }
            }
        }
    }

    @Test func otherWindowsKeepGeneralPath() throws {
        #expect(Pooling.plain3x3(try ConvGeometry.pool(input: [6, 6], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true)) == nil)
        // A ceil that adds no window (5 + 2 - 3 = 4 is a multiple of the stride) keeps the fast path.
        #expect(Pooling.plain3x3(try ConvGeometry.pool(input: [5, 5], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true)) != nil)
        #expect(Pooling.plain3x3(try ConvGeometry.pool(input: [6, 6], kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1])) == nil)
        #expect(Pooling.plain3x3(try ConvGeometry.pool(input: [6, 6], kernel: [3, 3], dilations: [2, 2])) == nil)
        #expect(!Pooling.isPlain2x2Stride2(try ConvGeometry.pool(input: [5, 5], kernel: [2, 2], strides: [2, 2], ceilMode: true)))
        #expect(Pooling.isPlain2x2Stride2(try ConvGeometry.pool(input: [4, 4], kernel: [2, 2], strides: [2, 2], ceilMode: true)))
    }
}
