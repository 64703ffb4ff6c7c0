/// Errors of pruning. Each case names the node, tensor or option concerned.
public enum PruningError: Error, CustomStringConvertible, Sendable {
    /// An option value is out of range or inconsistent (`--sparsity 1.5`, `--pattern 5:4`).
    case invalidOption(String)
    /// The model cannot be pruned as asked (no graph, no prunable layer, a tensor of the wrong type).
    case invalidModel(String)
    /// A weight tensor cannot be pruned with this pattern; names the tensor and why.
    case unsupportedTensor(name: String, reason: String)
    /// Recovery failed for a layer (a runtime error while collecting activations).
    case recoveryFailed(node: String, reason: String)

    public var description: String {
        switch self {
        case .invalidOption(let r): return r
        case .invalidModel(let r): return "cannot prune the model: \(r)"
        case .unsupportedTensor(let n, let r): return "weight '\(n)': \(r)"
        case .recoveryFailed(let n, let r): return "recovery of \(n) failed: \(r)"
        }
    }
}
