/// Counts of (label, prediction) pairs for single-label classification, accumulated batch by
/// batch; gives top-1 accuracy and macro-averaged F1.
///
/// - Accuracy = correct / samples.
/// - Macro-F1 = mean over classes c of F1_c = 2 TP_c / (2 TP_c + FP_c + FN_c), over the classes
///   that occur as a label or as a prediction. This is scikit-learn's `f1_score(average="macro")`
///   with its default label set (the union of `y_true` and `y_pred`) and `zero_division=0`: a class
///   never predicted, or never present, has F1 0 (the formula above gives 0 for TP = 0). Source:
///   scikit-learn `sklearn.metrics.f1_score` documentation; Sokolova & Lapalme, "A systematic
///   analysis of performance measures for classification tasks" (2009), macro-averaging.
public struct ConfusionMatrix: Sendable, Equatable {
    /// counts[label][prediction], keyed sparsely.
    public private(set) var counts: [Int64: [Int64: Int]] = [:]
    public private(set) var samples = 0
    public private(set) var correct = 0

    public init() {}

    /// Adds one sample.
    public mutating func add(label: Int64, prediction: Int64) {
        counts[label, default: [:]][prediction, default: 0] += 1
        samples += 1
        if label == prediction { correct += 1 }
    }

    /// Top-1 accuracy; undefined without samples.
    public var accuracy: MetricValue {
        samples == 0 ? .undefined("no samples") : MetricValue(Double(correct) / Double(samples))
    }

    /// Macro-averaged F1 (see the type's documentation); undefined without samples.
    public var macroF1: MetricValue {
        guard samples > 0 else { return .undefined("no samples") }
        var tp: [Int64: Int] = [:], fp: [Int64: Int] = [:], fn: [Int64: Int] = [:]
        var classes = Set<Int64>()
        for (label, row) in counts {
            classes.insert(label)
            for (prediction, n) in row {
                classes.insert(prediction)
                if label == prediction {
                    tp[label, default: 0] += n
                } else {
                    fn[label, default: 0] += n
                    fp[prediction, default: 0] += n
                }
            }
        }
        var sum = 0.0
        for c in classes.sorted() {
            let t = Double(tp[c] ?? 0)
            let denominator = 2 * t + Double(fp[c] ?? 0) + Double(fn[c] ?? 0)
            sum += denominator > 0 ? 2 * t / denominator : 0
        }
        return MetricValue(sum / Double(classes.count))
    }
}
