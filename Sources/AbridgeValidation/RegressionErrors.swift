/// Mean absolute and mean squared error between predictions and targets, accumulated batch by
/// batch in `Double`.
///
/// MAE = (1/n) Σ |ŷᵢ − yᵢ|, MSE = (1/n) Σ (ŷᵢ − yᵢ)², over all n elements (every output element
/// of every sample), as scikit-learn's `mean_absolute_error` / `mean_squared_error` with
/// `multioutput="uniform_average"` on equally sized outputs.
public struct RegressionErrors: Sendable, Equatable {
    public private(set) var count = 0
    public private(set) var sumAbsolute = 0.0
    public private(set) var sumSquared = 0.0

    public init() {}

    /// Adds element pairs (equal counts; extra elements of the longer side are ignored).
    public mutating func add<P: Collection, T: Collection>(predictions: P, targets: T) where P.Element == Float, T.Element == Float {
        for (p, t) in zip(predictions, targets) {
            let d = Double(p) - Double(t)
            sumAbsolute += abs(d)
            sumSquared += d * d
            count += 1
        }
    }

    public var meanAbsoluteError: MetricValue {
        count == 0 ? .undefined("no elements") : MetricValue(sumAbsolute / Double(count), ifNotFinite: "the outputs hold NaN or infinite values")
    }

    public var meanSquaredError: MetricValue {
        count == 0 ? .undefined("no elements") : MetricValue(sumSquared / Double(count), ifNotFinite: "the outputs hold NaN or infinite values")
    }
}
