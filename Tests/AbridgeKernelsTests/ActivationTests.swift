import Testing
@testable import AbridgeKernels

/// Expected values from onnxruntime 1.32.0 on x = [-3, -1, -0.5, 0, 0.5, 1, 2.5, 10] (/tmp/kgen/misc.py).
@Suite struct ActivationTests {
    static let x: [Float] = [-3, -1, -0.5, 0, 0.5, 1, 2.5, 10]

    func apply(_ op: UnaryOp) throws -> [Float] {
        try Self.x.withUnsafeBufferPointer { px in try output(8) { try Elementwise.apply(op, px, into: $0) } }
    }

    @Test func geluExactAndTanh() throws {
        // onnxruntime Gelu (opset 20) approximate=none / tanh
        expectClose(try apply(.gelu), [-0.0040496885776519775, -0.15865525603294373, -0.1542687714099884, 0.0, 0.3457312285900116, 0.8413447141647339, 2.484476089477539, 10.0], tolerance: 2e-6)
        expectClose(try apply(.geluTanh), [-0.0036375224590301514, -0.15880796313285828, -0.1542859971523285, 0.0, 0.3457140028476715, 0.8411920070648193, 2.4849157333374023, 10.0], tolerance: 2e-6)
    }

    @Test func sigmoidErfTanhSoftplusMish() throws {
        expectClose(try apply(.sigmoid), [0.04742586612701416, 0.2689414322376251, 0.3775407075881958, 0.5, 0.6224592924118042, 0.7310585975646973, 0.9241418242454529, 0.9999545812606812], tolerance: 2e-6)
        expectClose(try apply(.erf), [-0.9999778866767883, -0.8427007794380188, -0.5204998850822449, 0.0, 0.5204998850822449, 0.8427007794380188, 0.9995930790901184, 1.0], tolerance: 2e-6)
        expectClose(try apply(.tanh), [-0.9950547218322754, -0.7615941762924194, -0.46211716532707214, 0.0, 0.46211716532707214, 0.7615941762924194, 0.9866143465042114, 1.0], tolerance: 2e-6)
        expectClose(try apply(.softplus), [0.04858735576272011, 0.3132616877555847, 0.4740769863128662, 0.6931471824645996, 0.9740769863128662, 1.3132617473602295, 2.578889846801758, 10.000045776367188], tolerance: 2e-6)
        expectClose(try apply(.mish), [-0.14564745128154755, -0.3034014403820038, -0.22074377536773682, 0.0, 0.37524524331092834, 0.8650984764099121, 2.4713923931121826, 10.0], tolerance: 2e-6)
    }

    @Test func piecewiseActivations() throws {
        expectClose(try apply(.hardSwish), [-0.0, -0.3333333134651184, -0.2083333283662796, 0.0, 0.2916666567325592, 0.6666666865348816, 2.2916667461395264, 10.0], tolerance: 2e-6)
        expectClose(try apply(.selu()), [-1.6705687046051025, -1.1113307476043701, -0.6917581558227539, 0.0, 0.5253505110740662, 1.0507010221481323, 2.6267526149749756, 10.507010459899902], tolerance: 2e-6)
        expectClose(try apply(.elu(alpha: 0.5)), [-0.47510647773742676, -0.31606027483940125, -0.19673466682434082, 0.0, 0.5, 1.0, 2.5, 10.0], tolerance: 2e-6)
        expectClose(try apply(.celu(alpha: 2)), [-1.5537396669387817, -0.7869386672973633, -0.44239842891693115, 0.0, 0.5, 1.0, 2.5, 10.0], tolerance: 2e-6)
        // Hand-computed.
        #expect(try apply(.relu) == [0, 0, 0, 0, 0.5, 1, 2.5, 10])
        #expect(try apply(.leakyRelu(alpha: 0.5)) == [-1.5, -0.5, -0.25, 0, 0.5, 1, 2.5, 10])
        #expect(try apply(.clip(min: -1, max: 2)) == [-1, -1, -0.5, 0, 0.5, 1, 2, 2])
        #expect(try apply(.hardSigmoid()) == [0, 0.3, 0.4, 0.5, 0.6, 0.7, 1, 1])
        #expect(try apply(.thresholdedRelu(alpha: 1)) == [0, 0, 0, 0, 0, 0, 2.5, 10])
    }

    @Test func roundIsHalfToEven() throws {
        // ONNX Round: -0.5 -> -0, 0.5 -> 0, 2.5 -> 2
        #expect(try apply(.round) == [-3, -1, 0, 0, 0, 1, 2, 10])
        #expect(UnaryOp.round(Float(3.5)) == 4 && UnaryOp.round(Float(-2.5)) == -2)
    }

    @Test func nanPropagatesThroughReluAndClip() {
        #expect(UnaryOp.relu(Float.nan).isNaN)
        #expect(UnaryOp.clip(min: 0, max: 1)(Float.nan).isNaN)
        #expect(UnaryOp.sigmoid(Float(-200)) == 0 && UnaryOp.sigmoid(Float(200)) == 1)
        #expect(UnaryOp.softplus(Double(800)) == 800)
    }

    @Test func genericMapAndDouble() throws {
        let xs: [Int8] = [-128, 0, 127]
        let y: [Int32] = try xs.withUnsafeBufferPointer { p in try output(3) { try Elementwise.map(p, into: $0) { Int32($0) * 2 } } }
        #expect(y == [-256, 0, 254])
        let d: [Double] = [0, 1]
        let e: [Double] = try d.withUnsafeBufferPointer { p in try output(2) { try Elementwise.apply(.exp, p, into: $0) } }
        #expect(e == [1, 2.718281828459045])
    }
}
