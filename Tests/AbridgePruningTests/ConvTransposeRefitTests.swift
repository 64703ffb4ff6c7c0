import AbridgeIR
import AbridgeKernels
import Testing
@testable import AbridgePruning

/// The "transposed im2col" of `LayerRecovery` against a ConvTranspose computed here by nested
/// loops (the scatter form of the ONNX definition: input position i, kernel offset j reach output
/// o = i·s − pad_begin + j·d), and the refit of a ConvTranspose layer.
struct ConvTransposeRefitTests {
    struct Case {
        var input: [Int]
        var kernel: [Int]
        var strides: [Int]
        var dilations: [Int]
        var pads: [Int]
        var outputPadding: [Int]
    }

    /// Y `[M, out...]` of one image by direct scatter; `out` per axis is
    /// `s·(in − 1) + output_padding + (k − 1)·d + 1 − pad_begin − pad_end`.
    static func direct(x: [Float], w: [Float], bias: [Float], c: Int, m: Int, _ t: Case) -> ([Float], [Int]) {
        let n = t.input.count
        var out: [Int] = []
        for a in 0..<n {
            let full: Int = t.strides[a] * (t.input[a] - 1) + t.outputPadding[a] + (t.kernel[a] - 1) * t.dilations[a] + 1
            out.append(full - t.pads[a] - t.pads[n + a])
        }
        let inSize = t.input.reduce(1, *), kSize = t.kernel.reduce(1, *), outSize = out.reduce(1, *)
        func coords(_ flat: Int, _ shape: [Int]) -> [Int] {
            var r = flat, cs = [Int](repeating: 0, count: shape.count)
            for a in stride(from: shape.count - 1, through: 0, by: -1) { cs[a] = r % shape[a]; r /= shape[a] }
            return cs
        }
        var y = [Float](repeating: 0, count: m * outSize)
        for mo in 0..<m { for q in 0..<outSize { y[mo * outSize + q] = bias[mo] } }
        for ci in 0..<c {
            for i in 0..<inSize {
                let ic = coords(i, t.input)
                for j in 0..<kSize {
                    let jc = coords(j, t.kernel)
                    var flat = 0, inside = true
                    for a in 0..<n {
                        let o: Int = ic[a] * t.strides[a] - t.pads[a] + jc[a] * t.dilations[a]
                        if o < 0 || o >= out[a] { inside = false; break }
                        flat = flat * out[a] + o
                    }
                    guard inside else { continue }
                    let xi: Float = x[ci * inSize + i]
                    for mo in 0..<m {
                        let wi: Float = w[(ci * m + mo) * kSize + j]
                        y[mo * outSize + flat] += xi * wi
                    }
                }
            }
        }
        return (y, out)
    }

    static let cases: [Case] = [
        // 2-D, stride 1, no pads.
        Case(input: [3, 4], kernel: [3, 2], strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], outputPadding: [0, 0]),
        // 2-D, stride 2, asymmetric pads, output_padding 1.
        Case(input: [3, 4], kernel: [3, 3], strides: [2, 2], dilations: [1, 1], pads: [1, 0, 1, 1], outputPadding: [1, 1]),
        // 2-D, dilation 2, mixed strides, output_padding 1 on the stride-2 axis.
        Case(input: [4, 3], kernel: [2, 3], strides: [2, 1], dilations: [2, 2], pads: [1, 1, 0, 2], outputPadding: [1, 0]),
        // 1-D, stride 3, pads.
        Case(input: [5], kernel: [4], strides: [3], dilations: [1], pads: [2, 1], outputPadding: [2]),
        // 3-D, stride 2 and dilation 2.
        Case(input: [2, 3, 2], kernel: [2, 2, 3], strides: [2, 1, 2], dilations: [1, 2, 1], pads: [0, 1, 1, 1, 0, 0], outputPadding: [1, 0, 1]),
    ]

    @Test(arguments: 0..<5)
    func transposedPatchesReproduceConvTranspose(_ index: Int) throws {
        let t = Self.cases[index]
        let c = 2, m = 3
        let kSize = t.kernel.reduce(1, *), inSize = t.input.reduce(1, *)
        let x = pseudoRandom(c * inSize, seed: UInt32(11 + index))
        let w = pseudoRandom(c * m * kSize, seed: UInt32(41 + index))
        let bias: [Float] = [0.25, -0.5, 0.125]
        let (expected, out) = Self.direct(x: x, w: w, bias: bias, c: c, m: m, t)

        // The node and the weight's matrix view as the pruner sees them.
        let b = GraphBuilder()
        let xv = b.input("x", [1, Int64(c)] + t.input.map { Int64($0) })
        let wv = b.constant("w", w, [c, m] + t.kernel)
        _ = b.node("ConvTranspose", "up", [xv, wv, b.constant("b", bias, [m])], attributes: [
            Attribute(name: "strides", value: .ints(t.strides.map { Int64($0) })),
            Attribute(name: "dilations", value: .ints(t.dilations.map { Int64($0) })),
            Attribute(name: "pads", value: .ints(t.pads.map { Int64($0) })),
            Attribute(name: "output_padding", value: .ints(t.outputPadding.map { Int64($0) })),
        ])
        let node = try #require(b.graph.nodes.first)
        let layer = try #require(PrunableLayer.classify(node).0)
        let matrix = try #require(layer.matrix)
        #expect(matrix.rows == m && matrix.cols == c * kSize)

        let g = try LayerRecovery.convTransposeGeometry(node, input: t.input, kernel: t.kernel)
        #expect(g.output == out)
        let p = out.reduce(1, *)
        let patches = LayerRecovery.transposedPatches(x, channels: c, geometry: g)
        try #require(patches.count == p * c * kSize)
        for mo in 0..<m {
            for q in 0..<p {
                var v = bias[mo]
                for col in 0..<(c * kSize) { v += patches[q * c * kSize + col] * w[matrix.index(mo, col)] }
                #expect(abs(v - expected[mo * p + q]) < 1e-5, "case \(index) m \(mo) position \(q): \(v) vs \(expected[mo * p + q])")
            }
        }
        // Column c·K + j of row m is W[c, m, j].
        for ci in 0..<c { for mo in 0..<m { for j in 0..<kSize {
            #expect(matrix.index(mo, ci * kSize + j) == (ci * m + mo) * kSize + j)
        } } }
    }

    @Test func convTransposeRefitKeepsMaskAndReducesError() throws {
        // x [1,2,3,3] -> ConvTranspose(W [2,3,3,3], stride 2, pads 1, output_padding 1, bias): 50%
        // unstructured pruning, then refit on 24 calibration samples.
        func build() -> (Model, Value) {
            let b = GraphBuilder()
            let x = b.input("x", [1, 2, 3, 3])
            let w = b.constant("w", pseudoRandom(54, seed: 5), [2, 3, 3, 3])
            let y = b.node("ConvTranspose", "up", [x, w, b.constant("bias", [0.1, -0.2, 0.3], [3])], attributes: [
                Attribute(name: "strides", value: .ints([2, 2])), Attribute(name: "pads", value: .ints([1, 1, 1, 1])),
                Attribute(name: "output_padding", value: .ints([1, 1])),
            ])
            return (b.model(output: y), w)
        }
        let (model, w) = build()
        let (original, _) = build()
        var o = PruningOptions()
        o.sparsity = 0.5
        _ = try Pruner(options: o).prune(model)
        let masked = try floats(w)
        let layer = try #require(PrunableLayer.classify(model.graph!.nodes[0]).0)
        let target = RefitTarget(node: layer.node, original: original.graph!.nodes[0], outputs: [0, 1, 2],
                                 mask: masked.map { $0 != 0 })
        let data = try CalibrationFixture.dataSet(name: "x", values: pseudoRandom(24 * 18, seed: 9), shape: [24, 2, 3, 3])
        let records = try LayerRecovery(ridge: 1e-6, batchSize: 8, limit: nil, logger: .init(label: "test"))
            .refit([target], pruned: model, original: original, data: data, progress: nil)
        let after = try floats(w)
        #expect(zip(masked, after).allSatisfy { $0 != 0 || $1 == 0 })
        let r = try #require(records.first)
        #expect(r.skipped == nil)
        #expect(r.inputs == 2 * 9 + 1)
        #expect(r.relativeErrorAfter < r.relativeErrorBefore)
    }
}
