import Foundation
import Testing
@testable import AbridgeValidation

/// Percentiles, RAPL counters, metric JSON, task detection and the quality gate.
struct SupportTests {
    @Test func percentilesMatchNumpyLinear() {
        // numpy.percentile([1,2,3,4,10], [50,90,99]) -> [3., 7.6, 9.76]
        let v: [Double] = [10, 1, 3, 2, 4]
        #expect(Percentiles.percentile(v, 50) == 3)
        #expect(abs((Percentiles.percentile(v, 90) ?? 0) - 7.6) < 1e-12)
        #expect(abs((Percentiles.percentile(v, 99) ?? 0) - 9.76) < 1e-12)
        #expect(Percentiles.percentile([], 50) == nil)
        #expect(Percentiles.percentile([7], 99) == 7)
    }

    @Test func raplDeltaUndoesWraparound() {
        #expect(RAPLEnergyMeter.delta(before: 100, after: 350, maxRange: 1000) == 250)
        // wrapped: 1000 - 900 + 100
        #expect(RAPLEnergyMeter.delta(before: 900, after: 100, maxRange: 1000) == 200)
    }

    @Test func raplMeterReadsPackageZonesOnly() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rapl-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        func zone(_ name: String, energy: String, range: String) throws {
            let z = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: z, withIntermediateDirectories: true)
            try energy.write(to: z.appendingPathComponent("energy_uj"), atomically: true, encoding: .utf8)
            try range.write(to: z.appendingPathComponent("max_energy_range_uj"), atomically: true, encoding: .utf8)
            try "package-\(name.last ?? "0")\n".write(to: z.appendingPathComponent("name"), atomically: true, encoding: .utf8)
        }
        try zone("intel-rapl:0", energy: "999000000\n", range: "1000000000\n")
        try zone("intel-rapl:0:0", energy: "5\n", range: "1000000000\n")
        let meter = try RAPLEnergyMeter.open(root: root.path).get()
        #expect(meter.zones.map(\.name) == ["package-0"])
        let before = try meter.read()
        try "2000000\n".write(to: root.appendingPathComponent("intel-rapl:0/energy_uj"), atomically: true, encoding: .utf8)
        // 1e9 - 999e6 + 2e6 = 3e6 uJ = 3 J
        #expect(meter.joules(from: before, to: try meter.read()) == 3)
    }

    @Test func raplMissingSaysWhy() {
        switch RAPLEnergyMeter.open(root: "/nonexistent/powercap") {
        case .success: Issue.record("expected no meter")
        case .failure(let e): #expect(e.reason.contains("does not exist"))
        }
    }

    @Test func undefinedMetricsAreNullWithAReasonInJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode([MetricValue(.infinity, ifNotFinite: "infinite"), MetricValue(.nan), MetricValue(0.5)])
        let text = String(decoding: data, as: UTF8.self)
        #expect(text == #"[{"reason":"infinite","value":null},{"reason":"not a finite number","value":null},{"value":0.5}]"#)
    }

    @Test func autoTaskFollowsTheIssueRules() {
        #expect(EvaluationTask.detect(outputRank: 3, labelType: .int64, labelRank: 2).task == .lm)
        #expect(EvaluationTask.detect(outputRank: 2, labelType: .int64, labelRank: 1).task == .classification)
        #expect(EvaluationTask.detect(outputRank: 2, labelType: .float, labelRank: 2).task == .regression)
        #expect(EvaluationTask.detect(outputRank: 4, labelType: .int64, labelRank: 1).task == .agreement)
        #expect(EvaluationTask.detect(outputRank: 2, labelType: nil, labelRank: nil).task == .agreement)
    }

    @Test func gateUsesAbsoluteDropsAndRelativeIncreases() {
        // accuracy 439/450 -> 434/450: drop 5/450 = 0.0111
        let acc = MetricComparison(name: "accuracy", higherIsBetter: true, original: MetricValue(439.0 / 450), converted: MetricValue(434.0 / 450))
        #expect(!QualityGate(maxDrop: 0.0001, performance: [acc], agreement: []).passed)
        #expect(!QualityGate(maxDrop: 0.011, performance: [acc], agreement: []).passed)
        #expect(QualityGate(maxDrop: 0.012, performance: [acc], agreement: []).passed)
        #expect(QualityGate(maxDrop: 0.5, performance: [acc], agreement: []).passed)
        // perplexity 4.0 -> 4.2: relative increase 0.05
        let ppl = MetricComparison(name: "perplexity", higherIsBetter: false, original: MetricValue(4.0), converted: MetricValue(4.2))
        #expect(abs((ppl.loss.value ?? 0) - 0.05) < 1e-12)
        #expect(QualityGate(maxDrop: 0.06, performance: [ppl], agreement: []).passed)
        #expect(!QualityGate(maxDrop: 0.04, performance: [ppl], agreement: []).passed)
        // an undefined loss fails
        let broken = MetricComparison(name: "mae", higherIsBetter: false, original: MetricValue(1), converted: .undefined("NaN"))
        #expect(!QualityGate(maxDrop: 10, performance: [broken], agreement: []).passed)
    }

    @Test func gateWithoutLabelsBoundsTopOneDisagreement() {
        var a = AgreementAccumulator(classes: 2)
        let x: [Float] = [1, 0, 0, 1, 1, 0, 1, 0], y: [Float] = [1, 0, 0, 1, 1, 0, 0, 1]
        x.withUnsafeBufferPointer { xb in y.withUnsafeBufferPointer { a.add(original: xb, converted: $0) } }
        let out = OutputAgreement(output: "p", accumulator: a)   // 3 of 4 rows agree
        #expect(QualityGate(maxDrop: 0.25, performance: [], agreement: [out]).passed)
        #expect(!QualityGate(maxDrop: 0.2, performance: [], agreement: [out]).passed)
    }
}
