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

    @Test func convTransposeNormsRunOverAxisOne() {
        // W [C = 2, M = 3, 1, 2]: channel o's weights are W[0, o, 0, :] and W[1, o, 0, :].
        let w: [Float] = [1, -2, 0, 3, 0.5, 0.5,
                          -1, 1, 2, 2, 0, -4]
        #expect(ChannelPruner.outputChannelNorms(w, dims: [2, 3, 1, 2], axis: 1, norm: .l1) == [5, 7, 5])
        #expect(ChannelPruner.outputChannelNorms(w, dims: [2, 3, 1, 2], axis: 1, norm: .l2) == [7, 17, 16.5])
        let (sliced, newDims) = ChannelPruner.slice(w, dims: [2, 3, 1, 2], axis: 1, keep: [1])
        #expect(newDims == [2, 1, 1, 2])
        #expect(sliced == [0, 3, 2, 2])
    }

    /// x [1,2,3,3] -> ConvTranspose(W [2,4,2,2], stride 2, bias) -> BatchNormalization -> Relu ->
    /// Conv(1x1, 3 filters) -> y [1,3,6,6]. ConvTranspose channels 1 and 3 have zero weights and
    /// bias and a negative BN shift, so Relu zeroes them: removing them must not change y.
    static func convTransposeBNReluConv(group: Int = 1, outputShape: [Int64]? = nil) -> (Model, Value, Value) {
        let b = GraphBuilder()
        let x = b.input("x", [1, 2, 3, 3])
        let perGroup = 4 / group
        var w1 = pseudoRandom(2 * perGroup * 4, seed: 3)
        if group == 1 { for c in 0..<2 { for o in [1, 3] { for i in 0..<4 { w1[(c * 4 + o) * 4 + i] = 0 } } } }
        let w1v = b.constant("wt", w1, [2, perGroup, 2, 2])
        var attributes = [Attribute(name: "strides", value: .ints([2, 2])), Attribute(name: "group", value: .int(Int64(group)))]
        if let outputShape { attributes.append(Attribute(name: "output_shape", value: .ints(outputShape))) }
        let t = b.node("ConvTranspose", "up", [x, w1v, b.constant("bt", [0.2, 0, -0.1, 0], [4])], attributes: attributes)
        let bn = b.node("BatchNormalization", "bn", [t, b.constant("gamma", [1, 2, 0.5, 1], [4]), b.constant("beta", [0.5, -1, 0.2, -1], [4]),
                                                    b.constant("mean", [0, 0, 0.1, 0], [4]), b.constant("var", [1, 1, 2, 1], [4])])
        let r = b.node("Relu", "relu", [bn])
        let w2 = b.constant("w2", pseudoRandom(3 * 4, seed: 6), [3, 4, 1, 1])
        let y = b.node("Conv", "conv", [r, w2, b.constant("b2", [0, 1, 2], [3])])
        return (b.model(output: y), w1v, w2)
    }

    @Test func convTransposeOutputChannelsFollowedDownstream() throws {
        for outputShape in [nil, [6, 6], [1, 4, 6, 6]] as [[Int64]?] {
            let (original, _, _) = Self.convTransposeBNReluConv(outputShape: outputShape)
            let (model, wt, w2) = Self.convTransposeBNReluConv(outputShape: outputShape)
            var o = PruningOptions()
            o.pattern = .channels
            o.sparsity = 0.5
            let report = try Pruner(options: o).prune(model)
            let g = try #require(model.graph)
            #expect(dims(wt) == [2, 2, 2, 2])
            #expect(dims(w2) == [3, 2, 1, 1])
            for name in ["bt", "gamma", "beta", "mean", "var"] {
                #expect(dims(g.initializers.first { $0.name == name }) == [2], "\(name)")
            }
            #expect(try floats(g.initializers.first { $0.name == "bt" }) == [0.2, -0.1])
            let up = try #require(report.layers.first { $0.node == "up" })
            #expect(up.status == "pruned" && up.outputChannelsRemoved == 2)
            #expect(up.shapeBefore == [2, 4, 2, 2] && up.shapeAfter == [2, 2, 2, 2])
            // MACs of a ConvTranspose: input positions (3·3) × C × M × kH × kW.
            #expect(up.macsBefore == 9 * 2 * 4 * 4 && up.macsAfter == 9 * 2 * 2 * 4)
            let conv = try #require(report.layers.first { $0.node == "conv" })
            #expect(conv.macsBefore == 36 * 12 && conv.macsAfter == 36 * 6)
            let node = try #require(g.nodes.first { $0.name == "up" })
            if outputShape?.count == 4 { #expect(node.attribute("output_shape")?.ints == [1, 2, 6, 6]) }
            else { #expect(node.attribute("output_shape")?.ints == outputShape) }
            let x = RuntimeTensor(floats: pseudoRandom(18, seed: 13), shape: [1, 2, 3, 3])
            let a = try run(original, ["x": x]), p = try run(model, ["x": x])
            #expect(a.count == 3 * 36 && a.count == p.count)
            for (u, v) in zip(a, p) { #expect(abs(u - v) < 1e-5) }
        }
    }

    @Test func groupedConvTransposeIsSkippedWithReason() throws {
        let (model, wt, w2) = Self.convTransposeBNReluConv(group: 2)
        var o = PruningOptions()
        o.pattern = .channels
        o.sparsity = 0.5
        let report = try Pruner(options: o).prune(model)
        #expect(dims(wt) == [2, 2, 2, 2])
        #expect(dims(w2) == [3, 4, 1, 1])
        let up = try #require(report.layers.first { $0.node == "up" })
        #expect(up.status == "skipped" && up.reason?.contains("group 2") == true)
    }

    @Test func convTransposeOutputShapeWithOtherChannelCountIsSkipped() throws {
        let (model, wt, _) = Self.convTransposeBNReluConv(outputShape: [1, 5, 6, 6])
        var o = PruningOptions()
        o.pattern = .channels
        o.sparsity = 0.5
        let report = try Pruner(options: o).prune(model)
        #expect(dims(wt) == [2, 4, 2, 2])
        #expect(report.layers.first { $0.node == "up" }?.reason?.contains("output_shape") == true)
    }
}
