import AbridgeIR
import AbridgeRuntime
import Testing
@testable import AbridgePruning

@Suite struct ChannelPruningTests {
    /// x [1,2,4,4] -> Conv(4 filters) -> BatchNormalization -> Relu -> Conv(3 filters) -> y.
    /// Filters 1 and 3 are zero with a negative BN shift, so Relu zeroes them: removing them
    /// must not change y.
    static func convBNReluConv() -> (Model, Value, Value, Value) {
        let b = GraphBuilder()
        let x = b.input("x", [1, 2, 4, 4])
        var w1 = pseudoRandom(4 * 2 * 9, seed: 1)
        for c in [1, 3] { for i in 0..<18 { w1[c * 18 + i] = 0 } }
        let w1v = b.constant("w1", w1, [4, 2, 3, 3])
        let c1 = b.node("Conv", "conv1", [x, w1v, b.constant("b1", [0.1, 0, -0.2, 0], [4])],
                        attributes: [Attribute(name: "pads", value: .ints([1, 1, 1, 1]))])
        let bn = b.node("BatchNormalization", "bn", [c1, b.constant("gamma", [1, 2, 0.5, 1], [4]), b.constant("beta", [0.5, -1, 0.2, -1], [4]),
                                                     b.constant("mean", [0, 0, 0.1, 0], [4]), b.constant("var", [1, 1, 2, 1], [4])])
        let r = b.node("Relu", "relu", [bn])
        let w2 = b.constant("w2", pseudoRandom(3 * 4 * 9, seed: 2), [3, 4, 3, 3])
        let y = b.node("Conv", "conv2", [r, w2, b.constant("b2", [0, 1, 2], [3])], attributes: [Attribute(name: "pads", value: .ints([1, 1, 1, 1]))])
        return (b.model(output: y), w1v, w2, bn)
    }

    @Test func convBatchNormReluConvShapes() throws {
        let (original, _, _, _) = Self.convBNReluConv()
        let (model, w1, w2, _) = Self.convBNReluConv()
        var o = PruningOptions()
        o.pattern = .channels
        o.sparsity = 0.5
        let report = try Pruner(options: o).prune(model)
        #expect(dims(w1) == [2, 2, 3, 3])
        #expect(dims(w2) == [3, 2, 3, 3])
        let g = try #require(model.graph)
        for name in ["b1", "gamma", "beta", "mean", "var"] {
            #expect(dims(g.initializers.first { $0.name == name }) == [2], "\(name)")
        }
        #expect(try floats(g.initializers.first { $0.name == "beta" }) == [0.5, 0.2])
        #expect(report.layers.first { $0.node == "conv1" }?.outputChannelsRemoved == 2)
        // conv2 feeds the graph output: skipped with a reason.
        #expect(report.layers.first { $0.node == "conv2" }?.reason?.contains("graph output") == true)
        let x = RuntimeTensor(floats: pseudoRandom(32, seed: 9), shape: [1, 2, 4, 4])
        let a = try run(original, ["x": x]), p = try run(model, ["x": x])
        #expect(a.count == p.count)
        for (u, v) in zip(a, p) { #expect(abs(u - v) < 1e-5) }
    }

    @Test func convFlattenGemmRemovesChannelMajorBlocks() throws {
        func build() -> (Model, Value, Value) {
            let b = GraphBuilder()
            let x = b.input("x", [1, 1, 4, 4])
            var w = pseudoRandom(4 * 9, seed: 4)
            for c in [0, 2] { for i in 0..<9 { w[c * 9 + i] = 0 } }
            let wv = b.constant("w", w, [4, 1, 3, 3])
            let c = b.node("Conv", "conv", [x, wv, b.constant("b", [-1, 0.3, -1, 0.1], [4])],
                           attributes: [Attribute(name: "pads", value: .ints([1, 1, 1, 1]))])
            let r = b.node("Relu", "relu", [c])
            let p = b.node("MaxPool", "pool", [r], attributes: [Attribute(name: "kernel_shape", value: .ints([2, 2])),
                                                                 Attribute(name: "strides", value: .ints([2, 2]))])
            let f = b.node("Flatten", "flatten", [p])
            let fc = b.constant("fc", pseudoRandom(5 * 16, seed: 5), [5, 16])
            let y = b.node("Gemm", "gemm", [f, fc, b.constant("fcb", [0, 0, 0, 0, 1], [5])],
                           attributes: [Attribute(name: "transB", value: .int(1))])
            return (b.model(output: y), wv, fc)
        }
        let (original, _, fcOriginal) = build()
        let (model, w, fc) = build()
        var o = PruningOptions()
        o.pattern = .channels
        o.sparsity = 0.5
        _ = try Pruner(options: o).prune(model)
        #expect(dims(w) == [2, 1, 3, 3])
        #expect(dims(fc) == [5, 8])
        // Kept channels 1 and 3: Gemm columns 4..<8 and 12..<16 of each row.
        let before = try floats(fcOriginal), after = try floats(fc)
        #expect(Array(after[0..<8]) == Array(before[4..<8]) + Array(before[12..<16]))
        let x = RuntimeTensor(floats: pseudoRandom(16, seed: 11), shape: [1, 1, 4, 4])
        let a = try run(original, ["x": x]), p = try run(model, ["x": x])
        for (u, v) in zip(a, p) { #expect(abs(u - v) < 1e-5) }
    }

    @Test func residualAddIsSkippedWithReason() throws {
        let b = GraphBuilder()
        let x = b.input("x", [1, 4])
        let w = b.constant("w", pseudoRandom(16, seed: 1), [4, 4])
        let h = b.node("Gemm", "fc", [x, w], attributes: [Attribute(name: "transB", value: .int(1))])
        let s = b.node("Add", "residual", [h, x])
        let w2 = b.constant("w2", pseudoRandom(8, seed: 2), [2, 4])
        let y = b.node("Gemm", "head", [s, w2], attributes: [Attribute(name: "transB", value: .int(1))])
        let model = b.model(output: y)
        var o = PruningOptions()
        o.pattern = .channels
        let report = try Pruner(options: o).prune(model)
        #expect(dims(w) == [4, 4])
        #expect(report.layers.first { $0.node == "fc" }?.reason?.contains("residual") == true)
    }

    @Test func unstructuredRefitKeepsMaskAndReducesError() throws {
        // A Gemm whose input has 6 features; 50% unstructured pruning, then refit on calibration rows.
        let b = GraphBuilder()
        let x = b.input("x", [1, 6])
        let w = b.constant("w", pseudoRandom(24, seed: 21), [4, 6])
        let y = b.node("Gemm", "fc", [x, w, b.constant("bias", [0, 0, 0, 0], [4])], attributes: [Attribute(name: "transB", value: .int(1))])
        let model = b.model(output: y)
        let original = try Pruner.copy(model)
        var o = PruningOptions()
        o.sparsity = 0.5
        _ = try Pruner(options: o).prune(model)
        let masked = try floats(w)
        let layer = try #require(PrunableLayer.classify(model.graph!.nodes[0]).0)
        let target = RefitTarget(node: layer.node, original: original.graph!.nodes[0], outputs: [0, 1, 2, 3], mask: masked.map { $0 != 0 })
        // In-memory calibration data: 40 samples.
        let data = try CalibrationFixture.dataSet(name: "x", values: pseudoRandom(240, seed: 8), shape: [40, 6])
        let records = try LayerRecovery(ridge: 1e-6, batchSize: 8, limit: nil, logger: .init(label: "test"))
            .refit([target], pruned: model, original: original, data: data, progress: nil)
        let after = try floats(w)
        #expect(zip(masked, after).allSatisfy { ($0 == 0) == ($1 == 0) })
        let r = try #require(records.first)
        #expect(r.relativeErrorAfter < r.relativeErrorBefore)
    }
}
