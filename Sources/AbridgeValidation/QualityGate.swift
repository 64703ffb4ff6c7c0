/// The `--max-drop` check: passes when no loss exceeds the bound.
///
/// Losses checked: with labels, each task metric (`MetricComparison.loss`: absolute drop of
/// accuracy and macro-F1, relative increase of MAE, MSE and perplexity); without labels, the
/// first output's top-1 disagreement 1 − agreement, or for outputs that are not scores the
/// cosine distance 1 − cosine. A loss that cannot be computed (NaN outputs, an undefined
/// metric) fails the gate: an unmeasurable model never passes. The bound is exceeded when
/// loss > maxDrop (a loss equal to the bound passes).
public struct QualityGate: Codable, Sendable, Equatable {
    /// One bounded loss.
    public struct Check: Codable, Sendable, Equatable {
        public var metric: String
        /// `absolute` (accuracy, F1, agreement) or `relative` (errors, perplexity).
        public var kind: String
        public var loss: MetricValue
        public var exceeded: Bool
    }

    public var maxDrop: Double
    public var passed: Bool
    public var checks: [Check]

    public init(maxDrop: Double, performance: [MetricComparison], agreement: [OutputAgreement]) {
        self.maxDrop = maxDrop
        var checks: [Check] = performance.map { m in
            let loss = m.loss
            return Check(metric: m.name, kind: m.higherIsBetter ? "absolute" : "relative", loss: loss,
                         exceeded: loss.value.map { $0 > maxDrop } ?? true)
        }
        if performance.isEmpty, let first = agreement.first {
            let (name, value) = first.top1Agreement.value != nil
                ? ("top1_disagreement (\(first.output))", first.top1Agreement)
                : ("cosine_distance (\(first.output))", first.cosine)
            let loss = value.value.map { MetricValue(1 - $0) } ?? value
            checks.append(Check(metric: name, kind: "absolute", loss: loss, exceeded: loss.value.map { $0 > maxDrop } ?? true))
        }
        self.checks = checks
        passed = !checks.contains { $0.exceeded }
    }
}
