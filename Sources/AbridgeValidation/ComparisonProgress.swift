/// Progress of a long comparison step, for the CLI's progress line.
public struct ComparisonProgress: Sendable, Equatable {
    /// `evaluating`, `timing original`, `timing converted`, `timing with onnxruntime`.
    public var stage: String
    public var done: Int
    public var total: Int
}
