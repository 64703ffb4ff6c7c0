/// Agreement of one output between the two models over all samples (`AgreementAccumulator`).
public struct OutputAgreement: Codable, Sendable, Equatable {
    public var output: String
    public var elements: Int
    public var maxAbsError: MetricValue
    public var meanAbsError: MetricValue
    public var cosine: MetricValue
    public var sqnrDb: MetricValue
    /// Fraction of rows (last axis = scores) with the same argmax; undefined for outputs that
    /// are not scores.
    public var top1Agreement: MetricValue

    public init(output: String, accumulator a: AgreementAccumulator) {
        self.output = output
        elements = a.count
        maxAbsError = a.maxAbsoluteError
        meanAbsError = a.meanAbsoluteError
        cosine = a.cosineSimilarity
        sqnrDb = a.sqnrDecibels
        top1Agreement = a.top1Agreement
    }
}
