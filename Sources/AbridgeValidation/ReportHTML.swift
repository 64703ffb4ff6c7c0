import Foundation

/// A single self-contained HTML page for a `ComparisonReport`: inline CSS, inline SVG bar
/// charts (per-tensor SQNR with `--per-layer`; size, latency and throughput of both models), no
/// scripts and no external references, so it opens in any browser offline.
public enum ReportHTML {
    /// The page.
    public static func render(_ r: ComparisonReport) -> String {
        typealias F = ReportFormatting
        var body = ""
        body += "<h1>Abridge compare report</h1>\n<table class=\"kv\">\n"
        body += row(["original", r.original.path], header: true)
        body += row(["converted", r.converted.path], header: true)
        body += row(["data", "\(r.data.path) (\(F.count(r.data.samples)) samples\(r.data.hasLabels ? ", labels '\(r.data.labelsKey)'" : ", no labels"))"], header: true)
        body += row(["task", "\(r.task.kind.rawValue) (\(r.task.reason)), output '\(r.task.output)'"], header: true)
        body += "</table>\n"

        if let gate = r.gate {
            body += "<p class=\"gate \(gate.passed ? "pass" : "fail")\">--max-drop \(gate.maxDrop): \(gate.passed ? "passed" : "FAILED")"
            for c in gate.checks {
                body += "<br>\(esc(c.metric)) \(c.kind == "relative" ? "relative increase" : "drop") \(c.loss.value.map { String(format: "%.4f", $0) } ?? "n/a (\(esc(c.loss.reason ?? "")))")\(c.exceeded ? " (exceeded)" : "")"
            }
            body += "</p>\n"
        }

        body += "<h2>Task performance, size and speed</h2>\n<table>\n" + row(["", "original", "converted", "change"], header: true, first: false)
        for m in r.performance {
            let d = F.decimals(for: m.name)
            body += row([m.name, cell(F.fixed(m.original, d), m.original), cell(F.fixed(m.converted, d), m.converted),
                         m.higherIsBetter ? F.signed(m.difference, d) : (m.relativeChange.value.map { String(format: "%+.2f%%", $0 * 100) } ?? "n/a")], raw: true)
        }
        let sa = r.original.size, sb = r.converted.size
        body += row(["file size", F.bytes(sa.totalFileBytes), F.bytes(sb.totalFileBytes), F.ratio(MetricValue(Double(sa.totalFileBytes)), MetricValue(Double(sb.totalFileBytes)))])
        body += row(["parameters", F.count(sa.parameters), F.count(sb.parameters), ""])
        for type in Set(sa.byType.map(\.type)).union(sb.byType.map(\.type)).sorted() {
            let x = sa.byType.first { $0.type == type }, y = sb.byType.first { $0.type == type }
            body += row(["&nbsp;&nbsp;" + esc(type), x.map { "\(F.count($0.parameters)) (\(F.bytes($0.bytes)))" } ?? "-",
                         y.map { "\(F.count($0.parameters)) (\(F.bytes($0.bytes)))" } ?? "-", ""], raw: true, escapeFirst: false)
        }
        body += row(["dense / sparse bytes", "\(F.bytes(sa.denseBytes)) / \(F.bytes(sa.sparseBytes))", "\(F.bytes(sb.denseBytes)) / \(F.bytes(sb.sparseBytes))", ""])
        if let tm = r.timing {
            let a = tm.original, b = tm.converted
            body += row(["latency p50 (ms)", F.fixed(a.latency.p50, 3), F.fixed(b.latency.p50, 3), F.ratio(a.latency.p50, b.latency.p50)])
            body += row(["latency p90 (ms)", F.fixed(a.latency.p90, 3), F.fixed(b.latency.p90, 3), F.ratio(a.latency.p90, b.latency.p90)])
            body += row(["latency p99 (ms)", F.fixed(a.latency.p99, 3), F.fixed(b.latency.p99, 3), F.ratio(a.latency.p99, b.latency.p99)])
            body += row(["throughput (samples/s, batch \(tm.throughputBatch))", F.fixed(a.throughputSamplesPerSecond, 1), F.fixed(b.throughputSamplesPerSecond, 1),
                         F.ratio(a.throughputSamplesPerSecond, b.throughputSamplesPerSecond)])
            body += tm.energy.available
                ? row(["energy (J/inference)", F.general(a.joulesPerInference), F.general(b.joulesPerInference), F.ratio(a.joulesPerInference, b.joulesPerInference)])
                : row(["energy (J/inference)", "not available", "not available", ""])
        }
        body += "</table>\n"
        if let tm = r.timing {
            body += "<p class=\"note\">Timings measured by <b>\(esc(tm.runtime))\(esc(tm.runtimeVersion.map { " " + $0 } ?? ""))</b> with \(tm.threads) thread(s) (\(esc(tm.threadsNote))); latency at batch 1 over \(tm.original.latency.runs) runs after \(tm.warmupRuns) warm-up runs; throughput over \(tm.original.throughputRuns) runs at batch \(tm.throughputBatch).\(tm.batchNote.map { " " + esc($0) + "." } ?? "")<br>"
            body += tm.energy.available
                ? "Energy from \(esc(tm.energy.source ?? "RAPL")); \(esc(tm.energy.note ?? "")).</p>\n"
                : "Energy not available: \(esc(tm.energy.reason ?? "unknown reason")).</p>\n"
            body += "<h2>Converted relative to original</h2>\n" + ratioChart(r)
        }

        body += "<h2>Output agreement</h2>\n<table>\n" + row(["output", "max abs error", "mean abs error", "cosine", "SQNR (dB)", "top-1 agreement"], header: true, first: false)
        for o in r.agreement {
            body += row([esc(o.output), cell(F.general(o.maxAbsError), o.maxAbsError), cell(F.general(o.meanAbsError), o.meanAbsError),
                         cell(F.fixed(o.cosine, 6), o.cosine), cell(F.fixed(o.sqnrDb, 2), o.sqnrDb), cell(F.fixed(o.top1Agreement, 4), o.top1Agreement)], raw: true, escapeFirst: false)
        }
        body += "</table>\n"

        if let p = r.perLayer {
            body += "<h2>Per-layer SQNR (worst first)</h2>\n"
            body += "<p class=\"note\">\(p.tensors.count) of \(p.commonTensors) tensors present in both models under the same name, over \(F.count(p.samples)) samples. Higher is better; identical tensors (infinite SQNR) are listed last without a bar.</p>\n"
            body += sqnrChart(p)
            body += "<table>\n" + row(["tensor", "shape", "SQNR (dB)", "cosine", "max abs error", "mean abs error"], header: true, first: false)
            for e in p.tensors {
                body += row([esc(e.name), "\(e.shape)", cell(F.fixed(e.sqnrDb, 2), e.sqnrDb), cell(F.fixed(e.cosine, 6), e.cosine),
                             cell(F.general(e.maxAbsError), e.maxAbsError), cell(F.general(e.meanAbsError), e.meanAbsError)], raw: true, escapeFirst: false)
            }
            body += "</table>\n"
            if !p.skipped.isEmpty {
                body += "<p class=\"note\">Not compared: " + p.skipped.map { "\(esc($0.name)) (\(esc($0.reason)))" }.joined(separator: "; ") + "</p>\n"
            }
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Abridge compare report</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 70em; }
            h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
            table { border-collapse: collapse; margin: 0.5em 0; }
            th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #ddd; text-align: right; font-variant-numeric: tabular-nums; }
            th:first-child, td:first-child { text-align: left; }
            table.kv td { text-align: left; }
            .note { color: #555; font-size: 0.9em; }
            .gate { padding: 0.5em 0.8em; border-radius: 4px; }
            .pass { background: #e6f4ea; } .fail { background: #fce8e6; }
            svg text { font-size: 11px; fill: #222; }
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    /// Horizontal bars of per-tensor SQNR (dB), one per tensor, worst first.
    static func sqnrChart(_ p: LayerDiagnosis) -> String {
        let entries = p.tensors
        guard !entries.isEmpty else { return "" }
        let values = entries.compactMap(\.sqnrDb.value)
        let maxValue = Swift.max(1, values.max() ?? 1), minValue = Swift.min(0, values.min() ?? 0)
        let labelWidth = 300.0, barWidth = 420.0, rowHeight = 18.0
        let height = Double(entries.count) * rowHeight + 10
        let zero = labelWidth + barWidth * (-minValue) / (maxValue - minValue)
        var svg = "<svg width=\"\(Int(labelWidth + barWidth + 80))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"per-tensor SQNR in dB\">\n"
        for (i, e) in entries.enumerated() {
            let y = Double(i) * rowHeight + 4
            let name = e.name.count > 45 ? "…" + String(e.name.suffix(44)) : e.name
            svg += "<text x=\"\(Int(labelWidth - 6))\" y=\"\(f(y + 12))\" text-anchor=\"end\">\(esc(name))</text>\n"
            if let v = e.sqnrDb.value {
                let w = barWidth * abs(v) / (maxValue - minValue)
                let x = v >= 0 ? zero : zero - w
                let color = v < 20 ? "#d93025" : (v < 35 ? "#f9ab00" : "#1e8e3e")
                svg += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(Swift.max(w, 1)))\" height=\"\(f(rowHeight - 4))\" fill=\"\(color)\"><title>\(esc(e.name)): \(String(format: "%.2f", v)) dB</title></rect>\n"
                svg += "<text x=\"\(f((v >= 0 ? x + w : zero) + 4))\" y=\"\(f(y + 12))\">\(String(format: "%.1f dB", v))</text>\n"
            } else {
                svg += "<text x=\"\(f(zero + 4))\" y=\"\(f(y + 12))\">\(e.sqnrDb.reason?.contains("identical") == true ? "identical (∞)" : "n/a")</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    /// Bars of converted / original for file size, latency p50 and throughput (1 = unchanged).
    static func ratioChart(_ r: ComparisonReport) -> String {
        guard let tm = r.timing else { return "" }
        let items: [(String, Double?)] = [
            ("file size", r.sizeRatio.value),
            ("latency p50", ratio(tm.original.latency.p50, tm.converted.latency.p50)),
            ("throughput", ratio(tm.original.throughputSamplesPerSecond, tm.converted.throughputSamplesPerSecond)),
        ]
        let maxValue = Swift.max(1.0, items.compactMap(\.1).max() ?? 1)
        let labelWidth = 110.0, barWidth = 420.0, rowHeight = 22.0
        var svg = "<svg width=\"\(Int(labelWidth + barWidth + 80))\" height=\"\(Int(Double(items.count) * rowHeight + 10))\" role=\"img\" aria-label=\"converted relative to original\">\n"
        let one = labelWidth + barWidth / maxValue
        for (i, (label, v)) in items.enumerated() {
            let y = Double(i) * rowHeight + 4
            svg += "<text x=\"\(Int(labelWidth - 6))\" y=\"\(f(y + 13))\" text-anchor=\"end\">\(esc(label))</text>\n"
            if let v {
                let w = barWidth * v / maxValue
                svg += "<rect x=\"\(f(labelWidth))\" y=\"\(f(y))\" width=\"\(f(Swift.max(w, 1)))\" height=\"\(f(rowHeight - 6))\" fill=\"#1a73e8\"></rect>\n"
                svg += "<text x=\"\(f(labelWidth + w + 4))\" y=\"\(f(y + 13))\">\(String(format: "%.2fx", v))</text>\n"
            } else {
                svg += "<text x=\"\(f(labelWidth + 4))\" y=\"\(f(y + 13))\">n/a</text>\n"
            }
        }
        svg += "<line x1=\"\(f(one))\" y1=\"0\" x2=\"\(f(one))\" y2=\"\(Int(Double(items.count) * rowHeight + 10))\" stroke=\"#555\" stroke-dasharray=\"3,3\"></line>\n"
        return svg + "</svg>\n"
    }

    static func ratio(_ a: MetricValue, _ b: MetricValue) -> Double? {
        guard let x = a.value, let y = b.value, x > 0 else { return nil }
        return y / x
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// A value cell whose tooltip gives the reason when undefined.
    static func cell(_ text: String, _ m: MetricValue) -> String {
        guard m.value == nil, let reason = m.reason else { return esc(text) }
        return "<span title=\"\(esc(reason))\">\(esc(text))</span>"
    }

    static func row(_ cells: [String], header: Bool = false, first: Bool = true, raw: Bool = false, escapeFirst: Bool = true) -> String {
        var out = "<tr>"
        for (i, c) in cells.enumerated() {
            let text = raw ? (i == 0 && escapeFirst ? esc(c) : c) : esc(c)
            let tag = header && (i == 0 || !first) ? "th" : "td"
            out += "<\(tag)>\(text)</\(tag)>"
        }
        return out + "</tr>\n"
    }

    /// Escapes text for HTML content and attribute values.
    static func esc(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
