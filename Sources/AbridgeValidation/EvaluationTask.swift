import AbridgeIR

/// What the first output of the models means, and so which task metrics apply.
public enum EvaluationTask: String, Codable, Sendable, CaseIterable {
    /// Scores over classes `[N, C]` against integer labels `[N]`: accuracy, macro-F1.
    case classification
    /// Values against float labels of the same element count per sample: MAE, MSE.
    case regression
    /// Logits `[N, seq, vocab]` against labels `[N, seq]` (−100 ignored): perplexity.
    case lm
    /// No task metric: output agreement only.
    case agreement

    /// The task `auto` selects (issue 6): `lm` if the output has rank 3 and the labels rank 2;
    /// `classification` if the labels are integers and the output has rank 2; `regression` if the
    /// labels are floating point; otherwise agreement only (also without labels).
    /// - Parameters:
    ///   - outputRank: rank of the first output as computed for a batch (sample axis included).
    ///   - labelType / labelRank: the labels' element type and rank (sample axis included), nil
    ///     without labels.
    /// - Returns: the task and the rule that chose it.
    public static func detect(outputRank: Int, labelType: DataType?, labelRank: Int?) -> (task: EvaluationTask, reason: String) {
        guard let labelType, let labelRank else { return (.agreement, "no labels: output agreement only") }
        if outputRank == 3 && labelRank == 2 { return (.lm, "output rank 3 and labels rank 2") }
        if labelType.isInteger && outputRank == 2 { return (.classification, "integer labels and output rank 2") }
        if labelType.isFloatingPoint { return (.regression, "floating-point labels") }
        return (.agreement, "labels (\(labelType.shortName), rank \(labelRank)) fit no task for an output of rank \(outputRank): output agreement only")
    }
}
