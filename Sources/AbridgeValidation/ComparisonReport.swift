import Foundation

/// Everything `abridge compare` measured. Its JSON form (snake_case keys, `jsonData()`) is
/// documented by `schemas/compare-report.schema.json`.
public struct ComparisonReport: Codable, Sendable, Equatable {
    /// A model and its size.
    public struct ModelEntry: Codable, Sendable, Equatable {
        public var path: String
        public var size: SizeReport
    }
    /// The data evaluated on.
    public struct DataEntry: Codable, Sendable, Equatable {
        public var path: String
        public var samples: Int
        public var labelsKey: String
        public var hasLabels: Bool
        /// Samples fed per run during evaluation (1 when the data or a model cannot batch).
        public var evaluationBatch: Int
    }
    /// The task evaluated and why.
    public struct TaskEntry: Codable, Sendable, Equatable {
        public var kind: EvaluationTask
        /// `auto: integer labels and output rank 2`, or `--task`.
        public var reason: String
        /// The output the task metrics read (the first graph output).
        public var output: String
    }

    /// Identifies the format: `abridge-compare-report/1`.
    public var format = "abridge-compare-report/1"
    public var original: ModelEntry
    public var converted: ModelEntry
    public var data: DataEntry
    public var task: TaskEntry
    /// Task metrics (empty without labels).
    public var performance: [MetricComparison]
    /// Agreement per output, in graph order.
    public var agreement: [OutputAgreement]
    /// Converted total file bytes / original total file bytes.
    public var sizeRatio: MetricValue
    /// Nil when timing was skipped (`--runs 0`).
    public var timing: TimingReport?
    /// Present with `--per-layer`.
    public var perLayer: LayerDiagnosis?
    /// Present with `--max-drop`.
    public var gate: QualityGate?

    /// Pretty-printed JSON with sorted snake_case keys (byte-identical for equal reports).
    /// - Throws: `EncodingError` (not expected: every number is finite by construction).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }
}
