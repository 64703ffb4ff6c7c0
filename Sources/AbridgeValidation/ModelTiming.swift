/// Timings of one model: batch-1 latency and batch-N throughput, and energy when measured.
public struct ModelTiming: Codable, Sendable, Equatable {
    /// Batch-1 latency after warm-up.
    public var latency: LatencySummary
    /// Samples per second at `TimingReport.throughputBatch`: batch × runs / total seconds.
    public var throughputSamplesPerSecond: MetricValue
    /// Number of timed throughput runs.
    public var throughputRuns: Int
    /// Joules per batch-1 inference over the latency runs (RAPL), or undefined with the reason.
    public var joulesPerInference: MetricValue

    public init(latencySeconds: [Double], batch: Int, throughputSeconds: [Double], joulesPerInference: MetricValue) {
        latency = LatencySummary(seconds: latencySeconds)
        let total = throughputSeconds.reduce(0, +)
        throughputRuns = throughputSeconds.count
        throughputSamplesPerSecond = total > 0
            ? MetricValue(Double(batch * throughputSeconds.count) / total)
            : .undefined(throughputSeconds.isEmpty ? "no throughput runs" : "runs took no measurable time")
        self.joulesPerInference = joulesPerInference
    }
}
