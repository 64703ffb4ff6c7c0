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
        let targets = try teacherTargets.run(feeds)
        logger.info("distilling", metadata: [
            "parameters": "\(graph.parameters.reduce(0) { $0 + $1.trainableCount })",
            "trained": "\(graph.parameters.map { $0.value.name })", "fixed": "\(graph.fixed)",
            "samples": "\(samples)", "steps": "\(options.steps)"])

        let before = try relativeError(graph, inputs: inputs, targets: targets)
        var rng = SplitMix64(seed: options.seed)
        for step in 1...max(options.steps, 1) where options.steps > 0 {
            var batch = inputs, batchTargets = targets
            if needBlends {
                let blends = try Self.blendsOrThrow(feeds, copies: options.blends, maxWeight: options.maxBlendWeight, rng: &rng)
                let blendTargets = try teacherTargets.run(blends)
                batch = try Self.concatenate(inputs, try blends.mapValues { TrainingTensor(shape: $0.shape, data: try $0.floatValues()) })
                batchTargets = try Self.concatenate(targets, blendTargets)
            }
            let values = try graph.forward(batch)
            let (loss, seeds) = try lossGradients(graph, values: values, targets: batchTargets)
            let gradients = try graph.backward(values, seeds: seeds)
            for (p, g) in zip(graph.parameters, gradients) { p.adamStep(gradient: g, t: step, options: options) }
            if step == 1 || step % 100 == 0 || step == options.steps {
                logger.debug("distillation step", metadata: ["step": "\(step)", "loss": "\(loss)"])
            }
            progress?(step, options.steps)
        }
        let after = try relativeError(graph, inputs: inputs, targets: targets)
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
            guard MatchedOutputs.floatTypes.contains(t.dataType) else {
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
            let x = t.dataType == .double ? t.elements(as: Double.self).map { Float($0) } : try t.floatValues()
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
            guard let u = b[name], let c = TrainingTensor.concatenating(t, u) else {
                throw DistillationError.teacherFailed("'\(name)': shapes of samples and blends do not concatenate")
            }
            out[name] = c
        }
        return out
    }

    /// Loss `Σ_o mean((s − t)²)` and its seeds `∂L/∂s = 2(s − t)/count`.
    func lossGradients(_ graph: TrainingGraph, values: [TrainingTensor?],
                       targets: [String: TrainingTensor]) throws -> (Double, [Int: TrainingTensor]) {
        var loss = 0.0
        var seeds: [Int: TrainingTensor] = [:]
        for (name, slot) in graph.matched {
            let (s, t) = try Self.pair(name, values[slot], targets[name])
            let scale = 2 / Float(max(s.count, 1))
            var d = s
            var sum = 0.0
            for i in d.data.indices {
                let e = s.data[i] - t.data[i]
                sum += Double(e * e)
                d.data[i] = scale * e
            }
            loss += sum / Double(max(s.count, 1))
            seeds[slot] = d
        }
        return (loss, seeds)
    }

    /// `Σ‖s − t‖² / Σ‖t‖²` over the matched outputs of `inputs`.
    func relativeError(_ graph: TrainingGraph, inputs: [String: TrainingTensor], targets: [String: TrainingTensor]) throws -> Double {
        let values = try graph.forward(inputs)
        var num = 0.0, den = 0.0
        for (name, slot) in graph.matched {
            let (s, t) = try Self.pair(name, values[slot], targets[name])
            for i in s.data.indices {
                let e = Double(s.data[i]) - Double(t.data[i])
                num += e * e
                den += Double(t.data[i]) * Double(t.data[i])
            }
        }
        return den > 0 ? num / den : (num == 0 ? 0 : .infinity)
    }

    static func pair(_ name: String, _ s: TrainingTensor?, _ t: TrainingTensor?) throws -> (TrainingTensor, TrainingTensor) {
        guard let s, let t else { throw DistillationError.teacherFailed("no value for '\(name)'") }
        guard s.shape == t.shape else {
            throw DistillationError.teacherFailed("'\(name)' is \(t.shape) in the teacher, \(s.shape) in the student")
        }
        return (s, t)
    }
}
