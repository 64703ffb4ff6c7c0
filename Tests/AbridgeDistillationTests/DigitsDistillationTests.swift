import AbridgeData
import AbridgeIR
import AbridgeONNX
import AbridgeRuntime
import Foundation
import Testing
@testable import AbridgeDistillation

/// End to end on samples/digits-cnn.onnx: a student with half of conv2's and fc1's weights
/// zeroed by magnitude (unstructured pruning, no refit) is distilled from the original.
@Suite struct DigitsDistillationTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("samples")

    static func load() throws -> Model { try ONNXReader.readModel(path: samples.appendingPathComponent("digits-cnn.onnx").path) }

    static func arrays(_ file: String) throws -> [String: RuntimeTensor] {
        try NPZArchive.readAll(contentsOf: samples.appendingPathComponent(file)).mapValues { try $0.runtimeTensor() }
    }

    /// Zeroes the half of `name`'s elements with the smallest magnitudes.
    static func zeroSmallestHalf(_ model: Model, _ name: String) throws {
        let value = try #require(model.graph?.initializers.first { $0.name == name })
        let t = try TensorConversion.runtimeTensor(from: try #require(value.initializer))
        var w = try t.floatValues()
        let threshold = w.map(abs).sorted()[w.count / 2]
        for i in w.indices where abs(w[i]) < threshold { w[i] = 0 }
        value.initializer = TensorConversion.tensor(from: RuntimeTensor(floats: w, shape: t.shape), name: name)
    }

    static func accuracy(_ model: Model, _ test: [String: RuntimeTensor]) throws -> Double {
        let input = try #require(test["input"]), labels = try #require(test["labels"]).int64Values()
        let out = try InferenceSession(model: model).run(["input": .tensor(input)])
        let logits = try #require(out.first?.value.tensor).elements(as: Float.self)
        let classes = logits.count / labels.count
        var correct = 0
        for (i, label) in labels.enumerated() {
            let row = logits[(i * classes)..<((i + 1) * classes)]
            if let best = row.indices.max(by: { row[$0] < row[$1] }), best - i * classes == Int(label) { correct += 1 }
        }
        return Double(correct) / Double(labels.count)
    }

    static func weights(_ model: Model, _ name: String) throws -> [Float] {
        let value = try #require(model.graph?.initializers.first { $0.name == name })
        return try TensorConversion.runtimeTensor(from: try #require(value.initializer)).floatValues()
    }

    @Test func distillingAPrunedStudentLowersTheErrorKeepsZerosAndAccuracy() throws {
        let teacher = try Self.load(), student = try Self.load()
        try Self.zeroSmallestHalf(student, "conv2.weight")
        try Self.zeroSmallestHalf(student, "fc1.weight")
        #expect(Distiller.unsupportedReason(student) == nil)
        let calibration = try Self.arrays("digits-cnn.calib.npz"), test = try Self.arrays("digits-cnn.test.npz")
        let accuracyBefore = try Self.accuracy(student, test)
        let zerosBefore = try ["conv2.weight", "fc1.weight"].map { try Self.weights(student, $0).map { $0 == 0 } }

        let report = try Distiller(options: DistillationOptions(steps: 100))
            .distill(student: student, teacher: teacher, calibration: calibration, progress: nil)

        #expect(report.matchedOutputs == ["logits"])
        #expect(report.trainedTensors == ["conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias", "conv2.weight", "conv2.bias",
                                          "bn2.weight", "bn2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"])
        #expect(report.samples == 200 && report.blendsPerStep == 600)
        #expect(report.relativeErrorAfter < report.relativeErrorBefore)
        for (name, zeros) in zip(["conv2.weight", "fc1.weight"], zerosBefore) {
            let after = try Self.weights(student, name)
            #expect(zip(after, zeros).allSatisfy { !$1 || $0 == 0 }, "\(name) lost zeros")
        }
        // The runtime on the rewritten initializers agrees with the engine's error figure.
        let t = try InferenceSession(model: teacher).run(["input": .tensor(try #require(calibration["input"]))])
        let s = try InferenceSession(model: student).run(["input": .tensor(try #require(calibration["input"]))])
        let tv = try #require(t.first?.value.tensor).elements(as: Float.self), sv = try #require(s.first?.value.tensor).elements(as: Float.self)
        let num = zip(sv, tv).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
        let den = tv.reduce(0.0) { $0 + Double($1 * $1) }
        #expect(abs(num / den - report.relativeErrorAfter) <= 1e-4 * max(1, report.relativeErrorAfter))
        let accuracyAfter = try Self.accuracy(student, test)
        #expect(accuracyAfter >= accuracyBefore, "accuracy \(accuracyBefore) -> \(accuracyAfter)")
    }
}

extension DigitsDistillationTests {
    @Test func tinyLMIsRefusedAtItsFirstUnsupportedNode() throws {
        let model = try ONNXReader.readModel(path: Self.samples.appendingPathComponent("tiny-lm.onnx").path)
        let reason = try #require(Distiller.unsupportedReason(model))
        #expect(reason.contains("Gather node '/tok/Gather'"), "\(reason)")
    }

    @Test func digitsMLPTrains() throws {
        let path = Self.samples.appendingPathComponent("digits-mlp.onnx").path
        let student = try ONNXReader.readModel(path: path), teacher = try ONNXReader.readModel(path: path)
        #expect(Distiller.unsupportedReason(student) == nil)
        let value = try #require(student.graph?.initializers.first { $0.initializer?.dims.count == 2 })
        let t = try TensorConversion.runtimeTensor(from: try #require(value.initializer))
        let w = try t.floatValues().map { $0 * 0.8 }
        value.initializer = TensorConversion.tensor(from: RuntimeTensor(floats: w, shape: t.shape), name: value.name)
        let report = try Distiller(options: DistillationOptions(steps: 20))
            .distill(student: student, teacher: teacher, calibration: try Self.arrays("digits-mlp.calib.npz"), progress: nil)
        #expect(report.relativeErrorAfter < report.relativeErrorBefore)
    }
}
