import AbridgeData
import AbridgeIR
import AbridgeONNX
import AbridgePruning
import ArgumentParser
import Foundation

extension PruningScope: ExpressibleByArgument {}
extension ChannelNorm: ExpressibleByArgument {}
extension SparseStorage: ExpressibleByArgument {}
extension ChannelSelection: ExpressibleByArgument {}

/// `abridge prune MODEL -o OUT`: magnitude, N:M or channel pruning, with optional least-squares
/// recovery on calibration data, and a report of what each form bought.
struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Prune the weights of Conv, ConvTranspose, Gemm and MatMul layers (unstructured, N:M or whole channels).",
        discussion: """
            --pattern unstructured removes the smallest weights (--sparsity per layer, one threshold with --scope global, or per output channel with --scope output, best for transformers); \
            N:M (such as 2:4) keeps the N largest of every M consecutive weights along the reduction axis; channels \
            removes whole output channels (Conv and ConvTranspose with group 1, Gemm, MatMul with a 2-D weight) and the \
            matching inputs downstream, so the weights really shrink; a layer whose channels reach a residual Add, a \
            Concat, a graph output or a grouped convolution is skipped with the reason. \
            With --calibration each pruned layer is refit by ridge least squares so that its outputs match the \
            original's, and channel pruning chooses the channels whose loss the next layer's refit absorbs best. Zeros are written as sparse initializers only where that is smaller (--storage auto).
            """)

    @Argument(help: "The float .onnx model.")
    var model: String

    @Option(name: .shortAndLong, help: "The pruned .onnx file to write.")
    var output: String

    @Option(name: .long, help: "unstructured (default), N:M (such as 2:4), or channels.")
    var pattern: String = "unstructured"

    @Option(name: .long, help: "Fraction of weights (unstructured) or output channels (channels) to remove, in [0, 1) (default 0.5; N:M patterns fix it at 1 - N/M).")
    var sparsity: Double?

    @Option(name: .long, help: "Unstructured: one threshold per layer (default), one for the whole model (global), or one per output channel (output: every output keeps the same share; best for transformers).")
    var scope: PruningScope = .layer

    @Option(name: .long, help: "Norm ranking output channels: l1 (default), l2.")
    var norm: ChannelNorm = .l1

    @Option(name: .long, help: "How channels to remove are chosen: auto (reconstruction with --calibration, else norm), norm, reconstruction (the channels the next layer's least-squares refit absorbs best).")
    var selection: ChannelSelection = .auto

    @Option(name: .long, help: "Channel pruning keeps a multiple of N output channels per layer (rounded up; 16 or 8 suit onnxruntime's blocked NCHWc layout on AVX-512/AVX2, whose padding otherwise eats the gain). Default 1: exactly --sparsity.")
    var roundChannels: Int = 1

    @Option(name: .long, help: "Storage of pruned weights: auto (sparse initializer only when smaller, default), sparse, dense.")
    var storage: SparseStorage?

    @Option(name: .long, help: "Same as --storage, with the names auto, coo, dense.")
    var sparseFormat: String?

    @Option(name: .long, help: "Calibration data for least-squares recovery: an .npz (keys are input names, axis 0 the sample axis), a folder of .npz files, or ONNX test-data folders.")
    var calibration: String?

    @Option(name: .long, help: "Use at most N calibration samples (default 256).")
    var calibrationSize: Int = 256

    @Option(name: .long, help: "Mixup blends per calibration sample for recovery and distillation (default 3; 0: the samples only). The original model supplies the targets, so the pruned one learns to match it between samples too. Float inputs in an .npz only. 0...64.")
    var mixup: Int = 3

    @Option(name: .long, help: "Distillation steps after the refits (Adam on the squared error between the pruned and the original model's outputs, on the calibration samples and fresh mixup blends each step). Default: 600 when the model is small enough (about a minute of work), else none; 0: none; at most 1000000. Conv/Gemm/MatMul networks with BatchNormalization, activations and pooling.")
    var distillSteps: Int?

    @Option(name: .long, help: "Ridge strength relative to the mean diagonal of XᵀX (default 1e-3).")
    var ridge: Double = 1e-3

    @Option(name: .long, parsing: .upToNextOption, help: "Node names or regular expressions of layers to leave dense.")
    var excludeNodes: [String] = []

    @Flag(name: .long, help: "Leave the first and the last prunable layer dense.")
    var keepFirstLast = false

    @Option(name: .long, help: "Labelled data (.npz with 'labels') to measure accuracy before and after.")
    var eval: String?

    @Option(name: .long, help: "Use at most N evaluation samples.")
    var evalSize: Int?

    @Flag(name: .long, help: "Print the report as JSON on standard output.")
    var json = false

    @Flag(name: .long, help: "Replace an existing output file.")
    var force = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        do { _ = try PruningPattern(parsing: pattern) } catch { throw ValidationError("\(error)") }
        if case .nOfM = try? PruningPattern(parsing: pattern) {} else if let sparsity, !(0 <= sparsity && sparsity < 1) {
            throw ValidationError("--sparsity must be in [0, 1)")
        }
        if let sparseFormat, !["auto", "coo", "dense", "sparse"].contains(sparseFormat) {
            throw ValidationError("--sparse-format must be auto, coo or dense")
        }
        if storage != nil && sparseFormat != nil { throw ValidationError("give --storage or --sparse-format, not both") }
        if calibrationSize < 1 { throw ValidationError("--calibration-size must be at least 1") }
        if let n = evalSize, n < 1 { throw ValidationError("--eval-size must be at least 1") }
        if !(ridge >= 0) { throw ValidationError("--ridge must be >= 0") }
        if roundChannels < 1 || roundChannels > 4096 { throw ValidationError("--round-channels must be in 1...4096") }
    }

    func run() throws {
        let console = global.console
        try runReportingErrors(console) {
            let m = try ONNXReader.readModel(path: model, logger: console.logger)
            let external = ModelFiles.usesExternalData(m)
            let inputFiles = [model] + ModelFiles.externalDataFiles(of: m, at: model)
            let inputBytes = ModelFiles.totalBytes(of: m, at: model)
            try OutputGuard.check(outputs: [output] + (external ? [ModelFiles.defaultDataFile(for: output)] : []),
                                  inputs: [calibration, eval].compactMap { $0 }, models: [(model, m)], force: force)
            guard let graph = m.graph else { throw CLIError(status: .dataError, message: "\(model): the model has no graph") }
            let inputs = graph.inputs.filter { !$0.isInitializer }
            if calibration == nil {
                for (given, name) in [(distillSteps != nil, "--distill-steps"), (mixup != 3, "--mixup"), (ridge != 1e-3, "--ridge")] where given {
                    console.status("note: \(name) does nothing without --calibration")
                }
            }
            var options = PruningOptions()
            options.pattern = try PruningPattern(parsing: pattern)
            options.sparsity = sparsity ?? 0.5
            if case .nOfM(let n, let mm) = options.pattern, let sparsity, abs(sparsity - (1 - Double(n) / Double(mm))) > 1e-9 {
                console.status("note: --sparsity \(sparsity) is ignored: the \(n):\(mm) pattern removes \(1 - Double(n) / Double(mm)) of the weights")
            }
            options.scope = scope
            options.norm = norm
            options.selection = selection
            options.channelMultiple = roundChannels
            options.storage = storage ?? sparseFormat.map { $0 == "coo" ? .sparse : SparseStorage(rawValue: $0) ?? .auto } ?? .auto
            options.excludeNodes = excludeNodes
            options.keepFirstLast = keepFirstLast
            options.ridge = ridge
            options.calibrationLimit = calibrationSize
            options.mixupBlends = mixup
            options.distillSteps = distillSteps
            let data = try calibration.map { try DataSet(path: $0, inputs: inputs) }
            let evalData = try eval.map { try DataSet(path: $0, inputs: inputs) }
            let predictionsBefore = try DataFit.naming(eval, model: model) {
                try evalData.map { try PredictionEvaluation.predictions(m, data: $0, limit: evalSize) }
            }

            var progress: Progress? = nil
            let report = try DataFit.naming(calibration, model: model) {
                try Pruner(options: options, logger: console.logger).prune(m, calibration: data) { label, done, total in
                    if progress?.label != label {   // a new stage: close the last one's line
                        progress?.finish()
                        progress = Progress(console: console, total: total, label: label)
                    }
                    progress?.advance()
                }
            }
            progress?.finish()

            let predictionsAfter = try evalData.map { try PredictionEvaluation.predictions(m, data: $0, limit: evalSize) }
            let write = ModelFiles.derivedWriteOptions(inputUsesExternalData: external, force: force)
            let written = try ONNXWriter.write(m, to: output, options: write, logger: console.logger)
            let outputFiles = [output] + (written.externalDataFile.map { [$0] } ?? [])
            // Sizes count the model file and its external data files; gzip compresses each.
            func gzip(_ files: [String]) -> Int? {
                let sizes = files.map { GzipSize.of($0) }
                return sizes.contains(where: { $0 == nil }) ? nil : sizes.compactMap { $0 }.reduce(0, +)
            }
            var summary = PruneSummary(report: report, input: model, output: output, fileBytesBefore: inputBytes,
                                       fileBytesAfter: written.modelBytes + written.externalDataBytes,
                                       gzipBytesBefore: gzip(inputFiles), gzipBytesAfter: gzip(outputFiles))
            if let evalData, let a = predictionsBefore, let b = predictionsAfter {
                summary.evalSamples = Swift.min(evalData.count, evalSize ?? evalData.count)
                if let outside = PredictionEvaluation.labelsOutsideClasses(evalData.labels, classes: try PredictionEvaluation.classCount(m)), outside > 0 {
                    console.status("warning: \(outside) labels of \(eval ?? "") are outside the output's class range; accuracy counts them as wrong")
                }
                summary.accuracyBefore = PredictionEvaluation.accuracy(a, labels: evalData.labels)
                summary.accuracyAfter = PredictionEvaluation.accuracy(b, labels: evalData.labels)
                summary.top1Agreement = PredictionEvaluation.agreement(a, b)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                // Errors measured on data with NaN or infinite values can be non-finite: strings, not a failure.
                encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
                console.print(String(decoding: try encoder.encode(summary), as: UTF8.self))
            } else {
                for line in summary.lines() { console.print(line) }
            }
            for w in report.warnings { console.status("warning: \(w)") }
        }
    }
}

/// The report plus file sizes and evaluation, as printed and as `--json`.
struct PruneSummary: Encodable {
    var report: PruningReport
    var input: String
    var output: String
    var fileBytesBefore: Int
    var fileBytesAfter: Int
    /// Size after `gzip -6` (how a model travels), nil when gzip is unavailable.
    var gzipBytesBefore: Int?
    var gzipBytesAfter: Int?
    var evalSamples: Int?
    var accuracyBefore: Double?
    var accuracyAfter: Double?
    var top1Agreement: Double?

    func lines() -> [String] {
        let r = report
        var out: [String] = []
        out.append("pruned \(input) -> \(output): pattern \(r.pattern), target sparsity \(pct(r.sparsity))\(r.pattern == "unstructured" ? " (\(r.scope))" : "")\(r.selection == "reconstruction" ? ", channels chosen by reconstruction" : r.norm.map { ", \($0) norm" } ?? "")")
        out.append(row(["layer", "op", "shape", "params", "non-zero", "sparsity", "stored", "bytes", "after", "MACs", "MACs after"]))
        for l in r.layers {
            let shape = l.shapeBefore == l.shapeAfter ? dims(l.shapeAfter) : "\(dims(l.shapeBefore))->\(dims(l.shapeAfter))"
            if l.status == "skipped" && l.shapeBefore.isEmpty {
                out.append("\(pad(l.node, 26)) \(pad(l.op, 14)) skipped: \(l.reason ?? "")")
                continue
            }
            out.append(row([l.node, l.op, shape, "\(l.paramsBefore)", "\(l.nonZeroAfter)", pct(l.sparsityAfter), l.storage,
                            "\(l.bytesBefore)", "\(l.bytesAfter)", l.macsBefore.map(String.init) ?? "?", l.macsAfter.map(String.init) ?? "?"]))
            if let reason = l.reason { out.append("    \(l.status == "skipped" ? "skipped" : "note"): \(reason)") }
            if l.status == "pruned", let sel = l.selection, (l.outputChannelsRemoved ?? 0) > 0 { out.append("    channels chosen by \(sel)") }
            if l.status == "pruned", l.storage == "sparse" || (r.pattern != "channels" && l.storageReason != nil), let why = l.storageReason {
                out.append("    storage \(l.storage): \(why)")
            }
        }
        if r.calibrationSamples > 0 {
            out.append("calibration: \(r.calibrationSamples) sample\(r.calibrationSamples == 1 ? "" : "s")"
                       + (r.calibrationBlends > 0 ? " + \(r.calibrationBlends) mixup blends" : "")
                       + (r.blendsNotUsed.map { " (no mixup blends: \($0))" } ?? ""))
        }
        for f in r.refits {
            if let s = f.skipped { out.append("refit \(f.node): skipped (\(s))"); continue }
            out.append(String(format: "refit %@: %d rows x %d inputs, lambda %.3g, relative squared error %.4f -> %.4f", f.node as NSString,
                              f.rows, f.inputs, f.lambda, f.relativeErrorBefore, f.relativeErrorAfter))
        }
        if let d = r.distillation, !d.applied {
            out.append(String(format: "not distilled: %@ ended with relative squared error %.4g, not below %.4g; the refit weights are kept",
                              Self.counted(d.steps, "step") as NSString, d.relativeErrorAfter, d.relativeErrorBefore))
        } else if let d = r.distillation {
            out.append(String(format: "distilled: %@ on %@ + %d blends per step, %d parameters trained, relative squared error %.4f -> %.4f (%.1f s)",
                              Self.counted(d.steps, "step") as NSString, Self.counted(d.samples, "sample") as NSString, d.blendsPerStep,
                              d.parameters, d.relativeErrorBefore, d.relativeErrorAfter, d.seconds))
        } else if let why = r.distillationSkipped, r.calibrationSamples > 0 {
            out.append("not distilled: \(why)")
        }
        out.append("parameters: \(r.modelParamsBefore) -> \(r.modelParamsAfter) (non-zeros of sparse initializers counted)")
        if let a = r.macsBefore, let b = r.macsAfter {
            out.append("FLOPs per sample (2 x MACs of Conv/ConvTranspose/Gemm/MatMul): \(2 * a) -> \(2 * b) dense\(r.effectiveMacsAfter.map { ", \(2 * $0) counting only non-zero weights" } ?? "")")
        }
        var size = "file: \(fileBytesBefore) -> \(fileBytesAfter) bytes (\(ratio(fileBytesAfter, fileBytesBefore))x)"
        if let g0 = gzipBytesBefore, let g1 = gzipBytesAfter { size += "; gzip -6: \(g0) -> \(g1) bytes (\(ratio(g1, g0))x)" }
        out.append(size)
        if let n = evalSamples {
            var parts: [String] = []
            if let a = accuracyBefore, let b = accuracyAfter { parts.append("accuracy \(String(format: "%.4f", a)) -> \(String(format: "%.4f", b))") }
            if let t = top1Agreement { parts.append("top-1 agreement with the original \(String(format: "%.4f", t))") }
            if accuracyBefore == nil { parts.append("no labels: agreement only") }
            out.append("eval on \(n) sample\(n == 1 ? "" : "s"): " + parts.joined(separator: ", "))
        }
        out.append(r.summary)
        return out
    }

    /// "1 step", "600 steps".
    static func counted(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// Columns padded to fixed widths (left-aligned text, right-aligned numbers).
    private func row(_ cells: [String]) -> String {
        let widths = [28, 13, 24, 9, 9, 9, 7, 9, 9, 10, 10]
        return zip(cells, widths).enumerated().map { i, cw in
            let (c, w) = cw
            let text = pad(c, w)
            let fill = String(repeating: " ", count: Swift.max(0, w - text.count))
            return i < 3 || i == 6 ? text + fill : fill + text
        }.joined(separator: " ")
    }

    private func pct(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
    private func dims(_ d: [Int]) -> String { "[" + d.map(String.init).joined(separator: ",") + "]" }
    private func pad(_ s: String, _ n: Int) -> String { s.count > n ? "…" + String(s.suffix(n - 1)) : s }
    private func ratio(_ a: Int, _ b: Int) -> String { b > 0 ? String(format: "%.3f", Double(a) / Double(b)) : "?" }
}

/// The size of a file after `gzip -6` (the standard tool, so the figure is what users see).
enum GzipSize {
    static func of(_ path: String) -> Int? {
        let candidates = ["/usr/bin/gzip", "/bin/gzip"]
        guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = ["-6", "-c", "--", path]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        var total = 0
        while true {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            total += chunk.count
        }
        p.waitUntilExit()
        return p.terminationStatus == 0 ? total : nil
    }
}
