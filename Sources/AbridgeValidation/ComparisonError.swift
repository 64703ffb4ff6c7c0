/// Errors of the comparison library. Each names the model file, tensor, output or data key
/// concerned and what differs.
public enum ComparisonError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The two models' inputs or outputs differ (names, element types, ranks).
    case mismatchedModels(String)
    /// The data do not fit the task or the model (labels of the wrong length or type, no labels
    /// for a task that needs them).
    case invalidData(String)
    /// The requested task cannot be evaluated on this model's outputs.
    case unsupportedTask(String)
    /// An external tool (python3, onnxruntime) is missing or failed to start.
    case toolUnavailable(String)
    /// An external tool ran but failed or returned something unreadable.
    case toolFailed(String)
    /// A file could not be read (size of a model or an external data file).
    case io(file: String, reason: String)

    public var description: String {
        switch self {
        case .mismatchedModels(let m): return "the models do not match: \(m)"
        case .invalidData(let m): return m
        case .unsupportedTask(let m): return m
        case .toolUnavailable(let m): return m
        case .toolFailed(let m): return m
        case .io(let f, let r): return "\(f): \(r)"
        }
    }
}
