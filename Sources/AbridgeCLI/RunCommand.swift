import AbridgeData
import AbridgeIR
import AbridgeONNX
import AbridgeRuntime
import ArgumentParser
import Foundation

/// `abridge run MODEL`: run a model on input data with Abridge's reference runtime.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model on input data with Abridge's runtime.",
        discussion: """
            Inputs: --input NAME=FILE.npy (one per graph input), or --inputs with an .npz (keys are input \
            names, axis 0 the sample axis; other keys such as 'labels' are ignored), a folder of .npz files \
            (one complete feed each) or an ONNX test-data folder (input_K.pb). Stacked samples run as one \
            batch when the model's batch axis allows it, else one by one, and outputs are concatenated \
            along axis 0.
            """)

    @Argument(help: "The .onnx model.")
    var model: String

    @Option(name: .customLong("input"), help: "NAME=FILE.npy for one graph input (repeatable).")
    var npyInputs: [String] = []

    @Option(name: .long, help: "An .npz file, a folder of .npz files, or an ONNX test-data folder.")
    var inputs: String?

    @Option(name: .shortAndLong, help: "Write outputs to OUT.npz (keys are output names) or to a folder of NAME.npy files.")
    var output: String?

    @Option(name: .long, help: "Compare with expected outputs: a folder of output_K.pb files or an .npz (keys are output names).")
    var expected: String?

    @Option(name: .long, help: "Relative tolerance for --expected.")
    var rtol: Double = 1e-3

    @Option(name: .long, help: "Absolute tolerance for --expected.")
    var atol: Double = 1e-7

    @Flag(name: .long, help: "Replace an existing output.")
    var force = false

    // Benchmark facility (hidden; used by scripts/bench/runtime_benchmark.py). With --repeat, the
    // feeds are built once, the whole data set is run K untimed times and then N timed times, and
    // the per-run seconds of the session runs alone (no process start-up, model load or data
    // reading) go to --timing-json. Outputs are those of the last run, handled as without it.
    @Option(name: .long, help: ArgumentHelp("Timed runs of the whole data set (benchmarking).", visibility: .hidden))
    var `repeat`: Int?

    @Option(name: .long, help: ArgumentHelp("Untimed runs before the timed ones (with --repeat).", visibility: .hidden))
    var warmup: Int = 1

    @Option(name: .long, help: ArgumentHelp("Write {\"runs_s\": [seconds per run], ...} here (with --repeat).", visibility: .hidden))
    var timingJson: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if inputs != nil && !npyInputs.isEmpty { throw ValidationError("use either --input or --inputs, not both") }
        for spec in npyInputs where !spec.contains("=") { throw ValidationError("--input takes NAME=FILE.npy, got '\(spec)'") }
        if let r = `repeat`, r < 1 { throw ValidationError("--repeat must be at least 1") }
        if warmup < 0 { throw ValidationError("--warmup must be at least 0") }
        if timingJson != nil && `repeat` == nil { throw ValidationError("--timing-json needs --repeat") }
    }

    func run() throws {
        let console = global.console
        try runReportingErrors(console) {
            let m = try ONNXReader.readModel(path: model, logger: console.logger)
            if let output, output.hasSuffix(".npz") {
                try OutputGuard.check(outputs: [output], inputs: [inputs, expected].compactMap { $0 } + npyInputs.map { String($0.split(separator: "=", maxSplits: 1).last ?? "") },
                                      models: [(model, m)], force: force)
            }
            let session = try InferenceSession(model: m, options: SessionOptions(threads: global.threads))
            let data: DataSet
            if let inputs {
                data = try DataSet(path: inputs, inputs: session.requiredInputs)
            } else if !npyInputs.isEmpty {
                var files: [String: String] = [:]
                for spec in npyInputs {
                    let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
                    files[parts[0]] = parts.count > 1 ? parts[1] : ""
                }
                data = try DataSet(npyFiles: files, inputs: session.requiredInputs)
            } else if session.requiredInputs.isEmpty {
                data = try DataSet(npyFiles: [:], inputs: [])
            } else {
                throw CLIError(status: .usage, message: "the model needs inputs \(session.requiredInputs.map(\.name).joined(separator: ", ")): give --inputs or --input NAME=FILE.npy")
            }
            let runner = BatchRunner(session: session, data: data, console: console)
            let results: [(name: String, value: RuntimeValue)]
            if let count = `repeat` {
                let timing = try runner.timedRuns(count, warmup: warmup)
                results = timing.results
                if let timingJson { try timing.writeJSON(to: timingJson, threads: global.threads) }
            } else {
                results = try runner.runAll()
            }
            if let output {
                try OutputFiles.write(results, to: output, overwrite: force)
                console.status("wrote \(results.count) outputs to \(output)")
            } else if expected == nil {
                for (name, value) in results { console.print(OutputFiles.summary(name: name, value: value)) }
            }
            if let expected {
                let want = try OutputFiles.readExpected(expected, outputNames: session.outputs.map(\.name))
                let report = OutputCheck.compare(results, expected: want, rtol: rtol, atol: atol)
                for line in report.lines { console.print(line) }
                if !report.passed { throw ExitCode(ExitStatus.gateFailed.rawValue) }
            }
        }
    }
}
