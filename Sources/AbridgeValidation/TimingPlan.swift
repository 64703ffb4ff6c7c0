/// How many runs to time, and at which batch size.
public struct TimingPlan: Sendable, Equatable {
    /// Timed batch-1 runs per model (`--runs`).
    public var runs: Int
    /// Untimed runs before each timed series.
    public var warmupRuns: Int
    /// Batch size of the throughput runs (`--batch`, capped by the data and the model).
    public var batch: Int
    /// Timed throughput runs: max(3, runs / 4), so a large batch does not multiply the time spent.
    public var throughputRuns: Int { Swift.max(3, runs / 4) }

    public init(runs: Int, warmupRuns: Int, batch: Int) {
        self.runs = runs; self.warmupRuns = warmupRuns; self.batch = batch
    }
}
