/// Wall-clock times of repeated runs, summarized (milliseconds).
///
/// Percentiles use `Percentiles` (numpy's linear method).
public struct LatencySummary: Codable, Sendable, Equatable {
    public var runs: Int
    public var p50: MetricValue
    public var p90: MetricValue
    public var p99: MetricValue
    public var mean: MetricValue
    public var min: MetricValue
    public var max: MetricValue

    /// Summarizes run times given in seconds.
    public init(seconds: [Double]) {
        let ms = seconds.map { $0 * 1000 }.sorted()
        runs = ms.count
        func pick(_ v: Double?) -> MetricValue { v.map { MetricValue($0) } ?? .undefined("no timed runs") }
        p50 = pick(Percentiles.percentile(sorted: ms, 50))
        p90 = pick(Percentiles.percentile(sorted: ms, 90))
        p99 = pick(Percentiles.percentile(sorted: ms, 99))
        mean = pick(ms.isEmpty ? nil : ms.reduce(0, +) / Double(ms.count))
        min = pick(ms.first)
        max = pick(ms.last)
    }
}
