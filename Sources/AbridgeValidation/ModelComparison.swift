import AbridgeData
import AbridgeIR
import AbridgeKernels
import AbridgeRuntime
import Foundation
import Logging

/// Compares a converted model with its original on a data set: task metrics, output agreement,
/// sizes, timings, energy and (optionally) per-tensor agreement. Issue 6 (`abridge compare`).
///
/// Evaluation feeds batches of `options.evaluationBatch` samples when the data are stacked
/// arrays and both models' inputs have a symbolic (or unknown) axis 0, else one sample per run.
/// Everything is streamed: per batch, metrics are folded into running sums and the outputs
/// dropped; with `perLayer` the original's matching activations of one batch are kept until the
/// converted model has produced its own.
public final class ModelComparison {
    public let originalPath: String
    public let convertedPath: String
    public let dataPath: String
    let original: Model
    let converted: Model
    let options: ComparisonOptions
    let logger: Logger

    public init(original: Model, path originalPath: String, converted: Model, path convertedPath: String,
                data dataPath: String, options: ComparisonOptions, logger: Logger = Logger(label: "abridge.validation")) {
        self.original = original; self.originalPath = originalPath
        self.converted = converted; self.convertedPath = convertedPath
        self.dataPath = dataPath; self.options = options; self.logger = logger
    }

    /// Runs the comparison.
    /// - Throws: `ComparisonError` (models that do not match, labels that do not fit, missing
    ///   tools), `DataError` (unreadable data, inputs missing from the data), `RuntimeError`
    ///   (unsupported operators, failing nodes).
    public func run(progress: (ComparisonProgress) -> Void = { _ in }) throws -> ComparisonReport {
        let sessionOptions = SessionOptions(threads: options.threads)
        let a = try InferenceSession(model: original, options: sessionOptions)
        let b = try InferenceSession(model: converted, options: sessionOptions)
        try InterfaceCheck.check(original: a, converted: b)
        if case .onnxruntime(let python, let script) = options.timingRuntime, options.runs > 0 {
            try ONNXRuntimeBenchmark(python: python, script: script, plan: TimingPlan(runs: 0, warmupRuns: 0, batch: 1)).checkAvailable()
        }
        let data = try DataSet(path: dataPath, inputs: a.requiredInputs, labelKey: options.labelKey)
        let n = data.count
        guard n > 0 else { throw ComparisonError.invalidData("\(dataPath): holds no samples") }
        if data.labels == nil {
            if options.labelKeyGiven || (options.task != nil && options.task != .agreement) {
                let why = options.labelKeyGiven ? "--labels \(options.labelKey)" : "--task \(options.task?.rawValue ?? "")"
                throw ComparisonError.invalidData("\(dataPath): has no labels array '\(options.labelKey)' (\(why) needs it)")
            }
        }
        let canBatch = data.isBatchable && Self.acceptsBatch(a) && Self.acceptsBatch(b)
        let evaluationBatch = canBatch ? Swift.max(1, options.perLayer ? options.perLayerBatch : options.evaluationBatch) : 1

        let common = options.perLayer ? LayerRecorder.producedNames(original).intersection(LayerRecorder.producedNames(converted)) : []
        let recorder = options.perLayer ? LayerRecorder(names: common) : nil
        let comparator = recorder.map { LayerComparator(recorder: $0) }

        let outputNames = a.outputs.map(\.name)
        var agreement: [String: AgreementAccumulator] = [:]
        var evaluator: TaskEvaluator?
        var taskEntry = ComparisonReport.TaskEntry(kind: .agreement, reason: "no labels: output agreement only", output: outputNames.first ?? "")

        let typesB = DataSet.declaredTypes(of: b.requiredInputs)   // a float16 model gets float16 feeds
        var start = 0
        while start < n {
            let range = start..<Swift.min(n, start + evaluationBatch)
            let feed = try data.feed(range)
            recorder?.reset()
            let outA = try Self.run(a, feed, observer: recorder, data: dataPath, model: originalPath)
            let outB = try Self.run(b, try DataSet.conformed(feed, to: typesB), observer: comparator, data: dataPath, model: convertedPath)
            var byName: [String: RuntimeValue] = [:]
            for (name, v) in outB { byName[name] = v }
            let labels = try data.labels(range)
            if start == 0 {
                (taskEntry, evaluator) = try chooseTask(firstOutput: outA.first, labels: labels)
            }
            for (name, va) in outA {
                guard let ta = va.tensor, let tb = byName[name]?.tensor else { continue }
                guard ta.shape == tb.shape else {
                    throw ComparisonError.mismatchedModels("output '\(name)' has shape \(ta.shape) in \(originalPath) but \(tb.shape) in \(convertedPath) on samples \(range)")
                }
                guard FloatElements.isNumeric(ta.dataType), FloatElements.isNumeric(tb.dataType) else { continue }
                if agreement[name] == nil {
                    let scores = ta.dataType.isFloatingPoint && ta.rank >= 2 ? ta.shape.last : nil
                    agreement[name] = AgreementAccumulator(classes: scores)
                }
                try FloatElements.with(ta) { x in try FloatElements.with(tb) { y in agreement[name]?.add(original: x, converted: y) } }
            }
            if var e = evaluator, let labels, let ta = outA.first?.value.tensor, let tb = byName[e.output]?.tensor {
                do { try e.add(original: ta, converted: tb, labels: labels) } catch ComparisonError.invalidData(let m) {
                    throw ComparisonError.invalidData("\(dataPath): \(m)")
                }
                evaluator = e
            }
            start = range.upperBound
            progress(ComparisonProgress(stage: "evaluating", done: start, total: n))
        }
        recorder?.reset()

        let agreements = outputNames.map { OutputAgreement(output: $0, accumulator: agreement[$0] ?? AgreementAccumulator()) }
        let performance = evaluator?.metrics() ?? []
        if let e = evaluator, e.labelsOutside > 0 {
            taskEntry.reason += "; warning: \(e.labelsOutside) labels are outside the output's \(e.classes) classes and count as wrong"
        }
        let sizeA = try SizeReport(model: original, path: originalPath)
        let sizeB = try SizeReport(model: converted, path: convertedPath)
        let ratio = sizeA.totalFileBytes > 0 ? MetricValue(Double(sizeB.totalFileBytes) / Double(sizeA.totalFileBytes)) : .undefined("the original's file is empty")
        let timing = options.runs > 0 ? try measureTiming(a, b, data: data, canBatch: canBatch, progress: progress) : nil
        let perLayer = comparator.map { LayerDiagnosis(comparator: $0, commonTensors: common, samples: n) }
        let gate = options.maxDrop.map { QualityGate(maxDrop: $0, performance: performance, agreement: agreements) }
        return ComparisonReport(
            original: .init(path: originalPath, size: sizeA), converted: .init(path: convertedPath, size: sizeB),
            data: .init(path: dataPath, samples: n, labelsKey: options.labelKey, hasLabels: data.labels != nil, evaluationBatch: evaluationBatch),
            task: taskEntry, performance: performance, agreement: agreements, sizeRatio: ratio,
            timing: timing, perLayer: perLayer, gate: gate)
    }

    /// The task (from `--task` or detected on the first batch) and its evaluator.
    private func chooseTask(firstOutput: (name: String, value: RuntimeValue)?, labels: RuntimeTensor?) throws -> (ComparisonReport.TaskEntry, TaskEvaluator?) {
        let output = firstOutput?.name ?? ""
        let task: EvaluationTask
        let reason: String
        if let forced = options.task {
            task = forced; reason = "--task \(forced.rawValue)"
        } else if let t = firstOutput?.value.tensor {
            let d = EvaluationTask.detect(outputRank: t.rank, labelType: labels?.dataType, labelRank: labels?.rank)
            task = d.task; reason = "auto: " + d.reason
        } else {
            task = .agreement; reason = "auto: the first output is not a tensor: output agreement only"
        }
        logger.debug("task \(task.rawValue) (\(reason)) on output '\(output)'")
        let entry = ComparisonReport.TaskEntry(kind: task, reason: reason, output: output)
        guard task != .agreement, labels != nil else { return (entry, nil) }
        guard firstOutput?.value.tensor != nil else {
            throw ComparisonError.unsupportedTask("--task \(task.rawValue): output '\(output)' is not a tensor")
        }
        return (entry, TaskEvaluator(task: task, output: output, labelKey: options.labelKey))
    }

    /// Latency, throughput and energy with the chosen runtime.
    private func measureTiming(_ a: InferenceSession, _ b: InferenceSession, data: DataSet, canBatch: Bool,
                               progress: (ComparisonProgress) -> Void) throws -> TimingReport {
        let n = data.count
        let single = try data.feed(0..<1)
        var batch = Swift.max(1, options.throughputBatch)
        var note: String?
        if batch > 1 && !canBatch {
            note = data.isBatchable
                ? "batch 1: a model's input has a fixed axis 0, so samples cannot be batched"
                : "batch 1: the data hold one sample per file, so samples cannot be batched"
            batch = 1
        } else if batch > n {
            note = "batch \(n): the data hold only \(n) samples (--batch \(batch))"
            batch = n
        }
        let batchFeed = batch == 1 ? single : try data.feed(0..<batch)
        let plan = TimingPlan(runs: options.runs, warmupRuns: options.warmupRuns, batch: batch)
        switch options.timingRuntime {
        case .abridge:
            let meter: RAPLEnergyMeter?
            let energy: EnergyReport
            switch RAPLEnergyMeter.open() {
            case .success(let m): meter = m; energy = .measured(zones: m.zones.map(\.name))
            case .failure(let e): meter = nil; energy = .unavailable(e.reason)
            }
            let bench = AbridgeRuntimeBenchmark(plan: plan)
            let ta = try bench.measure(a, single: single, batch: batchFeed, meter: meter, unavailableReason: energy.reason ?? "") {
                progress(ComparisonProgress(stage: "timing original", done: $0, total: $1))
            }
            let typesB = DataSet.declaredTypes(of: b.requiredInputs)
            let tb = try bench.measure(b, single: try DataSet.conformed(single, to: typesB), batch: try DataSet.conformed(batchFeed, to: typesB),
                                       meter: meter, unavailableReason: energy.reason ?? "") {
                progress(ComparisonProgress(stage: "timing converted", done: $0, total: $1))
            }
            return TimingReport(runtime: "abridge", runtimeVersion: nil, threads: KernelThreads.count,
                                threadsNote: options.threads == nil ? "Abridge reference runtime; default thread count, OpenBLAS's (one per core)" : "Abridge reference runtime; --threads",
                                warmupRuns: plan.warmupRuns, throughputBatch: batch, batchNote: note,
                                original: ta, converted: tb, energy: energy)
        case .onnxruntime(let python, let script):
            progress(ComparisonProgress(stage: "timing with onnxruntime", done: 0, total: 1))
            let report = try ONNXRuntimeBenchmark(python: python, script: script, plan: plan)
                .measure(originalPath: originalPath, convertedPath: convertedPath, single: single, batch: batchFeed,
                         threads: options.threads ?? KernelThreads.count, batchNote: note)
            progress(ComparisonProgress(stage: "timing with onnxruntime", done: 1, total: 1))
            return report
        }
    }

    /// Runs one model, naming the data file and the model when the data do not fit its inputs.
    static func run(_ s: InferenceSession, _ feed: [String: RuntimeValue], observer: ExecutionObserver?,
                    data: String, model: String) throws -> [(name: String, value: RuntimeValue)] {
        do { return try s.run(feed, observer: observer) } catch RuntimeError.invalidFeed(let input, let reason) {
            throw ComparisonError.invalidData("\(data) does not fit \(model): input '\(input)': \(reason)")
        }
    }

    /// True when every input's declared axis 0 is symbolic or unknown (so any batch size fits).
    static func acceptsBatch(_ s: InferenceSession) -> Bool {
        s.requiredInputs.allSatisfy { v in
            guard let shape = v.type?.tensorShape else { return true }
            guard let first = shape.dims.first else { return false }
            if case .value(let size)? = first.value, size >= 0 { return false }
            return true
        }
    }
}
