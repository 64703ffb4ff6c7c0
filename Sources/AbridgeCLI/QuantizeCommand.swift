import AbridgeData
import AbridgeIR
import AbridgeONNX
import AbridgeQuantization
import ArgumentParser
import Foundation

/// Calibration methods as the CLI names them.
enum MethodChoice: String, ExpressibleByArgument, CaseIterable {
    case minmax, percentile, entropy
}

/// Quantization modes.
enum ModeChoice: String, ExpressibleByArgument, CaseIterable {
    case `static`, dynamic
}

/// `abridge quantize MODEL --calibration DATA -o OUT`: static post-training quantization to QDQ.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize a float model to int8 (QDQ format) with calibration data.",
        discussion: """
            By default the inputs and weights of Conv, ConvTranspose, MatMul and Gemm are quantized \
            (weights int8 symmetric per channel, activations uint8 asymmetric), with the data-movement ops \
            between them; normalization, Softmax and mask arithmetic stay in float, and the report says \
            what was kept in float and why. Before quantizing, BatchNormalization is folded into the \
            preceding Conv/Gemm, and Identity/Dropout and dead nodes are removed.
            """)

    @Argument(help: "The float .onnx model.")
    var model: String

    @Option(name: .shortAndLong, help: "The quantized .onnx file to write.")
    var output: String

    @Option(name: .long, help: "static (QDQ with calibration, default) or dynamic (weights offline, activations at run time; no data).")
    var mode: ModeChoice = .static

    @Option(name: .long, help: "Calibration data: an .npz (keys are input names, axis 0 the sample axis), a folder of .npz files, or ONNX test-data folders.")
    var calibration: String?

    @Option(name: .long, help: "Use at most N calibration samples.")
    var calibrationSize: Int?

    @Option(name: .long, help: "Calibration method: \(MethodChoice.allCases.map(\.rawValue).joined(separator: ", ")) (default minmax).")
    var method: MethodChoice?

    @Option(name: .long, help: "Percentile for --method percentile (default 99.999).")
    var percentile: Double?

    @Flag(name: .long, help: "MinMax with a moving average of per-sample ranges.")
    var movingAverage = false

    @Option(name: .long, help: "Activation type: uint8, int8, uint16, int16.")
    var activationType: String = "uint8"

    @Flag(name: .long, help: "Symmetric activations (zero point at the middle of the range).")
    var symmetricActivations = false

    @Flag(name: .long, inversion: .prefixedNo, help: "One weight scale per output channel (default) instead of per tensor.")
    var perChannel = true

    @Option(name: .long, parsing: .upToNextOption, help: "Operator types whose inputs are quantized (default: Conv ConvTranspose MatMul Gemm, and Gather of embedding tables).")
    var opTypes: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: "Operator types to keep in float.")
    var excludeOpTypes: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: "Node names or regular expressions to keep in float.")
    var excludeNodes: [String] = []

    @Option(name: .long, help: "Write the quantization plan (every tensor's type, scale, zero point, axis and statistics) as JSON.")
    var planOut: String?

    @Option(name: .long, help: "Apply a plan written by --plan-out instead of calibrating.")
    var planIn: String?

    @Flag(name: .long, help: "Replace an existing output file.")
    var force = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard QuantizedType(rawValue: activationType) != nil, activationType != "int32" else {
            throw ValidationError("--activation-type must be uint8, int8, uint16 or int16")
        }
        if mode == .static && calibration == nil && planIn == nil { throw ValidationError("give --calibration DATA (or --plan-in PLAN), or use --mode dynamic") }
        if let n = calibrationSize, n < 1 { throw ValidationError("--calibration-size must be at least 1") }
        if let percentile, !(0 < percentile && percentile <= 100) { throw ValidationError("--percentile must be in (0, 100]") }
        var options = QuantizationOptions()
        options.excludeNodes = excludeNodes
        do { try options.validate() } catch { throw ValidationError("\(error)") }
    }

    /// Notes for options given that this run does not use (they would otherwise do nothing silently).
    private func unusedOptionNotes() -> [String] {
        var notes: [String] = []
        if mode == .dynamic {
            var unused: [String] = []
            if calibration != nil { unused.append("--calibration") }
            if calibrationSize != nil { unused.append("--calibration-size") }
            if planIn != nil { unused.append("--plan-in") }
            if method != nil { unused.append("--method") }
            if percentile != nil { unused.append("--percentile") }
            if movingAverage { unused.append("--moving-average") }
            if symmetricActivations { unused.append("--symmetric-activations") }
            if activationType != "uint8" { unused.append("--activation-type") }
            if !unused.isEmpty {
                notes.append("--mode dynamic quantizes activations at run time (uint8) without calibration: \(unused.joined(separator: ", ")) \(unused.count == 1 ? "is" : "are") not used")
            }
            return notes
        }
        if planIn != nil {
            var unused: [String] = []
            if calibration != nil { unused.append("the calibration data") }
            if calibrationSize != nil { unused.append("--calibration-size") }
            if method != nil { unused.append("--method") }
            if percentile != nil { unused.append("--percentile") }
            if movingAverage { unused.append("--moving-average") }
            if !unused.isEmpty { notes.append("--plan-in is given, so \(unused.joined(separator: ", ")) \(unused.count == 1 ? "is" : "are") not used") }
            return notes
        }
        if percentile != nil && method != .percentile {
            notes.append("--percentile is used only with --method percentile (the method is \((method ?? .minmax).rawValue)): it is ignored")
        }
        if movingAverage && (method ?? .minmax) != .minmax {
            notes.append("--moving-average is used only with --method minmax (the method is \((method ?? .minmax).rawValue)): it is ignored")
        }
        return notes
    }

    /// Notes for `--op-types` / `--exclude-op-types` entries that select nothing in `m`.
    private func opTypeNotes(_ m: Model) -> [String] {
        let present = Set(m.allGraphs.flatMap { $0.nodes.filter { $0.normalizedDomain.isEmpty }.map(\.opType) })
        let quantizable = mode == .dynamic ? DynamicQuantizer.quantizableOpTypes : QuantizationOptions.quantizableOpTypes
        var notes: [String] = []
        for (option, list) in [("--op-types", opTypes), ("--exclude-op-types", excludeOpTypes)] {
            for op in list {
                if !present.contains(op) {
                    notes.append("\(option) \(op) matched no node (the model has no \(op) node)")
                } else if !quantizable.contains(op) && !(mode == .dynamic && DynamicQuantizer.reportedInFloatOpTypes.contains(op)) {
                    notes.append("\(option) \(op): \(op) is never quantized\(mode == .dynamic ? " in dynamic mode" : "") (quantized op types: \(quantizable.sorted().joined(separator: ", "))), so this does nothing")
                }
            }
        }
        return notes
    }

    func run() throws {
        let console = global.console
        try runReportingErrors(console) {
            let m = try ONNXReader.readModel(path: model, logger: console.logger)
            let external = ModelFiles.usesExternalData(m)
            try OutputGuard.check(outputs: [output] + (planOut.map { [$0] } ?? []) + (external ? [ModelFiles.defaultDataFile(for: output)] : []),
                                  inputs: [calibration, planIn].compactMap { $0 }, models: [(model, m)], force: force)
            let inputBytes = ModelFiles.totalBytes(of: m, at: model)
            var options = QuantizationOptions()
            options.activationType = QuantizedType(rawValue: activationType) ?? .uint8
            options.symmetricActivations = symmetricActivations
            options.perChannel = perChannel
            switch method ?? .minmax {
            case .minmax: options.method = .minMax(movingAverage: movingAverage, averagingConstant: 0.01)
            case .percentile: options.method = .percentile(percentile ?? 99.999)
            case .entropy: options.method = .entropy
            }
            if !opTypes.isEmpty { options.opTypes = Set(opTypes) }
            options.opTypes.subtract(excludeOpTypes)
            // Embedding tables (Gather) are quantized by default, or when --op-types names Gather.
            options.quantizeEmbeddings = (opTypes.isEmpty || opTypes.contains("Gather")) && !excludeOpTypes.contains("Gather")
            options.excludeNodes = excludeNodes
            for note in unusedOptionNotes() { console.status("note: \(note)") }
            for warning in opTypeNotes(m) { console.status("warning: \(warning)") }
            let planInValue = mode == .dynamic ? nil : try planIn.map { try QuantizationPlan.read($0) }
            if mode == .dynamic {
                let result = try DynamicQuantizer(options: options, logger: console.logger).quantize(m)
                try finish(m, result, console: console, inputBytes: inputBytes, external: external)
                return
            }
            let data: DataSet? = try calibration.map { path in
                guard let graph = m.graph else { throw CLIError(status: .dataError, message: "\(model): no graph") }
                return try DataSet(path: path, inputs: graph.inputs.filter { !$0.isInitializer })
            }
            let progress = Progress(console: console, total: Swift.min(data?.count ?? 0, calibrationSize ?? Int.max), label: "calibrating")
            let result = try DataFit.naming(calibration, model: model) {
                try Quantizer(options: options, logger: console.logger)
                    .quantize(m, calibration: data, sampleLimit: calibrationSize, planIn: planInValue) { _, _ in progress.advance() }
            }
            progress.finish()
            try finish(m, result, console: console, inputBytes: inputBytes, external: external)
        }
    }

    /// Writes the model and plan, and prints the report.
    private func finish(_ m: Model, _ result: QuantizationResult, console: Console, inputBytes: Int, external: Bool) throws {
        do {
            let write = ModelFiles.derivedWriteOptions(inputUsesExternalData: external, force: force)
            let report = try ONNXWriter.write(m, to: output, options: write, logger: console.logger)
            if let planOut {
                let bytes = try result.plan.jsonData()
                let file = try AtomicFileWriter.write(bytes, to: planOut, overwrite: force)
                console.status("wrote plan \(file)")
            }
            for w in result.warnings { console.status("warning: \(w)") }
            let plan = result.plan
            let activations = plan.entries.filter { $0.role == "activation" }.count
            let weights = plan.entries.filter { $0.role == "weight" }.count
            console.status("quantized \(weights) weights and \(activations) activations (\(plan.activationType.rawValue) activations, \(plan.weightType.rawValue) weights \(plan.perChannel ? "per channel" : "per tensor"), \(plan.method), \(plan.calibrationSamples) samples)")
            if !result.passesApplied.isEmpty { console.status("pre-processing: \(result.passesApplied.joined(separator: ", "))") }
            if result.opsetAfter != result.opsetBefore { console.status("opset raised from \(result.opsetBefore) to \(result.opsetAfter)") }
            if !plan.keptInFloat.isEmpty {
                console.status("kept in float:")
                for k in plan.keptInFloat { console.status("  \(k.subject): \(k.reason)") }
            }
            let outputBytes = report.modelBytes + report.externalDataBytes
            let ratio = inputBytes > 0 ? Double(outputBytes) / Double(inputBytes) : 0
            let files = report.externalDataFile.map { " with \($0)" } ?? ""
            console.status("wrote \(output)\(files) (\(Bytes.format(outputBytes)), \(String(format: "%.2f", ratio))x the input's \(Bytes.format(inputBytes)))")
        }
    }
}

/// Small atomic text/JSON writes for reports and plans.
enum AtomicFileWriter {
    static func write(_ data: Data, to path: String, overwrite: Bool) throws -> String {
        if !overwrite && FileManager.default.fileExists(atPath: path) {
            throw CLIError(status: .cannotCreate, message: "\(path): file exists (use --force to replace it)")
        }
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw CLIError(status: .cannotCreate, message: "\(path): cannot write: \(error.localizedDescription)")
        }
        return path
    }
}
