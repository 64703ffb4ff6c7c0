import AbridgeData
import AbridgeIR
import AbridgeRuntime
import Foundation
import Logging

/// Knowledge distillation by gradient descent: fine-tunes a student model (for example a pruned
/// copy) so that its outputs match the teacher's (the original) on unlabeled calibration inputs.
///
/// Every step runs the full batch of the calibration samples plus `blends × N` fresh mixup
/// blends of them (`Mixup.blends`, λ ~ U(0, maxBlendWeight)), the teacher (our runtime) supplies
/// the targets, and Adam minimizes the sum over matched outputs of the mean squared error
/// between student and teacher values: "function matching" (Beyer et al. 2022, "Knowledge
/// distillation: A good teacher is patient and consistent"; mixup: Zhang et al. 2018).
/// Outputs produced by Softmax or LogSoftmax are matched on their input (the logits).
///
/// Trained: FLOAT initializers that are the weight or bias of Conv and Gemm, MatMul's second
/// input, and BatchNormalization's scale and B (its mean and var stay fixed); an initializer
/// used by several nodes or also listed as a graph input is left fixed.
public struct Distiller {
    public let options: DistillationOptions
    let logger: Logger

    public init(options: DistillationOptions = DistillationOptions(), logger: Logger = Logger(label: "abridge.distillation")) {
        self.options = options
        self.logger = logger
    }

    /// Why `model` cannot be trained (the first node without a training kernel, its op and the
    /// reason, or a model-level problem), or nil when it can.
    public static func unsupportedReason(_ model: Model) -> String? {
        do {
            let graph = try TrainingGraph(model: model, feedNames: [], keepZeros: false)
            return graph.parameters.isEmpty ? "\(Self.nothingToTrain(graph))" : nil
        } catch {
            return "\(error)"
        }
    }

    /// Trains `student`'s float initializers in place (their `Value.initializer` is replaced by
    /// the trained FLOAT tensor of the same name and dims) and reports the errors before and after.
    ///
    /// - Parameters:
    ///   - student: the model to train; its graph must contain only supported ops on the way to
    ///     the matched outputs (`unsupportedReason`).
    ///   - teacher: the reference model; it must compute values with the matched names.
    ///   - calibration: stacked inputs by graph input name, `[N, ...]`, floating-point
    ///     (float16/float/double), the same `N` (≥ 2 when blending); other keys are ignored.
    ///   - progress: called after each step with (step, steps).
    /// - Returns: the report; `relativeErrorBefore/After` are `Σ‖s − t‖²/Σ‖t‖²` on the samples.
    /// - Throws: `DistillationError`: `.invalidOption`, `.invalidModel`, `.unsupportedOperator`
    ///   (naming the node), `.unsupportedShape`, `.invalidCalibration`, `.teacherFailed`.
    public func distill(student: Model, teacher: Model, calibration: [String: RuntimeTensor],
                        progress: ((Int, Int) -> Void)? = nil) throws -> DistillationReport {
        let start = Date()
        if let why = options.invalidReason { throw DistillationError.invalidOption(why) }
        let graph = try TrainingGraph(model: student, feedNames: Set(calibration.keys), keepZeros: options.keepZeros)
        guard !graph.parameters.isEmpty else { throw Self.nothingToTrain(graph) }
        let (given, _) = try Self.feeds(graph, calibration)
        let (feeds, samples, leftOut) = try Self.finiteSamples(given)
        guard samples > 0 else { throw DistillationError.invalidCalibration("every sample holds NaN or infinite values") }
        let needBlends = options.blends > 0 && options.steps > 0
        if needBlends, samples < 2 { throw DistillationError.invalidCalibration("mixup blends need at least 2 samples, got \(samples)") }
        let inputs = try feeds.mapValues { t in TrainingTensor(shape: t.shape, data: try t.floatValues()) }
        let teacherTargets = try TeacherTargets(teacher: teacher, names: graph.matched.map { $0.name })
        let rowsPerStep = samples * (needBlends ? options.blends + 1 : 1)
        let chunk = try chunkRows(graph, inputs: inputs, fixedBatch: teacherTargets.fixedBatch, rowsPerStep: rowsPerStep)
        let targets = try teacherTargets.run(feeds, chunk: chunk)
        logger.info("distilling", metadata: [
            "parameters": "\(graph.parameters.reduce(0) { $0 + $1.trainableCount })",
            "trained": "\(graph.parameters.map { $0.value.name })", "fixed": "\(graph.fixed)",
            "samples": "\(samples)", "steps": "\(options.steps)"])

        let before = try relativeError(graph, inputs: inputs, targets: targets, chunk: chunk)
        var rng = SplitMix64(seed: options.seed)
        for step in 1...max(options.steps, 1) where options.steps > 0 {
            var batch = inputs, batchTargets = targets
            if needBlends {
                let blends = try Self.blendsOrThrow(feeds, copies: options.blends, maxWeight: options.maxBlendWeight, rng: &rng)
                let blendTargets = try teacherTargets.run(blends, chunk: chunk)
                batch = try Self.concatenate(inputs, try blends.mapValues { TrainingTensor(shape: $0.shape, data: try $0.floatValues()) })
                batchTargets = try Self.concatenate(targets, blendTargets)
            }
            // One gradient over the whole batch, accumulated chunk by chunk (same sum as one pass).
            var loss = 0.0
            var gradients: [[Float]] = []
            for range in Self.chunks(rowsPerStep, chunk) {
                let part = range.count == rowsPerStep ? batch : batch.mapValues { $0.rows(range) }
                let partTargets = range.count == rowsPerStep ? batchTargets : batchTargets.mapValues { $0.rows(range) }
                let values = try graph.forward(part)
                let (l, seeds) = try lossGradients(graph, values: values, targets: partTargets, totalRows: rowsPerStep)
                let g = try graph.backward(values, seeds: seeds)
                loss += l
                if gradients.isEmpty { gradients = g } else {
                    for k in gradients.indices { for i in gradients[k].indices { gradients[k][i] += g[k][i] } }
                }
            }
            for (p, g) in zip(graph.parameters, gradients) { p.adamStep(gradient: g, t: step, options: options) }
            if step == 1 || step % 100 == 0 || step == options.steps {
                logger.debug("distillation step", metadata: ["step": "\(step)", "loss": "\(loss)"])
            }
            progress?(step, options.steps)
        }
        let after = try relativeError(graph, inputs: inputs, targets: targets, chunk: chunk)
        // Training that diverged (non-finite) or ended worse than it started leaves the student as it was.
        let applied = after.isFinite && after <= before
        if applied { for p in graph.parameters { p.writeBack() } }
        let report = DistillationReport(
            steps: options.steps, samples: samples, blendsPerStep: needBlends ? options.blends * samples : 0,
            matchedOutputs: graph.matched.map { $0.name }, trainedTensors: graph.parameters.map { $0.value.name },
            fixedTensors: graph.fixed, parameters: graph.parameters.reduce(0) { $0 + $1.trainableCount },
            relativeErrorBefore: before, relativeErrorAfter: after, applied: applied, samplesLeftOut: leftOut,
            seconds: Date().timeIntervalSince(start))
        logger.info("distilled", metadata: ["relativeErrorBefore": "\(before)", "relativeErrorAfter": "\(after)",
                                            "seconds": "\(report.seconds)"])
        return report
    }

    static func nothingToTrain(_ graph: TrainingGraph) -> DistillationError {
        .invalidModel("no trainable weight or bias on the way to the matched outputs"
                      + (graph.fixed.isEmpty ? "" : " (fixed: \(graph.fixed.joined(separator: "; ")))"))
    }

    /// The calibration tensors the graph reads, checked: present, floating-point, same `N` ≥ 1.
    static func feeds(_ graph: TrainingGraph, _ calibration: [String: RuntimeTensor]) throws -> ([String: RuntimeTensor], Int) {
        var feeds: [String: RuntimeTensor] = [:]
        for (name, _) in graph.feeds {
            guard let t = calibration[name] else { throw DistillationError.invalidCalibration("no data for graph input '\(name)'") }
            guard RuntimeTensor.floatingPointTypes.contains(t.dataType) else {
                throw DistillationError.invalidCalibration("input '\(name)' is \(t.dataType), not floating-point")
            }
            feeds[name] = t
        }
        let counts = Set(feeds.values.map { $0.shape.first ?? 0 })
        guard counts.count == 1, let n = counts.first, n >= 1 else {
            throw DistillationError.invalidCalibration("inputs need the same number of samples (axis 0) ≥ 1, got \(counts.sorted())")
        }
        return (feeds, n)
    }

    /// The samples whose every input value is finite (NaN or infinite inputs would poison the
    /// gradients), and how many were left out.
    /// - Throws: runtime errors reading the tensors.
    static func finiteSamples(_ feeds: [String: RuntimeTensor]) throws -> ([String: RuntimeTensor], Int, Int) {
        guard let n = feeds.values.first?.shape.first else { return (feeds, 0, 0) }
        var keep = [Bool](repeating: true, count: n)
        var values: [String: [Float]] = [:]
        for (name, t) in feeds {
            let x = try t.floatValues()
            let row = x.count / Swift.max(n, 1)
            for i in 0..<n where keep[i] { keep[i] = !x[(i * row)..<((i + 1) * row)].contains { !$0.isFinite } }
            values[name] = x
        }
        let kept = keep.filter { $0 }.count
        guard kept < n else { return (feeds, n, 0) }
        var out: [String: RuntimeTensor] = [:]
        for (name, t) in feeds {
            guard let x = values[name] else { continue }
            let row = x.count / n
            var rows: [Float] = []
            rows.reserveCapacity(kept * row)
            for i in 0..<n where keep[i] { rows.append(contentsOf: x[(i * row)..<((i + 1) * row)]) }
            var shape = t.shape
            shape[0] = kept
            out[name] = RuntimeTensor(floats: rows, shape: shape)
        }
        return (out, kept, n - kept)
    }

    static func blendsOrThrow(_ feeds: [String: RuntimeTensor], copies: Int, maxWeight: Float,
                              rng: inout SplitMix64) throws -> [String: RuntimeTensor] {
        do { return try Mixup.blends(of: feeds, copies: copies, maxWeight: maxWeight, using: &rng) } catch {
            throw DistillationError.invalidCalibration("cannot blend: \(error)")
        }
    }

    static func concatenate(_ a: [String: TrainingTensor], _ b: [String: TrainingTensor]) throws -> [String: TrainingTensor] {
        var out: [String: TrainingTensor] = [:]
        for (name, t) in a {
            guard let u = b[name], let c = TrainingTensor.joined([t, u]) else {
                throw DistillationError.teacherFailed("'\(name)': shapes of samples and blends do not concatenate")
            }
            out[name] = c
        }
        return out
    }

    /// This chunk's share of the loss `Σ_o mean((s − t)²)` over a batch of `totalRows` rows
    /// (axis 0), and its seeds `∂L/∂s = 2(s − t)/count`, `count` the elements of output `o` over
    /// the whole batch: summed over the chunks they give the full batch's loss and gradient.
    func lossGradients(_ graph: TrainingGraph, values: [TrainingTensor?],
                       targets: [String: TrainingTensor], totalRows: Int) throws -> (Double, [Int: TrainingTensor]) {
        var loss = 0.0
        var seeds: [Int: TrainingTensor] = [:]
        for (name, slot) in graph.matched {
            let (s, t) = try Self.pair(name, values[slot], targets[name])
            let rows = Swift.max(s.shape.first ?? 1, 1)
            let count = s.count / rows * Swift.max(totalRows, 1)
            let scale = 2 / Float(max(count, 1))
            var d = s
            var sum = 0.0
            for i in d.data.indices {
                let e = s.data[i] - t.data[i]
                sum += Double(e * e)
                d.data[i] = scale * e
            }
            loss += sum / Double(max(count, 1))
            seeds[slot] = d
        }
        return (loss, seeds)
    }

    /// `Σ‖s − t‖² / Σ‖t‖²` over the matched outputs of `inputs`, `chunk` rows at a time.
    func relativeError(_ graph: TrainingGraph, inputs: [String: TrainingTensor], targets: [String: TrainingTensor],
                       chunk: Int) throws -> Double {
        let n = inputs.values.first?.shape.first ?? 0
        var num = 0.0, den = 0.0
        for range in Self.chunks(n, chunk) {
            let values = try graph.forward(range.count == n ? inputs : inputs.mapValues { $0.rows(range) })
            for (name, slot) in graph.matched {
                let (s, t) = try Self.pair(name, values[slot], range.count == n ? targets[name] : targets[name]?.rows(range))
                for i in s.data.indices {
                    let e = Double(s.data[i]) - Double(t.data[i])
                    num += e * e
                    den += Double(t.data[i]) * Double(t.data[i])
                }
            }
        }
        return den > 0 ? num / den : (num == 0 ? 0 : .infinity)
    }

    /// `0..<n` cut into consecutive ranges of `chunk` rows (the last may be shorter).
    static func chunks(_ n: Int, _ chunk: Int) -> [Range<Int>] {
        stride(from: 0, to: n, by: Swift.max(chunk, 1)).map { $0..<Swift.min($0 + Swift.max(chunk, 1), n) }
    }

    /// Rows per forward/backward pass: the model's fixed batch size when it has one (every step's
    /// rows must then be a multiple of it), else as many as fit `options.workingSetBytes`. The
    /// bytes a row needs are estimated from the activations of 2 rows minus those of 1, times 12:
    /// values and their gradients, plus the operators' scratch, of which a 3x3 convolution's
    /// im2col patches alone are 9x its input (measured on a 3x64x64 CNN: 3 GB at 800 rows with
    /// a factor of 3, under 1 GB with 12).
    /// - Throws: `DistillationError.invalidCalibration` when the rows do not divide into the fixed batch.
    func chunkRows(_ graph: TrainingGraph, inputs: [String: TrainingTensor], fixedBatch: Int?, rowsPerStep: Int) throws -> Int {
        if let b = fixedBatch, b > 0 {
            let n = inputs.values.first?.shape.first ?? 0
            guard n % b == 0, rowsPerStep % b == 0 else {
                throw DistillationError.invalidCalibration("the model fixes its batch size at \(b); \(n) samples (and their blends) do not divide into batches of \(b)")
            }
            return b
        }
        guard let n = inputs.values.first?.shape.first, n >= 2 else { return Swift.max(rowsPerStep, 1) }
        func elements(_ rows: Int) throws -> Int {
            try graph.forward(inputs.mapValues { $0.rows(0..<rows) }).reduce(0) { $0 + ($1?.count ?? 0) }
        }
        let perRow = Swift.max(try elements(2) - elements(1), 1)
        let bytesPerRow = perRow * MemoryLayout<Float>.size * 12
        return Swift.max(1, Swift.min(rowsPerStep, options.workingSetBytes / bytesPerRow))
    }

    static func pair(_ name: String, _ s: TrainingTensor?, _ t: TrainingTensor?) throws -> (TrainingTensor, TrainingTensor) {
        guard let s, let t else { throw DistillationError.teacherFailed("no value for '\(name)'") }
        guard s.shape == t.shape else {
            throw DistillationError.teacherFailed("'\(name)' is \(t.shape) in the teacher, \(s.shape) in the student")
        }
        return (s, t)
    }
}
