import Foundation

/// The checked-in expectations of the conformance suite: one line per case, `test_name pass` or
/// `test_name skip: reason`. Blank lines and lines starting with `#` are ignored.
struct ConformanceExpectations {
    enum Expectation: Equatable {
        case pass
        case skip(reason: String)
    }

    var entries: [String: Expectation] = [:]

    init() {}

    /// Parses the file text.
    /// - Throws: `ComparisonFailure` naming the malformed line.
    init(text: String) throws {
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let space = line.firstIndex(of: " ") else {
                throw ComparisonFailure("expectations line \(number + 1): '\(line)' has no status (pass or skip: reason)")
            }
            let name = String(line[..<space])
            let status = line[line.index(after: space)...].trimmingCharacters(in: .whitespaces)
            if status == "pass" {
                entries[name] = .pass
            } else if status.hasPrefix("skip:") {
                let reason = status.dropFirst(5).trimmingCharacters(in: .whitespaces)
                guard !reason.isEmpty else { throw ComparisonFailure("expectations line \(number + 1): skip of '\(name)' has no reason") }
                entries[name] = .skip(reason: reason)
            } else {
                throw ComparisonFailure("expectations line \(number + 1): status '\(status)' is neither 'pass' nor 'skip: reason'")
            }
        }
    }

    /// The file text, sorted by case name.
    var text: String {
        var out = "# Conformance expectations: one line per case in ../shared/conformance/node.\n"
        out += "# `name pass` must pass; `name skip: reason` must fail (the suite fails when it starts passing).\n"
        out += "# Regenerate with ABRIDGE_UPDATE_EXPECTATIONS=1 swift test -c release --filter Conformance, then review the reasons.\n"
        for name in entries.keys.sorted() {
            switch entries[name] {
            case .pass?: out += "\(name) pass\n"
            case .skip(let reason)?: out += "\(name) skip: \(reason)\n"
            case nil: break
            }
        }
        return out
    }
}
