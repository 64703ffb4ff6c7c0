import AbridgeIR
import AbridgeRuntime
import Logging
import Testing
@testable import AbridgeDistillation

@Suite struct DistillerTests {
    /// x [N, 4] → Gemm(w [4, 3], c [3]) → `tail` op(s) → output.
    static func gemmModel(seed: UInt32, zeros: Bool = false, softmax: Bool = false) -> Model {
        let b = GraphBuilder()
        let x = b.input("x", [-1, 4])
        var w = pseudoRandom(12, seed: seed)
        if zeros { w[0] = 0; w[5] = 0; w[7] = 0 }
        let g = b.node("Gemm", "g", [x, b.constant("w", w, [4, 3]), b.random("c", [3], seed: seed + 1)])
        return b.model(output: softmax ? b.node("Softmax", "sm", [g]) : g)
    }

    static func calibration(_ n: Int) -> [String: RuntimeTensor] {
        ["x": RuntimeTensor(floats: pseudoRandom(n * 4, seed: 5), shape: [n, 4])]
    }

    @Test func unsupportedOperatorIsNamedAndThrownTyped() throws {
        let b = GraphBuilder()
        let x = b.input("x", [2, 4])
        let g = b.node("Gemm", "g", [x, b.random("w", [4, 4], seed: 1)])
        let ln = b.node("LayerNormalization", "norm1", [g, b.random("gamma", [4], seed: 2)])
        let model = b.model(output: ln)
        let reason = try #require(Distiller.unsupportedReason(model))
        #expect(reason.contains("norm1") && reason.contains("LayerNormalization"))
        let teacher = b.model(output: ln)
        #expect(throws: DistillationError.unsupportedOperator(node: "norm1", op: "LayerNormalization", why:
            "no training kernel (supported: \(TrainingOperators.supported.joined(separator: ", ")))")) {
            _ = try Distiller(options: DistillationOptions(steps: 1)).distill(student: model, teacher: teacher,
                                                                             calibration: ["x": RuntimeTensor(floats: [Float](repeating: 1, count: 8), shape: [2, 4])],
                                                                             progress: nil)
        }
    }

    @Test func unsupportedAttributesAndInnerSoftmaxGiveReasons() throws {
        let b = GraphBuilder()
        let x = b.input("x", [1, 2, 4, 4])
        let c = b.node("Conv", "grouped", [x, b.random("w", [2, 1, 3, 3], seed: 1)], [int("group", 2)])
        let reason = try #require(Distiller.unsupportedReason(b.model(output: c)))
        #expect(reason.contains("grouped") && reason.contains("group 2"))

        let b2 = GraphBuilder()
        let g = b2.node("Gemm", "g", [b2.input("x", [2, 4]), b2.random("w", [4, 4], seed: 1)])
        let s = b2.node("Softmax", "inner", [g])
        let y = b2.node("Gemm", "y", [s, b2.random("w2", [4, 2], seed: 2)])
        let why = try #require(Distiller.unsupportedReason(b2.model(output: y)))
        #expect(why.contains("inner") && why.contains("graph output"))

        let b3 = GraphBuilder()
        let p = b3.node("MaxPool", "ceil", [b3.input("x", [1, 1, 4, 4])], [ints("kernel_shape", [2, 2]), int("ceil_mode", 1)])
        let y3 = b3.node("Conv", "c", [p, b3.random("w", [1, 1, 1, 1], seed: 1)])
        #expect(Distiller.unsupportedReason(b3.model(output: y3))?.contains("ceil_mode") == true)
    }

    @Test func softmaxOutputIsMatchedOnItsLogitsAndZerosStay() throws {
        let student = Self.gemmModel(seed: 1, zeros: true, softmax: true)
        let teacher = Self.gemmModel(seed: 11, softmax: true)
        #expect(Distiller.unsupportedReason(student) == nil)
        let report = try Distiller(options: DistillationOptions(steps: 200, learningRate: 1e-2, blends: 1))
            .distill(student: student, teacher: teacher, calibration: Self.calibration(16), progress: nil)
        #expect(report.matchedOutputs == ["g_out"])
        #expect(report.trainedTensors == ["w", "c"])
        #expect(report.parameters == 12 + 3 - 3)
        #expect(report.blendsPerStep == 16)
        #expect(report.relativeErrorAfter < report.relativeErrorBefore * 0.5)
        let w = try TensorConversion.runtimeTensor(from: try #require(student.graph?.initializers.first?.initializer)).floatValues()
        #expect(w[0] == 0 && w[5] == 0 && w[7] == 0)
        #expect(w[1] != pseudoRandom(12, seed: 1)[1])
    }

    @Test func samplesWithNonFiniteInputsAreLeftOut() throws {
        // 6 samples; sample 1 holds a NaN and sample 4 an infinity: 4 remain, in order.
        var x = pseudoRandom(24, seed: 5)
        x[4 + 2] = .nan
        x[16 + 0] = -.infinity
        let (kept, n, left) = try Distiller.finiteSamples(["x": RuntimeTensor(floats: x, shape: [6, 4])])
        #expect(n == 4 && left == 2)
        let rows = try #require(kept["x"]).elements(as: Float.self)
        #expect(rows == Array(x[0..<4] + x[8..<16] + x[20..<24]))
        let student = Self.gemmModel(seed: 1)
        let report = try Distiller(options: DistillationOptions(steps: 20, blends: 1))
            .distill(student: student, teacher: Self.gemmModel(seed: 11), calibration: ["x": RuntimeTensor(floats: x, shape: [6, 4])], progress: nil)
        #expect(report.samples == 4 && report.samplesLeftOut == 2 && report.applied)
        #expect(report.relativeErrorBefore.isFinite && report.relativeErrorAfter < report.relativeErrorBefore)
    }

    @Test func aFixedBatchIsTrainedInChunksWithTheSameResult() throws {
        // The same Gemm student with a symbolic batch (one pass per step) and with batch 2 fixed
        // in its input (4 chunks of 2 rows per step, gradients summed): the same training up to
        // float rounding.
        func model(batch: Int64, seed: UInt32) -> Model {
            let b = GraphBuilder()
            let g = b.node("Gemm", "g", [b.input("x", [batch, 4]), b.constant("w", pseudoRandom(12, seed: seed), [4, 3]),
                                         b.random("c", [3], seed: seed + 1)])
            return b.model(output: g)
        }
        let options = DistillationOptions(steps: 20, learningRate: 1e-2, blends: 0)
        let whole = try Distiller(options: options).distill(student: model(batch: -1, seed: 1), teacher: model(batch: -1, seed: 11),
                                                            calibration: Self.calibration(8), progress: nil)
        let chunked = try Distiller(options: options).distill(student: model(batch: 2, seed: 1), teacher: model(batch: 2, seed: 11),
                                                              calibration: Self.calibration(8), progress: nil)
        #expect(abs(whole.relativeErrorBefore - chunked.relativeErrorBefore) <= 1e-9 * max(whole.relativeErrorBefore, 1))
        #expect(abs(whole.relativeErrorAfter - chunked.relativeErrorAfter) <= 1e-4 * whole.relativeErrorAfter)
        #expect(chunked.relativeErrorAfter < chunked.relativeErrorBefore)
        // 7 samples do not divide into batches of 2.
        #expect(throws: DistillationError.self) {
            _ = try Distiller(options: options).distill(student: model(batch: 2, seed: 1), teacher: model(batch: 2, seed: 11),
                                                        calibration: Self.calibration(7), progress: nil)
        }
    }

    @Test func trainingThatEndsWorseLeavesTheStudentAsItWas() throws {
        // A learning rate of 1e6 throws the weights far off: the error after is larger, so the
        // student keeps its starting weights.
        let student = Self.gemmModel(seed: 1)
        let w0 = try TensorConversion.runtimeTensor(from: try #require(student.graph?.initializers.first?.initializer)).floatValues()
        let report = try Distiller(options: DistillationOptions(steps: 3, learningRate: 1e6, blends: 0))
            .distill(student: student, teacher: Self.gemmModel(seed: 11), calibration: Self.calibration(8), progress: nil)
        #expect(!report.applied)
        #expect(!(report.relativeErrorAfter <= report.relativeErrorBefore))
        let w = try TensorConversion.runtimeTensor(from: try #require(student.graph?.initializers.first?.initializer)).floatValues()
        #expect(w == w0)
    }

    @Test func keepZerosOffLetsZerosMoveAndProgressIsReported() throws {
        let student = Self.gemmModel(seed: 1, zeros: true)
        var calls: [Int] = []
        let report = try Distiller(options: DistillationOptions(steps: 5, blends: 0, keepZeros: false))
            .distill(student: student, teacher: Self.gemmModel(seed: 11), calibration: Self.calibration(8)) { s, n in
                #expect(n == 5); calls.append(s)
            }
        #expect(calls == [1, 2, 3, 4, 5])
        #expect(report.parameters == 15 && report.blendsPerStep == 0)
        let w = try TensorConversion.runtimeTensor(from: try #require(student.graph?.initializers.first?.initializer)).floatValues()
        #expect(w[0] != 0)
    }

    @Test func sharedAndOverridableInitializersStayFixed() throws {
        let b = GraphBuilder()
        let x = b.input("x", [-1, 3])
        let shared = b.random("shared", [3, 3], seed: 1)
        let g1 = b.node("Gemm", "g1", [x, shared])
        let over = b.random("over", [3, 3], seed: 2)
        b.graph.inputs.append(over)
        let g2 = b.node("Gemm", "g2", [g1, shared, b.random("c", [3], seed: 3)])
        let y = b.node("MatMul", "y", [g2, over])
        let student = b.model(output: y)
        let report = try Distiller(options: DistillationOptions(steps: 2))
            .distill(student: student, teacher: student, calibration: ["x": RuntimeTensor(floats: pseudoRandom(12, seed: 4), shape: [4, 3])],
                     progress: nil)
        #expect(report.trainedTensors == ["c"])
        #expect(report.fixedTensors.sorted() == ["over: also a graph input (a feed may override it)", "shared: used by 2 nodes"])
        #expect(report.relativeErrorBefore == 0)
    }

    @Test func nothingTrainableIsAReasonAndATypedError() throws {
        let b = GraphBuilder()
        let x = b.input("x", [-1, 3])
        let shared = b.random("shared", [3, 3], seed: 1)
        let y = b.node("Gemm", "g2", [b.node("Gemm", "g1", [x, shared]), shared])
        let model = b.model(output: y)
        let expected = DistillationError.invalidModel("no trainable weight or bias on the way to the matched outputs (fixed: shared: used by 2 nodes)")
        #expect(Distiller.unsupportedReason(model) == expected.description)
        #expect(throws: expected) {
            _ = try Distiller().distill(student: model, teacher: model, calibration: Self.calibration(4).mapValues { _ in
                RuntimeTensor(floats: pseudoRandom(12, seed: 3), shape: [4, 3]) }, progress: nil)
        }
    }

    @Test func calibrationErrorsAreTyped() throws {
        let student = Self.gemmModel(seed: 1)
        #expect(throws: DistillationError.invalidCalibration("no data for graph input 'x'")) {
            _ = try Distiller().distill(student: student, teacher: student, calibration: [:], progress: nil)
        }
        #expect(throws: DistillationError.invalidCalibration("mixup blends need at least 2 samples, got 1")) {
            _ = try Distiller().distill(student: student, teacher: student, calibration: Self.calibration(1), progress: nil)
        }
        #expect(throws: DistillationError.invalidOption("steps must be >= 0, got -1")) {
            _ = try Distiller(options: DistillationOptions(steps: -1)).distill(student: student, teacher: student,
                                                                              calibration: Self.calibration(4), progress: nil)
        }
    }
}
