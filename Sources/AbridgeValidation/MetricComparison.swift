/// One task metric for both models, and how it changed.
public struct MetricComparison: Codable, Sendable, Equatable {
    /// `accuracy`, `macro_f1`, `mae`, `mse`, `perplexity`.
    public var name: String
    /// True for accuracy and F1 (a drop is a loss); false for errors and perplexity (an
    /// increase is a loss).
    public var higherIsBetter: Bool
    public var original: MetricValue
    public var converted: MetricValue
    /// converted − original.
    public var difference: MetricValue
    /// (converted − original) / original; undefined when the original is 0.
    public var relativeChange: MetricValue

    public init(name: String, higherIsBetter: Bool, original: MetricValue, converted: MetricValue) {
        self.name = name; self.higherIsBetter = higherIsBetter
        self.original = original; self.converted = converted
        difference = MetricValue.difference(original, converted)
        if let x = original.value, let y = converted.value {
            relativeChange = x == 0
                ? (y == 0 ? MetricValue(0) : .undefined("the original's value is 0: a relative change is infinite"))
                : MetricValue((y - x) / abs(x))
        } else {
            relativeChange = difference
        }
    }

    /// The loss `--max-drop` bounds: for higher-is-better metrics the absolute drop
    /// original − converted (0.01 is one point of accuracy); for the others the relative
    /// increase (converted − original) / original. Undefined when either side is.
    public var loss: MetricValue {
        guard let x = original.value, let y = converted.value else { return difference }
        if higherIsBetter { return MetricValue(x - y) }
        if x == 0 { return y == 0 ? MetricValue(0) : .undefined("the original's \(name) is 0 and the converted's is not: the relative increase is infinite") }
        return MetricValue((y - x) / abs(x))
    }
}
