/// Rows of cells laid out in aligned columns (first column left-aligned, others right-aligned).
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: [String]) { self.header = header }

    mutating func add(_ cells: [String]) { rows.append(cells) }

    /// The table as lines, columns separated by two spaces.
    func render(indent: String = "") -> [String] {
        let all = [header] + rows
        let columns = all.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for r in all { for (i, c) in r.enumerated() { widths[i] = Swift.max(widths[i], c.count) } }
        return all.map { r in
            var line = indent
            for i in 0..<columns {
                let c = i < r.count ? r[i] : ""
                let pad = String(repeating: " ", count: widths[i] - c.count)
                line += i == 0 ? c + pad : "  " + pad + c
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}
