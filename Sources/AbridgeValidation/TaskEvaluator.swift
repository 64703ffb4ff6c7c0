import AbridgeIR
import AbridgeRuntime

/// Accumulates one task's metrics for both models, batch by batch, from the first output and
/// the labels of the same samples.
///
/// - classification: argmax over the output's last axis (`[N, C]`, or `[N, ..., C]` with labels
///   `[N, ...]`) against integer labels: accuracy and macro-F1 (`ConfusionMatrix`);
/// - regression: every output element against the label element at the same position (equal
///   element counts per batch): MAE and MSE (`RegressionErrors`);
/// - lm: logits `[N, seq, vocab]` against labels `[N, seq]` aligned with them, −100 ignored:
///   perplexity (`PerplexityAccumulator`).
struct TaskEvaluator {
    let task: EvaluationTask
    let output: String
    let labelKey: String
    var confusion = [ConfusionMatrix(), ConfusionMatrix()]
    /// Classification: labels outside `0..<classes` (counted as wrong predictions), and `classes`.
    var labelsOutside = 0
    var classes = 0
    var regression = [RegressionErrors(), RegressionErrors()]
    var perplexity = [PerplexityAccumulator(), PerplexityAccumulator()]

    /// Adds one batch: the first output of each model and the labels of the same samples.
    /// - Throws: `ComparisonError.invalidData` when the labels do not fit the output,
    ///   `.unsupportedTask` when the output cannot carry the task.
    mutating func add(original: RuntimeTensor, converted: RuntimeTensor, labels: RuntimeTensor) throws {
        switch task {
        case .agreement: return
        case .classification:
            let (rows, classes) = try scoreRows(original, needRank: nil)
            let y = try integerLabels(labels, count: rows, what: "one class index per row of output '\(output)' \(original.shape)")
            self.classes = classes
            labelsOutside += y.filter { $0 < 0 || $0 >= Int64(classes) }.count
            for (k, t) in [original, converted].enumerated() {
                try FloatElements.with(t) { p in
                    for r in 0..<rows {
                        confusion[k].add(label: y[r], prediction: Int64(AgreementAccumulator.argmax(p, r * classes, classes)))
                    }
                }
            }
        case .regression:
            guard labels.dataType.isFloatingPoint || labels.dataType.isInteger else {
                throw ComparisonError.invalidData("labels '\(labelKey)' are \(labels.dataType.shortName); regression needs numbers")
            }
            guard labels.count == original.count else {
                throw ComparisonError.invalidData("labels '\(labelKey)' have shape \(labels.shape) (\(labels.count) values) but output '\(output)' has shape \(original.shape) (\(original.count) values); regression needs one label per output element")
            }
            let y = try labels.floatValues()
            for (k, t) in [original, converted].enumerated() {
                try FloatElements.with(t) { p in regression[k].add(predictions: p, targets: y) }
            }
        case .lm:
            let (rows, vocabulary) = try scoreRows(original, needRank: 3)
            let y = try integerLabels(labels, count: rows, what: "labels [N, seq] aligned with logits '\(output)' \(original.shape)")
            for (k, t) in [original, converted].enumerated() {
                try FloatElements.with(t) { p in try perplexity[k].add(logits: p, vocabulary: vocabulary, labels: y) }
            }
        }
    }

    /// Rows and row length of a score output (the last axis holds the scores).
    private func scoreRows(_ t: RuntimeTensor, needRank: Int?) throws -> (rows: Int, classes: Int) {
        guard t.dataType.isFloatingPoint, FloatElements.isNumeric(t.dataType) else {
            throw ComparisonError.unsupportedTask("--task \(task.rawValue): output '\(output)' is \(t.dataType.shortName), not floating-point scores")
        }
        if let needRank, t.rank != needRank {
            throw ComparisonError.unsupportedTask("--task \(task.rawValue): output '\(output)' has shape \(t.shape); logits [N, seq, vocab] (rank 3) expected")
        }
        guard t.rank >= 2, let classes = t.shape.last, classes > 0 else {
            throw ComparisonError.unsupportedTask("--task \(task.rawValue): output '\(output)' has shape \(t.shape); scores over a last axis [N, classes] expected")
        }
        return (t.count / classes, classes)
    }

    private func integerLabels(_ labels: RuntimeTensor, count: Int, what: String) throws -> [Int64] {
        guard labels.dataType.isInteger else {
            throw ComparisonError.invalidData("labels '\(labelKey)' are \(labels.dataType.shortName); \(task.rawValue) needs integer labels")
        }
        guard labels.count == count else {
            throw ComparisonError.invalidData("labels '\(labelKey)' have shape \(labels.shape) (\(labels.count) values in this batch), expected \(count): \(what)")
        }
        return try labels.int64Values()
    }

    /// The metrics of both models.
    func metrics() -> [MetricComparison] {
        switch task {
        case .agreement: return []
        case .classification:
            return [MetricComparison(name: "accuracy", higherIsBetter: true, original: confusion[0].accuracy, converted: confusion[1].accuracy),
                    MetricComparison(name: "macro_f1", higherIsBetter: true, original: confusion[0].macroF1, converted: confusion[1].macroF1)]
        case .regression:
            return [MetricComparison(name: "mae", higherIsBetter: false, original: regression[0].meanAbsoluteError, converted: regression[1].meanAbsoluteError),
                    MetricComparison(name: "mse", higherIsBetter: false, original: regression[0].meanSquaredError, converted: regression[1].meanSquaredError)]
        case .lm:
            return [MetricComparison(name: "perplexity", higherIsBetter: false, original: perplexity[0].perplexity, converted: perplexity[1].perplexity)]
        }
    }
}
