import Foundation

/// Perplexity of a language model's logits against target tokens, accumulated batch by batch.
///
/// PPL = exp((1/T) Σₜ −log softmax(zₜ)[yₜ]) over the T positions whose label is not the ignore
/// index (−100, PyTorch `CrossEntropyLoss(ignore_index=-100)` convention). Each log-softmax is
/// computed stably in `Double` as zₜ[y] − (m + log Σⱼ exp(zₜⱼ − m)), m = maxⱼ zₜⱼ.
/// Uniform logits over V classes give PPL = V. Source: Jurafsky & Martin, "Speech and Language
/// Processing" (3rd ed. draft), §3.3 Perplexity; the labels must already be aligned with the
/// logits (label t is the target of position t).
public struct PerplexityAccumulator: Sendable, Equatable {
    /// The label value that marks a position to skip.
    public static let ignoreIndex: Int64 = -100
    public private(set) var tokens = 0
    public private(set) var ignored = 0
    public private(set) var totalNegativeLogLikelihood = 0.0

    public init() {}

    /// Adds positions: `logits` holds `labels.count` rows of `vocabulary` values each.
    /// - Throws: `ComparisonError.invalidData` for a label outside `0..<vocabulary` other than −100.
    public mutating func add(logits: UnsafeBufferPointer<Float>, vocabulary: Int, labels: [Int64]) throws {
        guard vocabulary > 0, logits.count >= labels.count * vocabulary else {
            throw ComparisonError.invalidData("logits hold \(logits.count) values, \(labels.count) positions of \(vocabulary) expected")
        }
        for (t, y) in labels.enumerated() {
            if y == Self.ignoreIndex { ignored += 1; continue }
            guard y >= 0, y < Int64(vocabulary) else {
                throw ComparisonError.invalidData("label \(y) is outside the vocabulary 0..<\(vocabulary) (use -100 to ignore a position)")
            }
            let row = logits[(t * vocabulary)..<((t + 1) * vocabulary)]
            var m = -Double.infinity
            for z in row { m = Swift.max(m, Double(z)) }
            var s = 0.0
            for z in row { s += exp(Double(z) - m) }
            totalNegativeLogLikelihood += (m + log(s)) - Double(logits[t * vocabulary + Int(y)])
            tokens += 1
        }
    }

    /// Mean negative log-likelihood per token, in nats.
    public var meanNegativeLogLikelihood: MetricValue {
        tokens == 0 ? .undefined("every label is -100 (ignored)") : MetricValue(totalNegativeLogLikelihood / Double(tokens), ifNotFinite: "the logits hold NaN or infinite values")
    }

    /// exp(mean NLL).
    public var perplexity: MetricValue {
        guard let nll = meanNegativeLogLikelihood.value else { return meanNegativeLogLikelihood }
        return MetricValue(exp(nll), ifNotFinite: "perplexity overflows (mean negative log-likelihood \(nll) nats)")
    }
}
