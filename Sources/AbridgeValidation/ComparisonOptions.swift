/// Settings of a comparison (the `compare` command's options).
public struct ComparisonOptions: Sendable {
    /// Where timings are taken.
    public enum TimingRuntime: Sendable, Equatable {
        /// Abridge's reference runtime, in process.
        case abridge
        /// onnxruntime through `python` running the helper script at `script`.
        case onnxruntime(python: String, script: String)
    }

    /// The task, or nil to detect it (`EvaluationTask.detect`).
    public var task: EvaluationTask?
    /// Key of the labels in the data (`--labels`).
    public var labelKey = "labels"
    /// True when the user named the key, so missing labels are an error.
    public var labelKeyGiven = false
    /// Compare every intermediate tensor present in both models.
    public var perLayer = false
    /// Samples per evaluation run when the data and both models allow batching.
    public var evaluationBatch = 64
    /// Samples per evaluation run with `perLayer` (one batch of matching activations is held).
    public var perLayerBatch = 8
    /// Timed runs (0 skips timing).
    public var runs = 20
    public var warmupRuns = 3
    /// Throughput batch size.
    public var throughputBatch = 32
    /// Runtime threads (nil: the default, all cores).
    public var threads: Int?
    /// The `--max-drop` bound, if any.
    public var maxDrop: Double?
    public var timingRuntime: TimingRuntime = .abridge

    public init() {}
}
