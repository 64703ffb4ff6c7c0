import AbridgeIR
import AbridgeONNX
import AbridgeRuntime
import Dispatch
import Foundation
import Testing

/// The ONNX node conformance suite (`../shared/conformance/node`, 1,884 cases generated from
/// onnx 1.23.2 by `generate_node_tests.py`), run through `InferenceSession` against the
/// checked-in `conformance-expectations.txt` (a ratchet: every case is `pass` or
/// `skip: reason`).
///
/// The test fails when an expected-pass case fails (printing the case, the output, the worst
/// element with its index and both values), when a skipped case passes (update the file), and
/// when a case is missing from the file. Environment:
/// - `ABRIDGE_UPDATE_EXPECTATIONS=1` rewrites the file from the current results: passing cases
///   become `pass`, failing cases keep their existing skip reason or get
///   `skip: <first line of the error>` (review the reasons afterwards).
/// - `ABRIDGE_REFRESH_REASONS=1` (with the above) replaces existing skip reasons too.
/// - `ABRIDGE_CONFORMANCE_FILTER=text` runs only the cases whose name contains `text` (updates
///   then touch only those entries).
/// - `ABRIDGE_CONFORMANCE_VERBOSE=1` prints the error of every failing case.
@Suite struct ConformanceTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let casesDirectory = repository.deletingLastPathComponent().appendingPathComponent("shared/conformance/node")
    static let expectationsFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("conformance-expectations.txt")

    struct CaseResult: Sendable {
        let name: String
        let error: String?
        let seconds: Double
    }

    @Test func nodeConformance() throws {
        let environment = ProcessInfo.processInfo.environment
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: Self.casesDirectory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            Issue.record("""
                The ONNX conformance cases are missing: expected \(Self.casesDirectory.path) \
                (1,884 case folders). Generate them with ../shared/conformance/generate_node_tests.py \
                (pip install onnx==1.23.2) or check out the shared folder beside the repository.
                """)
            return
        }
        var names = try fm.contentsOfDirectory(atPath: Self.casesDirectory.path).filter { name in
            var dir: ObjCBool = false
            return name.hasPrefix("test_")
                && fm.fileExists(atPath: Self.casesDirectory.appendingPathComponent(name).path, isDirectory: &dir) && dir.boolValue
        }.sorted()
        let filter = environment["ABRIDGE_CONFORMANCE_FILTER"].flatMap { $0.isEmpty ? nil : $0 }
        if let filter { names = names.filter { $0.contains(filter) } }
        let update = environment["ABRIDGE_UPDATE_EXPECTATIONS"] == "1"
        let refresh = environment["ABRIDGE_REFRESH_REASONS"] == "1"
        let verbose = environment["ABRIDGE_CONFORMANCE_VERBOSE"] == "1"

        var expectations = ConformanceExpectations()
        if fm.fileExists(atPath: Self.expectationsFile.path) {
            expectations = try ConformanceExpectations(text: String(contentsOf: Self.expectationsFile, encoding: .utf8))
        } else if !update {
            Issue.record("\(Self.expectationsFile.path) is missing; create it with ABRIDGE_UPDATE_EXPECTATIONS=1")
        }

        let start = Date()
        let results = Self.runAll(names)
        let elapsed = Date().timeIntervalSince(start)

        var passed = 0, skipped = 0, newlyPassing: [String] = [], broken: [String] = [], unknown: [String] = []
        for r in results {
            let expected = expectations.entries[r.name]
            if r.error == nil { passed += 1 } else { skipped += 1 }
            switch (expected, r.error) {
            case (.pass?, let error?):
                broken.append(r.name)
                if !update { Issue.record("conformance case \(r.name) should pass but fails: \(error)") }
            case (.skip(let reason)?, nil):
                newlyPassing.append(r.name)
                if !update { Issue.record("conformance case \(r.name) is skipped (\(reason)) but now passes: mark it `pass` in conformance-expectations.txt (or rerun with ABRIDGE_UPDATE_EXPECTATIONS=1)") }
            case (nil, _):
                unknown.append(r.name)
                if !update { Issue.record("conformance case \(r.name) is not in conformance-expectations.txt (\(r.error.map { "fails: \($0)" } ?? "passes"))") }
            default: break
            }
            if verbose, let e = r.error { print("[conformance] \(r.name): \(e)") }
        }

        if update {
            for r in results {
                if let error = r.error {
                    if case .skip? = expectations.entries[r.name], !refresh { continue }
                    expectations.entries[r.name] = .skip(reason: Self.reason(from: error))
                } else {
                    expectations.entries[r.name] = .pass
                }
            }
            if filter == nil {
                let present = Set(names)
                for name in expectations.entries.keys where !present.contains(name) { expectations.entries[name] = nil }
            }
            try expectations.text.write(to: Self.expectationsFile, atomically: true, encoding: .utf8)
            print("[conformance] rewrote \(Self.expectationsFile.path)")
        }

        let slowest = results.sorted { $0.seconds > $1.seconds }.prefix(5)
            .map { "\($0.name) \(String(format: "%.2f", $0.seconds))s" }.joined(separator: ", ")
        print("[conformance] \(passed) passed / \(skipped) skipped / \(results.count) total"
              + " (\(broken.count) broken, \(newlyPassing.count) newly passing, \(unknown.count) not in the file)"
              + " in \(String(format: "%.1f", elapsed))s; slowest: \(slowest)")
    }

    /// The first line of an error, shortened, as a skip reason.
    static func reason(from error: String) -> String {
        let line = error.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? error
        return line.count > 300 ? String(line.prefix(300)) + "..." : line
    }

    /// Runs the cases on all cores (each case single-threaded), in a deterministic result order.
    static func runAll(_ names: [String]) -> [CaseResult] {
        final class Collector: @unchecked Sendable {
            let lock = NSLock()
            var results: [CaseResult?]
            var next = 0
            init(_ n: Int) { results = Array(repeating: nil, count: n) }
            func take() -> Int { lock.lock(); defer { lock.unlock() }; let i = next; next += 1; return i }
            func put(_ i: Int, _ r: CaseResult) { lock.lock(); results[i] = r; lock.unlock() }
        }
        let collector = Collector(names.count)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, names.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = collector.take()
                guard i < names.count else { return }
                let t0 = Date()
                var error: String? = nil
                do { try runCase(names[i]) } catch let e { error = "\(e)" }
                collector.put(i, CaseResult(name: names[i], error: error, seconds: Date().timeIntervalSince(t0)))
            }
        }
        return collector.results.compactMap { $0 }
    }

    /// Runs one case folder: loads the model, feeds every `test_data_set_*`, compares outputs.
    /// - Throws: the load/compile/run error or the first `ComparisonFailure`.
    static func runCase(_ name: String) throws {
        let dir = casesDirectory.appendingPathComponent(name)
        let model = try ONNXReader.readModel(path: dir.appendingPathComponent("model.onnx").path)
        guard let graph = model.graph else { throw ComparisonFailure("the model has no graph") }
        let session = try InferenceSession(model: model, options: SessionOptions(threads: 1))
        let feedable = graph.inputs.filter { !$0.isInitializer }
        let sets = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("test_data_set_") }.sorted()
        guard !sets.isEmpty else { throw ComparisonFailure("no test_data_set_* folder") }
        for set in sets {
            let setDir = dir.appendingPathComponent(set)
            var feeds: [String: RuntimeValue] = [:]
            for (k, input) in feedable.enumerated() {
                let path = setDir.appendingPathComponent("input_\(k).pb").path
                guard FileManager.default.fileExists(atPath: path) else { break }
                feeds[input.name] = try ConformanceComparison.runtimeValue(ONNXReader.readValue(path: path, type: input.type))
            }
            let outputs = try session.run(feeds)
            for (k, output) in graph.outputs.enumerated() {
                let path = setDir.appendingPathComponent("output_\(k).pb").path
                guard FileManager.default.fileExists(atPath: path) else { continue }
                let expected = try ONNXReader.readValue(path: path, type: output.type)
                guard k < outputs.count else { throw ComparisonFailure("output \(k) '\(output.name)' was not produced") }
                try ConformanceComparison.compare(outputs[k].value, expected, output: output.name)
            }
        }
    }
}
