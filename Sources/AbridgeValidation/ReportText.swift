/// The terminal form of a `ComparisonReport`: one table of task metrics, size, latency,
/// throughput and energy for both models, then output agreement, per-layer diagnosis and the
/// gate, with the reason of every undefined value listed under the table.
public enum ReportText {
    /// The report as lines (no trailing newline).
    public static func render(_ r: ComparisonReport) -> String {
        typealias F = ReportFormatting
        var lines: [String] = []
        var notes: [String] = []
        func note(_ what: String, _ m: MetricValue) {
            if let reason = m.reason, m.value == nil {
                let line = "\(what): \(reason)"
                if !notes.contains(line) { notes.append(line) }
            }
        }
        lines.append("original:  \(r.original.path)")
        lines.append("converted: \(r.converted.path)")
        lines.append("data:      \(r.data.path) (\(F.count(r.data.samples)) samples\(r.data.hasLabels ? ", labels '\(r.data.labelsKey)'" : ", no labels"))")
        lines.append("task:      \(r.task.kind.rawValue) (\(r.task.reason)), output '\(r.task.output)'")
        lines.append("")

        var t = TextTable(["", "original", "converted", "change"])
        for m in r.performance {
            let d = F.decimals(for: m.name)
            t.add([m.name, F.fixed(m.original, d), F.fixed(m.converted, d),
                   m.higherIsBetter ? F.signed(m.difference, d) : (m.relativeChange.value.map { String(format: "%+.2f%%", $0 * 100) } ?? "n/a")])
            note("\(m.name) (original)", m.original); note("\(m.name) (converted)", m.converted)
        }
        let sa = r.original.size, sb = r.converted.size
        t.add(["file size", F.bytes(sa.totalFileBytes), F.bytes(sb.totalFileBytes), F.ratio(MetricValue(Double(sa.totalFileBytes)), MetricValue(Double(sb.totalFileBytes)))])
        t.add(["parameters", F.count(sa.parameters), F.count(sb.parameters), ""])
        let types = Set(sa.byType.map(\.type)).union(sb.byType.map(\.type)).sorted()
        for type in types {
            let x = sa.byType.first { $0.type == type }, y = sb.byType.first { $0.type == type }
            t.add(["  \(type)", x.map { "\(F.count($0.parameters)) (\(F.bytes($0.bytes)))" } ?? "-",
                   y.map { "\(F.count($0.parameters)) (\(F.bytes($0.bytes)))" } ?? "-", ""])
        }
        if sa.sparseInitializers + sb.sparseInitializers > 0 {
            t.add(["dense / sparse bytes", "\(F.bytes(sa.denseBytes)) / \(F.bytes(sa.sparseBytes))", "\(F.bytes(sb.denseBytes)) / \(F.bytes(sb.sparseBytes))", ""])
        }
        if let tm = r.timing {
            let a = tm.original, b = tm.converted
            for (label, x, y) in [("latency p50 (ms)", a.latency.p50, b.latency.p50), ("latency p90 (ms)", a.latency.p90, b.latency.p90),
                                  ("latency p99 (ms)", a.latency.p99, b.latency.p99)] {
                t.add([label, F.fixed(x, 3), F.fixed(y, 3), F.ratio(x, y)])
            }
            t.add(["throughput (samples/s, batch \(tm.throughputBatch))", F.fixed(a.throughputSamplesPerSecond, 1), F.fixed(b.throughputSamplesPerSecond, 1),
                   F.ratio(a.throughputSamplesPerSecond, b.throughputSamplesPerSecond)])
            if tm.energy.available {
                t.add(["energy (J/inference)", F.general(a.joulesPerInference), F.general(b.joulesPerInference), F.ratio(a.joulesPerInference, b.joulesPerInference)])
            } else {
                t.add(["energy (J/inference)", "not available", "not available", ""])
            }
        }
        lines += t.render()
        if let tm = r.timing {
            let version = tm.runtimeVersion.map { " \($0)" } ?? ""
            lines.append("")
            lines.append("timings measured by \(tm.runtime)\(version) with \(tm.threads) thread\(tm.threads == 1 ? "" : "s") (\(tm.threadsNote)); latency at batch 1 over \(tm.original.latency.runs) runs after \(tm.warmupRuns) warm-up runs; throughput over \(tm.original.throughputRuns) runs at batch \(tm.throughputBatch)")
            if let n = tm.batchNote { lines.append("throughput: \(n)") }
            if tm.energy.available {
                lines.append("energy from \(tm.energy.source ?? "RAPL"); \(tm.energy.note ?? "")")
            } else {
                lines.append("energy not available: \(tm.energy.reason ?? "unknown reason")")
            }
        } else {
            lines.append("")
            lines.append("timings skipped (--runs 0)")
        }

        lines.append("")
        lines.append("output agreement (converted vs original):")
        var g = TextTable(["output", "max abs err", "mean abs err", "cosine", "SQNR dB", "top-1 agree"])
        for o in r.agreement {
            g.add([o.output, F.general(o.maxAbsError), F.general(o.meanAbsError), F.fixed(o.cosine, 6), F.fixed(o.sqnrDb, 2), F.fixed(o.top1Agreement, 4)])
            note("\(o.output) cosine", o.cosine); note("\(o.output) SQNR", o.sqnrDb)
            if o.top1Agreement.value == nil, o.top1Agreement.reason != nil, o.output == r.task.output, r.task.kind == .classification { note("\(o.output) top-1", o.top1Agreement) }
        }
        lines += g.render(indent: "  ")

        if let p = r.perLayer {
            lines.append("")
            lines.append("per-layer agreement, worst first (\(p.tensors.count) of \(p.commonTensors) tensors present in both models, \(F.count(p.samples)) samples):")
            var l = TextTable(["tensor", "shape (batch)", "SQNR dB", "cosine", "max abs err"])
            for e in p.tensors {
                l.add([e.name, "\(e.shape)", e.sqnrDb.value.map { String(format: "%.2f", $0) } ?? (e.sqnrDb.reason?.contains("identical") == true ? "inf" : "n/a"),
                       F.fixed(e.cosine, 6), F.general(e.maxAbsError)])
            }
            lines += l.render(indent: "  ")
            for s in p.skipped { lines.append("  not compared: \(s.name): \(s.reason)") }
        }

        if let gate = r.gate {
            lines.append("")
            let checks = gate.checks.map { c in
                "\(c.metric) \(c.kind == "relative" ? "relative increase" : "drop") \(c.loss.value.map { String(format: "%.4f", $0) } ?? "n/a (\(c.loss.reason ?? ""))")\(c.exceeded ? " EXCEEDED" : "")"
            }
            lines.append("gate --max-drop \(gate.maxDrop): \(gate.passed ? "passed" : "FAILED") (\(checks.joined(separator: "; ")))")
        }
        if !notes.isEmpty {
            lines.append("")
            lines.append("n/a:")
            for n in notes { lines.append("  \(n)") }
        }
        return lines.joined(separator: "\n")
    }
}
