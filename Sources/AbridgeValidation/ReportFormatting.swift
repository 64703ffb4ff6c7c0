import Foundation

/// Number formats shared by the text and HTML reports.
enum ReportFormatting {
    /// `value` with `decimals` digits, or `n/a` when undefined.
    static func fixed(_ m: MetricValue, _ decimals: Int) -> String {
        guard let v = m.value else { return "n/a" }
        return String(format: "%.\(decimals)f", v)
    }

    /// Four significant digits (`%.4g`), or `n/a`.
    static func general(_ m: MetricValue) -> String {
        guard let v = m.value else { return "n/a" }
        return String(format: "%.4g", v)
    }

    /// A signed difference with `decimals` digits, or `n/a`.
    static func signed(_ m: MetricValue, _ decimals: Int) -> String {
        guard let v = m.value else { return "n/a" }
        return String(format: "%+.\(decimals)f", v)
    }

    /// `b / a` as `0.31x`, or `n/a`.
    static func ratio(_ a: MetricValue, _ b: MetricValue) -> String {
        guard let x = a.value, let y = b.value, x > 0 else { return "n/a" }
        return String(format: "%.2fx", y / x)
    }

    /// Bytes with a binary unit (`21.3 KiB`).
    static func bytes(_ n: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(n), u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        return u == 0 ? "\(n) B" : String(format: "%.1f %@", v, units[u])
    }

    /// An integer with thousands separators (`17,226`).
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// Decimals for a task metric's values.
    static func decimals(for metric: String) -> Int { ["accuracy", "macro_f1", "perplexity"].contains(metric) ? 4 : 6 }
}
