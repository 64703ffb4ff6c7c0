import AbridgeData
import AbridgeRuntime
import Foundation

/// Times both models with onnxruntime through its Python package, by running the helper
/// `scripts/ort_timing.py` in a `python3` subprocess (its docstring documents the protocol:
/// feeds in `.npz` files, one JSON object on stdout). Latency, throughput and energy follow the
/// same plan as `AbridgeRuntimeBenchmark`; percentiles are computed here from the raw times.
public struct ONNXRuntimeBenchmark {
    /// The Python interpreter (looked up on PATH when not a path).
    public var python: String
    /// Path of `ort_timing.py`.
    public var script: String
    public var plan: TimingPlan

    public init(python: String = "python3", script: String, plan: TimingPlan) {
        self.python = python; self.script = script; self.plan = plan
    }

    /// The helper's answer.
    struct HelperOutput: Decodable {
        struct Energy: Decodable { var available: Bool; var reason: String?; var zones: [String] }
        struct Model: Decodable { var latency_s: [Double]; var throughput_s: [Double]; var energy_uj: Double? }
        var onnxruntime_version: String
        var threads: Int
        var energy: Energy
        var models: [Model]
    }

    /// Measures the two models.
    /// - Returns: the timing report (runtime `onnxruntime`).
    /// - Throws: `ComparisonError.toolUnavailable` when python3 or onnxruntime is missing,
    ///   `.toolFailed` when a model fails in onnxruntime, `.io` when the feeds cannot be written.
    public func measure(originalPath: String, convertedPath: String, single: [String: RuntimeValue],
                        batch: [String: RuntimeValue], threads: Int, batchNote: String?) throws -> TimingReport {
        guard FileManager.default.isReadableFile(atPath: script) else {
            throw ComparisonError.toolUnavailable("the onnxruntime timing helper \(script) is missing (set ABRIDGE_ROOT to the Abridge source folder)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("abridge-ort-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw ComparisonError.io(file: folder.path, reason: "cannot create a temporary folder: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let singleURL = folder.appendingPathComponent("single.npz"), batchURL = folder.appendingPathComponent("batch.npz")
        try Self.writeFeed(single, to: singleURL)
        try Self.writeFeed(batch, to: batchURL)

        let (status, outData, stderr) = try runHelper(["--models", originalPath, convertedPath,
                                                       "--single", singleURL.path, "--batch", batchURL.path,
                                                       "--runs", String(plan.runs), "--throughput-runs", String(plan.throughputRuns),
                                                       "--warmup", String(plan.warmupRuns), "--threads", String(threads)])
        switch status {
        case 0: break
        case 3: throw ComparisonError.toolUnavailable("--runtime onnxruntime: \(stderr)")
        case 127: throw ComparisonError.toolUnavailable("--runtime onnxruntime needs \(python) on PATH: \(stderr)")
        default: throw ComparisonError.toolFailed("--runtime onnxruntime: \(script) exited with status \(status): \(stderr)")
        }
        let decoded: HelperOutput
        do { decoded = try JSONDecoder().decode(HelperOutput.self, from: outData) } catch {
            throw ComparisonError.toolFailed("--runtime onnxruntime: \(script) printed no readable report: \(error)")
        }
        guard decoded.models.count == 2 else { throw ComparisonError.toolFailed("--runtime onnxruntime: expected timings of 2 models, got \(decoded.models.count)") }
        let energy: EnergyReport = decoded.energy.available
            ? .measured(zones: decoded.energy.zones)
            : .unavailable(decoded.energy.reason ?? "the RAPL counters are not readable")
        func timing(_ m: HelperOutput.Model) -> ModelTiming {
            let joules: MetricValue
            if let uj = m.energy_uj, plan.runs > 0 {
                joules = MetricValue(uj / 1e6 / Double(plan.runs))
            } else {
                joules = .undefined(energy.reason ?? "no timed runs")
            }
            return ModelTiming(latencySeconds: m.latency_s, batch: plan.batch, throughputSeconds: m.throughput_s, joulesPerInference: joules)
        }
        return TimingReport(runtime: "onnxruntime", runtimeVersion: decoded.onnxruntime_version, threads: decoded.threads,
                            threadsNote: "onnxruntime CPUExecutionProvider, intra_op_num_threads=\(decoded.threads), sequential execution",
                            warmupRuns: plan.warmupRuns, throughputBatch: plan.batch, batchNote: batchNote,
                            original: timing(decoded.models[0]), converted: timing(decoded.models[1]), energy: energy)
    }

    /// Checks that the interpreter starts and imports onnxruntime (the helper's `--check`).
    /// - Throws: `ComparisonError.toolUnavailable` with the reason.
    public func checkAvailable() throws {
        guard FileManager.default.isReadableFile(atPath: script) else {
            throw ComparisonError.toolUnavailable("the onnxruntime timing helper \(script) is missing (set ABRIDGE_ROOT to the Abridge source folder)")
        }
        let (status, _, stderr) = try runHelper(["--check"])
        switch status {
        case 0: return
        case 127: throw ComparisonError.toolUnavailable("--runtime onnxruntime needs \(python) on PATH: \(stderr)")
        default: throw ComparisonError.toolUnavailable("--runtime onnxruntime: \(stderr.isEmpty ? "\(python) \(script) --check exited with status \(status)" : stderr)")
        }
    }

    /// Runs the helper with `arguments`; returns its exit status, standard output and error.
    func runHelper(_ arguments: [String]) throws -> (Int32, Data, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            throw ComparisonError.toolUnavailable("cannot start \(python) for --runtime onnxruntime: \(error.localizedDescription)")
        }
        // Read both pipes before waiting, so a full pipe cannot block the helper.
        let errData = ReadInBackground(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = String(decoding: errData.wait(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return (process.terminationStatus, outData, stderr)
    }

    static func writeFeed(_ feed: [String: RuntimeValue], to url: URL) throws {
        var arrays: [(key: String, array: NumPyArray)] = []
        for name in feed.keys.sorted() {
            guard let t = feed[name]?.tensor else {
                throw ComparisonError.invalidData("input '\(name)' is not a tensor; --runtime onnxruntime feeds tensors only")
            }
            arrays.append((name, try NumPyArray(runtime: t)))
        }
        try NPZWriter.write(arrays, to: url)
    }
}
