import Testing
@testable import AbridgeKernels

/// Expected values from onnxruntime 1.32.0 on X = pat([2,3,4], 1) (/tmp/kgen/misc.py).
@Suite struct SoftmaxTests {
    static let x = pattern(24, seed: 1)

    func run(_ kind: Softmax.Kind, axis: Int, flattened: Bool = false) throws -> [Float] {
        try Self.x.withUnsafeBufferPointer { px in try output(24) { y in
            if flattened {
                try Softmax.runFlattened(kind, px, shape: [2, 3, 4], axis: axis, into: y)
            } else {
                try Softmax.run(kind, px, shape: [2, 3, 4], axis: axis, into: y)
            }
        } }
    }

    @Test func softmaxAlongMiddleAxis() throws {
        expectClose(try run(.softmax, axis: 1), [0.18978416919708252, 0.18978416919708252, 0.4995177388191223, 0.18978416919708252, 0.6624118089675903, 0.6624118089675903, 0.1114574745297432, 0.6624118089675903, 0.14780405163764954, 0.14780405163764954, 0.3890247941017151, 0.14780405163764954, 0.18978416919708252, 0.4995177388191223, 0.18978416919708252, 0.4995177388191223, 0.6624118089675903, 0.1114574745297432, 0.6624118089675903, 0.1114574745297432, 0.14780405163764954, 0.3890247941017151, 0.14780405163764954, 0.3890247941017151], tolerance: 1e-6)
    }

    @Test func logSoftmaxLastAxis() throws {
        expectClose(try run(.logSoftmax, axis: -1), [-2.5169997215270996, -1.5169997215270996, -0.5169997811317444, -2.2669997215270996, -1.7001327276229858, -0.7001327276229858, -2.4501328468322754, -1.4501327276229858, -2.5169997215270996, -1.5169997215270996, -0.5169997811317444, -2.2669997215270996, -1.7001327276229858, -0.7001327276229858, -2.4501328468322754, -1.4501327276229858, -0.5470951199531555, -2.2970950603485107, -1.2970950603485107, -3.0470950603485107, -1.7001327276229858, -0.7001327276229858, -2.4501328468322754, -1.4501327276229858], tolerance: 1e-6)
    }

    @Test func hardmaxTakesFirstMaximum() throws {
        #expect(try run(.hardmax, axis: 1) == [0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0])
        let ties: [Float] = [2, 5, 5]
        let y: [Float] = try ties.withUnsafeBufferPointer { p in try output(3) { try Softmax.run(.hardmax, p, shape: [3], axis: 0, into: $0) } }
        #expect(y == [0, 1, 0])
    }

    @Test func opset11FlattenSemantics() throws {
        // onnxruntime Softmax opset 11, axis=1: normalises over the flattened [3*4] block.
        expectClose(try run(.softmax, axis: 1, flattened: true), [0.024301188066601753, 0.0660574734210968, 0.17956283688545227, 0.031203340739011765, 0.0848194807767868, 0.2305632382631302, 0.040065884590148926, 0.10891035944223404, 0.018925782293081284, 0.0514456145465374, 0.1398436725139618, 0.024301188066601753, 0.0634097158908844, 0.1723654866218567, 0.029952628538012505, 0.0814196914434433, 0.22132165729999542, 0.038459938019514084, 0.10454494506120682, 0.01816718839108944, 0.04938353970646858, 0.1342383772134781, 0.023327132686972618, 0.0634097158908844], tolerance: 1e-6)
    }

    @Test func stableForLargeInputs() throws {
        let big: [Float] = [1000, 1000, -1000]
        let y: [Float] = try big.withUnsafeBufferPointer { p in try output(3) { try Softmax.run(.softmax, p, shape: [3], axis: 0, into: $0) } }
        #expect(y == [0.5, 0.5, 0])
        #expect(throws: KernelError.self) { _ = try run(.softmax, axis: 3) }
    }
}
