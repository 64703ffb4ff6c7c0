/// Latency, throughput and energy of both models, with what measured them.
public struct TimingReport: Codable, Sendable, Equatable {
    /// `abridge` (this project's reference runtime) or `onnxruntime`.
    public var runtime: String
    /// Version of the runtime when known (onnxruntime's `__version__`).
    public var runtimeVersion: String?
    /// Worker threads the runtime used.
    public var threads: Int
    /// How the thread count was chosen.
    public var threadsNote: String
    /// Untimed runs before the timed ones (per model and batch size).
    public var warmupRuns: Int
    /// Batch size of the throughput runs.
    public var throughputBatch: Int
    /// Why the throughput batch differs from the one asked for, when it does.
    public var batchNote: String?
    public var original: ModelTiming
    public var converted: ModelTiming
    /// Where the energy figures come from, or why there are none.
    public var energy: EnergyReport
}
