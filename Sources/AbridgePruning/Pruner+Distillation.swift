import AbridgeData
import AbridgeDistillation
import AbridgeIR
import AbridgeRuntime
import Foundation

extension Pruner {
    /// Steps of the default distillation, and the work it may take: steps × rows per step × 4 ×
    /// the original model's MACs per sample (the student's forward and backward passes cost about
    /// three of its forward passes, at most the original's, plus the teacher's forward pass).
    /// 5·10¹¹ MACs is about a minute on two cores; digits-cnn needs 1.8·10¹¹ for 600 steps.
    static let defaultDistillationSteps = 600
    static let distillationBudget = 5e11

    /// Fine-tunes the pruned `model` toward `original` on the calibration samples and fresh mixup
    /// blends of them (`Distiller`), after the least-squares refits; records what happened, or
    /// why it did not, in `report`.
    /// - Parameters:
    ///   - samples: the calibration samples (`[N, ...]` by input name), nil when stored one per file.
    ///   - macsPerSample: the original's multiply-accumulates per sample, when counted.
    ///   - pruned: false when no layer was pruned (nothing to distill).
    /// - Throws: errors of the calibration data only. A distillation that cannot run or fails
    ///   on these data (`DistillationError`) leaves the refit model as it was, with the reason in
    ///   `report.distillationSkipped` and a warning.
    func distill(_ model: Model, original: Model, samples: [String: RuntimeTensor]?, macsPerSample: Int?, pruned: Bool,
                 report: inout PruningReport, progress: ((Int, Int) -> Void)?) throws {
        if options.distillSteps == 0 { report.distillationSkipped = "--distill-steps 0"; return }
        guard pruned else { report.distillationSkipped = "no layer was pruned"; return }
        guard let samples else {
            report.distillationSkipped = "samples stored one per file; distillation needs stacked arrays (an .npz with a sample axis)"
            return
        }
        if let why = Distiller.unsupportedReason(model) { report.distillationSkipped = why; return }
        let steps = options.distillSteps ?? Self.defaultDistillationSteps
        if options.distillSteps == nil {
            let rows = Double((samples.values.first?.shape.first ?? 0) * (1 + options.mixupBlends))
            guard let macs = macsPerSample else {
                report.distillationSkipped = "the model's cost per sample is unknown (MACs not counted); pass --distill-steps N to run it"
                return
            }
            let perStep = rows * 4 * Double(macs)
            if perStep * Double(steps) > Self.distillationBudget {
                report.distillationSkipped = String(format: "%d steps would take %.2g multiply-accumulates, over the default budget of %.0g; pass --distill-steps N to run it",
                                                    steps, perStep * Double(steps), Self.distillationBudget)
                return
            }
        }
        let distiller = Distiller(options: DistillationOptions(steps: steps, blends: options.mixupBlends), logger: logger)
        let d: DistillationReport
        do {
            d = try distiller.distill(student: model, teacher: original, calibration: samples, progress: progress)
        } catch let e as DistillationError {
            // Nothing is written back before training ends: the refit weights stand.
            report.distillationSkipped = "\(e)"
            report.warnings.append("distillation stopped: \(e); the refit weights are kept")
            return
        }
        report.distillation = d
        if d.samplesLeftOut > 0 {
            report.warnings.append("distillation left out \(d.samplesLeftOut) calibration sample\(d.samplesLeftOut == 1 ? "" : "s") holding NaN or infinite values")
        }
        if !d.applied {
            report.warnings.append(String(format: "distillation did not lower the output error (%.4g -> %.4g): the refit weights are kept", d.relativeErrorBefore, d.relativeErrorAfter))
        }
    }
}
