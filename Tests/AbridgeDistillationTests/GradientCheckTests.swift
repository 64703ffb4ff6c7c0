import AbridgeIR
import Testing
@testable import AbridgeDistillation

/// Per-operator checks: forward against the runtime, gradients against central finite
/// differences (`GradientCheck.check`). Every op under test sits after (or between) layers with
/// trained parameters, so its backward pass is what carries their gradients.
@Suite struct GradientCheckTests {
    static func x(_ shape: [Int], seed: UInt32 = 7) -> (shape: [Int], data: [Float]) {
        (shape, pseudoRandom(shape.reduce(1, *), seed: seed))
    }

    @Test func convStridesPadsDilationsAndChainedInputGradient() throws {
        let b = GraphBuilder()
        let x = b.input("x", [2, 2, 6, 5])
        let c1 = b.node("Conv", "c1", [x, b.random("w1", [3, 2, 3, 2], seed: 1), b.random("b1", [3], seed: 2)],
                        [ints("strides", [2, 1]), ints("pads", [1, 0, 2, 1]), ints("dilations", [1, 2])])
        // The second Conv's gradient reaches w1 only through its ∂X (col2im).
        let c2 = b.node("Conv", "c2", [c1, b.random("w2", [2, 3, 2, 2], seed: 3)], [ints("pads", [1, 1, 0, 0])])
        try GradientCheck.check(b.model(output: c2), ["x": Self.x([2, 2, 6, 5])])
    }

    @Test func convValidAutoPad() throws {
        let b = GraphBuilder()
        let x = b.input("x", [1, 1, 5, 5])
        let c = b.node("Conv", "c", [x, b.random("w", [2, 1, 3, 3], seed: 1), b.random("b", [2], seed: 2)],
                       [string("auto_pad", "VALID"), ints("strides", [2, 2])])
        try GradientCheck.check(b.model(output: c), ["x": Self.x([1, 1, 5, 5])])
    }

    @Test func gemmTransBAlphaBetaAndBroadcastC() throws {
        let b = GraphBuilder()
        let x = b.input("x", [3, 4])
        let g1 = b.node("Gemm", "g1", [x, b.random("w1", [5, 4], seed: 1), b.random("c1", [5], seed: 2)],
                        [int("transB", 1), float("alpha", 0.7), float("beta", 1.3)])
        let g2 = b.node("Gemm", "g2", [g1, b.random("w2", [5, 2], seed: 3), b.random("c2", [3, 1], seed: 4)])
        let g3 = b.node("Gemm", "g3", [g2, b.random("w3", [2, 2], seed: 5), b.random("c3", [3, 2], seed: 6)],
                        [float("beta", 0.5)])
        try GradientCheck.check(b.model(output: g3), ["x": Self.x([3, 4])])
    }

    @Test func matMulWeightAndTwoActivations() throws {
        let b = GraphBuilder()
        let x = b.input("x", [3, 4]), z = b.input("z", [5, 2])
        let a = b.node("MatMul", "a", [x, b.random("w1", [4, 5], seed: 1)])
        let c = b.node("MatMul", "c", [z, b.random("w2", [2, 2], seed: 2)])
        let y = b.node("MatMul", "y", [a, c])
        try GradientCheck.check(b.model(output: y), ["x": Self.x([3, 4]), "z": Self.x([5, 2], seed: 8)])
    }

    @Test func batchNormalizationScaleAndBias() throws {
        let b = GraphBuilder()
        let x = b.input("x", [2, 2, 3, 3])
        let c = b.node("Conv", "c", [x, b.random("w", [3, 2, 1, 1], seed: 1)])
        let var_ = b.constant("var", [0.5, 1.5, 2.0], [3])
        let bn = b.node("BatchNormalization", "bn", [c, b.random("scale", [3], seed: 2), b.random("bias", [3], seed: 3),
                                                     b.random("mean", [3], seed: 4), var_], [float("epsilon", 1e-3)])
        let n = try GradientCheck.check(b.model(output: bn), ["x": Self.x([2, 2, 3, 3])])
        #expect(n == 3)  // w, scale, bias; mean and var stay fixed
    }

    @Test(arguments: ["Relu", "LeakyRelu", "Sigmoid", "Tanh"])
    func activation(_ op: String) throws {
        let b = GraphBuilder()
        let x = b.input("x", [4, 3])
        let g = b.node("Gemm", "g", [x, b.random("w", [3, 5], seed: 1), b.random("c", [5], seed: 2)])
        let a = b.node(op, "act", [g], op == "LeakyRelu" ? [float("alpha", 0.2)] : [])
        let y = b.node("Gemm", "out", [a, b.random("w2", [5, 2], seed: 3)])
        try GradientCheck.check(b.model(output: y), ["x": Self.x([4, 3])], h: 1e-3)
    }

    @Test func maxPoolWithPadsAndStrides() throws {
        let b = GraphBuilder()
        let x = b.input("x", [2, 2, 5, 6])
        let c = b.node("Conv", "c", [x, b.random("w", [2, 2, 1, 1], seed: 1), b.random("b", [2], seed: 2)])
        let p = b.node("MaxPool", "p", [c], [ints("kernel_shape", [3, 2]), ints("strides", [2, 2]), ints("pads", [1, 0, 1, 1])])
        try GradientCheck.check(b.model(output: p), ["x": Self.x([2, 2, 5, 6])], h: 1e-3)
    }

    @Test(arguments: [0, 1] as [Int64])
    func averagePoolCountIncludePad(_ include: Int64) throws {
        let b = GraphBuilder()
        let x = b.input("x", [1, 2, 5, 5])
        let c = b.node("Conv", "c", [x, b.random("w", [2, 2, 1, 1], seed: 1), b.random("b", [2], seed: 2)])
        let p = b.node("AveragePool", "p", [c], [ints("kernel_shape", [3, 3]), ints("strides", [2, 2]),
                                                 ints("pads", [1, 1, 1, 1]), int("count_include_pad", include)])
        try GradientCheck.check(b.model(output: p), ["x": Self.x([1, 2, 5, 5])])
    }

    @Test func globalAveragePoolFlattenReshapeIdentityDropout() throws {
        let b = GraphBuilder()
        let x = b.input("x", [2, 2, 4, 4])
        let c = b.node("Conv", "c", [x, b.random("w", [3, 2, 3, 3], seed: 1)], [ints("pads", [1, 1, 1, 1])])
        let r = b.node("Reshape", "r", [c, b.int64s("shape", [0, 3, -1, 2])])
        let d = b.node("Dropout", "d", [r])
        let i = b.node("Identity", "i", [d])
        let g = b.node("GlobalAveragePool", "gap", [i])
        let f = b.node("Flatten", "f", [g])
        let y = b.node("Gemm", "y", [f, b.random("w2", [2, 3], seed: 2), b.random("c2", [2], seed: 3)], [int("transB", 1)])
        try GradientCheck.check(b.model(output: y), ["x": Self.x([2, 2, 4, 4])])
    }

    @Test func addSubMulWithBroadcastingConstantsAndActivations() throws {
        let b = GraphBuilder()
        let x = b.input("x", [3, 4])
        let a = b.node("Gemm", "a", [x, b.random("w1", [4, 4], seed: 1)])
        let s = b.node("Gemm", "s", [x, b.random("w2", [4, 1], seed: 2)])              // [3, 1]
        let add = b.node("Add", "add", [a, b.random("k1", [4], seed: 3)])               // constant row
        let mul = b.node("Mul", "mul", [add, s])                                        // both activations, broadcast
        let sub = b.node("Sub", "sub", [b.random("k2", [1, 4], seed: 4), mul])          // constant minus activation
        let y = b.node("Mul", "y", [sub, a])                                            // same shape, both activations
        try GradientCheck.check(b.model(output: y), ["x": Self.x([3, 4])])
    }
}

extension GradientCheckTests {
    /// A 1-D convolution takes the any-rank path (`Im2Col.col2im` image by image) for `∂X`.
    @Test func conv1DChained() throws {
        let b = GraphBuilder()
        let x = b.input("x", [2, 2, 7])
        let c1 = b.node("Conv", "c1", [x, b.random("w1", [3, 2, 3], seed: 1), b.random("b1", [3], seed: 2)],
                        [ints("strides", [2]), ints("pads", [1, 2])])
        let c2 = b.node("Conv", "c2", [c1, b.random("w2", [2, 3, 2], seed: 3)], [ints("dilations", [2])])
        try GradientCheck.check(b.model(output: c2), ["x": Self.x([2, 2, 7])])
    }
}
