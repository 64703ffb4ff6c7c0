import AbridgeData
import AbridgeIR
import AbridgeONNX
import AbridgeRuntime
import Foundation
import Testing
@testable import AbridgeDistillation

/// A measurement, not a test: runs only when ABRIDGE_DISTILL_STUDENT is set (speed is never
/// asserted). Distills that student from ABRIDGE_DISTILL_TEACHER (default samples/digits-cnn.onnx)
/// on ABRIDGE_DISTILL_CALIBRATION (default samples/digits-cnn.calib.npz) with the default options
/// (ABRIDGE_DISTILL_STEPS, ABRIDGE_DISTILL_SEED and ABRIDGE_DISTILL_BLENDS override them), prints the report
/// as JSON and writes the distilled model to ABRIDGE_DISTILL_OUTPUT when set:
///
///     ABRIDGE_DISTILL_STUDENT=/tmp/p50.onnx ABRIDGE_DISTILL_OUTPUT=/tmp/p50.distilled.onnx \
///         swift test -c release -Xswiftc -enable-testing --skip-build --filter DistillationMeasurement
@Suite struct DistillationMeasurement {
    static let environment = ProcessInfo.processInfo.environment

    @Test(.enabled(if: environment["ABRIDGE_DISTILL_STUDENT"] != nil))
    func distillFromEnvironment() throws {
        let samples = DigitsDistillationTests.samples
        let studentPath = try #require(Self.environment["ABRIDGE_DISTILL_STUDENT"])
        let teacherPath = Self.environment["ABRIDGE_DISTILL_TEACHER"] ?? samples.appendingPathComponent("digits-cnn.onnx").path
        let calibrationPath = Self.environment["ABRIDGE_DISTILL_CALIBRATION"] ?? samples.appendingPathComponent("digits-cnn.calib.npz").path
        var options = DistillationOptions()
        if let s = Self.environment["ABRIDGE_DISTILL_STEPS"].flatMap(Int.init) { options.steps = s }
        if let s = Self.environment["ABRIDGE_DISTILL_SEED"].flatMap(UInt64.init) { options.seed = s }
        if let b = Self.environment["ABRIDGE_DISTILL_BLENDS"].flatMap(Int.init) { options.blends = b }
        let student = try ONNXReader.readModel(path: studentPath), teacher = try ONNXReader.readModel(path: teacherPath)
        let calibration = try NPZArchive.readAll(contentsOf: URL(fileURLWithPath: calibrationPath)).mapValues { try $0.runtimeTensor() }
        let report = try Distiller(options: options).distill(student: student, teacher: teacher, calibration: calibration, progress: nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
        if let output = Self.environment["ABRIDGE_DISTILL_OUTPUT"] { try ONNXWriter.write(student, to: output) }
    }
}
