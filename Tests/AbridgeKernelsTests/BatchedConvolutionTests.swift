import Testing
@testable import AbridgeKernels

/// The batched lowering of Conv (`Convolution.runBatched`, `Im2Col.im2colImages`) against a direct
/// convolution written here as nested loops from the ONNX definition. Inputs are `pattern` values
/// (multiples of 1/4), so every partial sum is exact in Float and the comparison is tight.
@Suite struct BatchedConvolutionTests {
    struct Case: CustomStringConvertible {
        var batch: Int, c: Int, m: Int, group: Int
        var geometry: ConvGeometry
        var bias: Bool
        var description: String {
            "N\(batch) C\(c) M\(m) g\(group) in \(geometry.input) k \(geometry.kernel) s \(geometry.strides) d \(geometry.dilations) pads \(geometry.onnxPads)"
        }
        var xShape: [Int] { [batch, c] + geometry.input }
        var wShape: [Int] { [m, c / group] + geometry.kernel }
    }

    /// Y[n, m, o] = B[m] + sum over c in m's group, kidx of W[m, c', kidx] * X[n, c, o * s - pb + kidx * d]
    /// (terms outside the input are zero). Any number of spatial axes.
    static func naiveConv(_ x: [Float], _ w: [Float], _ b: [Float]?, _ t: Case) -> [Float] {
        let g = t.geometry, r = g.rank
        let inSize = g.input.reduce(1, *), outSize = g.output.reduce(1, *), kSize = g.kernel.reduce(1, *)
        let cg = t.c / t.group, mg = t.m / t.group
        func coords(_ flat: Int, _ dims: [Int]) -> [Int] {
            var v = flat, out = [Int](repeating: 0, count: dims.count)
            for i in stride(from: dims.count - 1, through: 0, by: -1) { out[i] = v % dims[i]; v /= dims[i] }
            return out
        }
        var y = [Float](repeating: 0, count: t.batch * t.m * outSize)
        for n in 0..<t.batch {
            for m in 0..<t.m {
                let gi = m / mg
                for o in 0..<outSize {
                    let oc = coords(o, g.output)
                    var acc: Float = b?[m] ?? 0
                    for cl in 0..<cg {
                        let c = gi * cg + cl
                        for k in 0..<kSize {
                            let kc = coords(k, g.kernel)
                            var inside = true, flat = 0
                            for i in 0..<r {
                                let v = oc[i] * g.strides[i] - g.padsBegin[i] + kc[i] * g.dilations[i]
                                if v < 0 || v >= g.input[i] { inside = false; break }
                                flat = flat * g.input[i] + v
                            }
                            guard inside else { continue }
                            acc += w[(m * cg + cl) * kSize + k] * x[(n * t.c + c) * inSize + flat]
                        }
                    }
                    y[(n * t.m + m) * outSize + o] = acc
                }
            }
        }
        return y
    }

    /// Runs `body(x, w, bias, y)` on the pattern inputs of `t` and returns Y.
    static func run(_ t: Case, _ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>?,
                                        UnsafeMutableBufferPointer<Float>) throws -> Void) throws -> [Float] {
        let x = pattern(t.xShape.reduce(1, *), seed: 3), w = pattern(t.wShape.reduce(1, *), seed: 7, mod: 13)
        let b: [Float] = (0..<t.m).map { Float($0) * 0.5 - 1 }
        let count = t.batch * t.m * t.geometry.output.reduce(1, *)
        return try x.withUnsafeBufferPointer { px in
            try w.withUnsafeBufferPointer { pw in
                try b.withUnsafeBufferPointer { pb in
                    // Pre-filled with NaN: every output must be written.
                    var y = [Float](repeating: .nan, count: count)
                    try y.withUnsafeMutableBufferPointer { try body(px, pw, t.bias ? pb : nil, $0) }
                    return y
                }
            }
        }
    }

    static func expected(_ t: Case) -> [Float] {
        let x = pattern(t.xShape.reduce(1, *), seed: 3), w = pattern(t.wShape.reduce(1, *), seed: 7, mod: 13)
        let b: [Float] = (0..<t.m).map { Float($0) * 0.5 - 1 }
        return naiveConv(x, w, t.bias ? b : nil, t)
    }

    /// One row of `cases`: a `Case` with the arguments of its geometry. `build()` builds the geometry
    /// with `try`, so a row that `ConvGeometry.conv` rejects fails the tests that use it.
    struct Spec: CustomStringConvertible, Sendable {
        var batch: Int, c: Int, m: Int, group: Int
        var input: [Int], kernel: [Int], strides: [Int] = [], dilations: [Int] = [], pads: [Int] = []
        var autoPad: AutoPad = .notSet
        var bias: Bool
        var description: String {
            "N\(batch) C\(c) M\(m) g\(group) in \(input) k \(kernel) s \(strides) d \(dilations) pads \(pads) \(autoPad.rawValue)"
        }
        func build() throws -> Case {
            let g = try ConvGeometry.conv(input: input, kernel: kernel, strides: strides, dilations: dilations, pads: pads, autoPad: autoPad)
            return Case(batch: batch, c: c, m: m, group: group, geometry: g, bias: bias)
        }
    }

    /// batch 1/3/7 x C 1/3 x M 4 x 1x1/3x3 x stride 1/2 x pad 0/1, plus dilation 2, group 2,
    /// asymmetric pads and SAME_UPPER.
    static let cases: [Spec] = {
        var out: [Spec] = []
        for batch in [1, 3, 7] {
            for c in [1, 3] {
                for k in [1, 3] {
                    for s in [1, 2] {
                        for p in [0, 1] {
                            out.append(Spec(batch: batch, c: c, m: 4, group: 1, input: [6, 5], kernel: [k, k], strides: [s, s],
                                            pads: [p, p, p, p], bias: (batch + k + s) % 2 == 0))
                        }
                    }
                }
            }
            out.append(Spec(batch: batch, c: 3, m: 4, group: 1, input: [7, 7], kernel: [3, 3], dilations: [2, 2], pads: [1, 2, 2, 1],
                            bias: true))
            out.append(Spec(batch: batch, c: 4, m: 4, group: 2, input: [5, 6], kernel: [3, 3], strides: [2, 1], pads: [1, 1, 1, 1],
                            bias: true))
            out.append(Spec(batch: batch, c: 4, m: 4, group: 2, input: [5, 5], kernel: [1, 1], strides: [1, 1], bias: false))
            out.append(Spec(batch: batch, c: 3, m: 4, group: 1, input: [5, 4], kernel: [2, 3], strides: [2, 1], autoPad: .sameUpper,
                            bias: true))
        }
        return out
    }()

    @Test(arguments: cases)
    func publicEntryMatchesNaiveConvolution(_ spec: Spec) throws {
        let t = try spec.build()
        let y = try Self.run(t) { x, w, b, y in
            try Convolution.run(x: x, xShape: t.xShape, w: w, wShape: t.wShape, bias: b, geometry: t.geometry, group: t.group, into: y)
        }
        expectClose(y, Self.expected(t))
    }

    /// Chunks of 1 image (written straight into Y), of 2 images (7 = 2 + 2 + 2 + 1) and of the whole batch.
    @Test(arguments: cases)
    func chunkingMatchesNaiveConvolution(_ spec: Spec) throws {
        let t = try spec.build()
        let plan = try ConvPlan(xShape: t.xShape, wShape: t.wShape, geometry: t.geometry, group: t.group, transposed: false)
        let perImage = (plan.cPerGroup * plan.kernelSize + plan.mPerGroup) * plan.outSize
        for chunkElements in [1, 2 * perImage, Int.max] {
            let y = try Self.run(t) { x, w, b, y in
                try Convolution.runBatched(x: x, w: w, bias: b, plan: plan, geometry: t.geometry, group: t.group, into: y,
                                           chunkElements: chunkElements)
            }
            expectClose(y, Self.expected(t))
        }
    }

    /// Other ranks go through the any-rank im2col with a row stride.
    @Test func oneAndThreeSpatialAxes() throws {
        let cases = [
            Case(batch: 3, c: 2, m: 4, group: 2,
                 geometry: try ConvGeometry.conv(input: [9], kernel: [3], strides: [2], dilations: [2], pads: [1, 2]), bias: true),
            Case(batch: 3, c: 3, m: 4, group: 1,
                 geometry: try ConvGeometry.conv(input: [3, 4, 4], kernel: [2, 2, 2], strides: [2, 1, 2], pads: [1, 0, 1, 0, 1, 1]), bias: false),
        ]
        for t in cases {
            let plan = try ConvPlan(xShape: t.xShape, wShape: t.wShape, geometry: t.geometry, group: t.group, transposed: false)
            for chunkElements in [1, Int.max] {
                let y = try Self.run(t) { x, w, b, y in
                    try Convolution.runBatched(x: x, w: w, bias: b, plan: plan, geometry: t.geometry, group: t.group, into: y,
                                               chunkElements: chunkElements)
                }
                expectClose(y, Self.expected(t))
            }
        }
    }

    /// Images of 256 output positions or more keep the per-image path; both paths agree with the loops.
    @Test func largeImagesUsePerImagePath() throws {
        let g = try ConvGeometry.conv(input: [17, 16], kernel: [3, 3], pads: [1, 1, 1, 1])
        #expect(g.output.reduce(1, *) >= Convolution.batchedPositionLimit)
        let t = Case(batch: 2, c: 3, m: 4, group: 1, geometry: g, bias: true)
        let y = try Self.run(t) { x, w, b, y in
            try Convolution.run(x: x, xShape: t.xShape, w: w, wShape: t.wShape, bias: b, geometry: g, group: 1, into: y)
        }
        expectClose(y, Self.expected(t))
    }

    /// `im2colImages` puts image `i`'s `im2col` block at columns `i * P ..< (i + 1) * P`.
    @Test func im2colImagesMatchesPerImageIm2col() throws {
        for g in FastPathTests.geometries {
            let channels = 2, images = 3, extra = 5
            let inSize = g.input.reduce(1, *), p = g.output.reduce(1, *), rows = channels * g.kernel.reduce(1, *)
            let imageStride = channels * inSize + extra
            let x = pattern(images * imageStride, seed: 1)
            let batched: [Float] = try x.withUnsafeBufferPointer { px in
                try output(rows * images * p) {
                    try Im2Col.im2colImages(px, imageStride: imageStride, images: images, channels: channels, geometry: g,
                                            padValue: -7, into: $0)
                }
            }
            for i in 0..<images {
                let one = FastPathTests().naiveIm2col(Array(x[(i * imageStride)..<(i * imageStride + channels * inSize)]),
                                                      channels: channels, g, 0..<p)
                for row in 0..<rows {
                    #expect(Array(batched[(row * images * p + i * p)..<(row * images * p + (i + 1) * p)]) == Array(one[(row * p)..<((row + 1) * p)]),
                            "\(g) image \(i) row \(row)")
                }
            }
        }
    }

    @Test func im2colImagesRejectsShortBuffers() throws {
        let g = try ConvGeometry.conv(input: [4, 4], kernel: [3, 3], pads: [1, 1, 1, 1])
        let x = [Float](repeating: 1, count: 2 * 16 - 1)
        var col = [Float](repeating: 0, count: 9 * 2 * 16)
        x.withUnsafeBufferPointer { px in
            col.withUnsafeMutableBufferPointer { pc in
                #expect(throws: KernelError.self) {
                    try Im2Col.im2colImages(px, imageStride: 16, images: 2, channels: 1, geometry: g, padValue: 0, into: pc)
                }
                #expect(throws: KernelError.self) {
                    try Im2Col.im2colImages(px, imageStride: 8, images: 1, channels: 1, geometry: g, padValue: 0, into: pc)
                }
            }
        }
        let x2 = [Float](repeating: 1, count: 32)
        x2.withUnsafeBufferPointer { px in
            col.withUnsafeMutableBufferPointer { pc in
                #expect(throws: KernelError.self) {
                    try Im2Col.im2colImages(px, imageStride: 16, images: 2, channels: 1, geometry: g, padValue: 0,
                                            into: UnsafeMutableBufferPointer(rebasing: pc[0..<100]))
                }
            }
        }
    }
}
