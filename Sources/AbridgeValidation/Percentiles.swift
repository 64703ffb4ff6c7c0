/// Percentiles of a sample by linear interpolation between closest ranks, numpy's default
/// (`numpy.percentile(a, q, method="linear")`): for sorted x₀ ≤ … ≤ xₙ₋₁, the q-th percentile is
/// x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋₊₁ − x_⌊h⌋) with h = (n − 1) q / 100. Source: Hyndman & Fan,
/// "Sample quantiles in statistical packages" (1996), definition 7.
public enum Percentiles {
    /// The q-th percentile (q in 0...100) of `values`; nil when `values` is empty.
    public static func percentile(_ values: [Double], _ q: Double) -> Double? {
        let sorted = values.sorted()
        return percentile(sorted: sorted, q)
    }

    /// As `percentile(_:_:)` on already sorted values.
    public static func percentile(sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let h = Double(sorted.count - 1) * Swift.min(100, Swift.max(0, q)) / 100
        let lo = Int(h.rounded(.down))
        let hi = Swift.min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}
