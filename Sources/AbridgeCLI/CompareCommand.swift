import AbridgeIR
import AbridgeONNX
import AbridgeValidation
import ArgumentParser
import Foundation

/// Task choices as the CLI names them.
enum TaskChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, classification, regression, lm
}

/// Runtimes that can take the timings.
enum TimingRuntimeChoice: String, ExpressibleByArgument, CaseIterable {
    case abridge, onnxruntime
}

/// `abridge compare ORIGINAL CONVERTED --data FILE.npz`: what a conversion lost and gained, on
/// real data (issue 6).
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Measure a converted model against its original on data: accuracy, agreement, size, latency, throughput, energy.",
        discussion: """
            Both models run on the same samples (--data as for 'run'; labels under --labels, default 'labels', \
            are never fed). With labels: accuracy and macro-F1 (classification), MAE and MSE (regression) or \
            perplexity (--task lm, -100 ignored) for both models; always: agreement of every output (max and mean \
            absolute error, cosine, SQNR in dB, top-1 agreement). Then file sizes, parameters by type, batch-1 \
            latency (p50/p90/p99 over --runs after warm-up) and batch-N throughput, and energy from the Linux RAPL \
            counters when readable. --per-layer compares every intermediate tensor present in both models under \
            the same name, worst first. Exit status 1 when --max-drop is exceeded: an absolute drop for accuracy, \
            F1 and agreement (0.01 is one point), a relative increase for errors and perplexity.
            """)

    @Argument(help: "The original .onnx model.")
    var original: String

    @Argument(help: "The converted .onnx model.")
    var converted: String

    @Option(name: .long, help: "Evaluation data: an .npz (keys are input names, axis 0 the sample axis), a folder of .npz files, or an ONNX test-data folder.")
    var data: String

    @Option(name: .long, help: "Key of the labels in the .npz (default: labels).")
    var labels: String?

    @Option(name: .long, help: "Task: \(TaskChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var task: TaskChoice = .auto

    @Option(name: .long, help: "Write the report as JSON (schema: schemas/compare-report.schema.json).")
    var json: String?

    @Option(name: .long, help: "Write the report as one self-contained HTML page.")
    var html: String?

    @Option(name: .long, help: "Exit with status 1 when the loss exceeds X (absolute for accuracy/F1/agreement, relative for errors/perplexity).")
    var maxDrop: Double?

    @Flag(name: .long, help: "Compare every intermediate tensor present in both models (SQNR, cosine), worst first.")
    var perLayer = false

    @Option(name: .long, help: "Runtime that takes the timings: \(TimingRuntimeChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var runtime: TimingRuntimeChoice = .abridge

    @Option(name: .long, help: "Timed batch-1 runs per model for latency (0 skips timing).")
    var runs: Int = 20

    @Option(name: .long, help: "Batch size for throughput.")
    var batch: Int = 32

    @Flag(name: .long, help: "Replace existing --json/--html files.")
    var force = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if runs < 0 { throw ValidationError("--runs must be at least 0") }
        if batch < 1 { throw ValidationError("--batch must be at least 1") }
        if let maxDrop, !(maxDrop >= 0 && maxDrop.isFinite) { throw ValidationError("--max-drop must be a finite number of at least 0") }
        if let json, let html, json == html { throw ValidationError("--json and --html must name different files") }
    }

    func run() throws {
        let console = global.console
        try runReportingErrors(console) {
            var options = ComparisonOptions()
            options.task = task == .auto ? nil : EvaluationTask(rawValue: task.rawValue)
            options.labelKey = labels ?? "labels"
            options.labelKeyGiven = labels != nil
            options.perLayer = perLayer
            options.runs = runs
            options.throughputBatch = batch
            options.threads = global.threads
            options.maxDrop = maxDrop
            if runtime == .onnxruntime {
                options.timingRuntime = .onnxruntime(python: "python3", script: try Self.helperScript("ort_timing.py"))
            }
            let a = try ONNXReader.readModel(path: original, logger: console.logger)
            let b = try ONNXReader.readModel(path: converted, logger: console.logger)
            try OutputGuard.check(outputs: [json, html].compactMap { $0 }, inputs: [data], models: [(original, a), (converted, b)], force: force)
            let comparison = ModelComparison(original: a, path: original, converted: b, path: converted,
                                             data: data, options: options, logger: console.logger)
            var progress: (stage: String, line: Progress)?
            let report: ComparisonReport
            do {
                report = try comparison.run { event in
                    if progress?.stage != event.stage {
                        progress?.line.finish()
                        progress = (event.stage, Progress(console: console, total: event.total, label: event.stage))
                    }
                    progress?.line.advance(by: event.done - (progress?.line.done ?? 0))
                }
                progress?.line.finish()
            } catch let e as ComparisonError {
                throw CLIError(status: Self.status(for: e), message: e.description)
            }
            console.print(ReportText.render(report))
            if let json {
                let bytes = try report.jsonData() + Data("\n".utf8)
                console.status("wrote \(try AtomicFileWriter.write(bytes, to: json, overwrite: force))")
            }
            if let html {
                console.status("wrote \(try AtomicFileWriter.write(Data(ReportHTML.render(report).utf8), to: html, overwrite: force))")
            }
            if let gate = report.gate, !gate.passed {
                console.error("the loss exceeds --max-drop \(gate.maxDrop): " + gate.checks.filter(\.exceeded).map { c in
                    "\(c.metric) \(c.loss.value.map { String(format: "%.4f", $0) } ?? "undefined")"
                }.joined(separator: ", "))
                throw ExitCode(ExitStatus.gateFailed.rawValue)
            }
        }
    }

    /// Exit status of a comparison error (README table).
    static func status(for e: ComparisonError) -> ExitStatus {
        switch e {
        case .mismatchedModels, .invalidData, .unsupportedTask: return .dataError
        case .toolUnavailable: return .unavailable
        case .toolFailed: return .software
        case .io: return .noInput
        }
    }

    /// Path of a helper script in the source tree's `scripts/`: `$ABRIDGE_ROOT/scripts/NAME`,
    /// else the first `scripts/NAME` found walking up from the executable's folder (a build at
    /// `.build/<config>/abridge` finds the checkout's `scripts/`).
    /// - Throws: `CLIError` (status 69) when it cannot be found.
    static func helperScript(_ name: String) throws -> String {
        if let root = ProcessInfo.processInfo.environment["ABRIDGE_ROOT"], !root.isEmpty {
            let path = URL(fileURLWithPath: root).appendingPathComponent("scripts").appendingPathComponent(name).path
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw CLIError(status: .unavailable, message: "--runtime onnxruntime: \(path) not found (ABRIDGE_ROOT=\(root))")
            }
            return path
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = folder.appendingPathComponent("scripts").appendingPathComponent(name).path
            if FileManager.default.isReadableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        throw CLIError(status: .unavailable, message: "--runtime onnxruntime: cannot find scripts/\(name) near \(executable.path); set ABRIDGE_ROOT to the Abridge source folder")
    }
}
