/// Errors raised by IR queries and edits. Each case names the node, value or tensor concerned.
public enum IRError: Error, CustomStringConvertible, Sendable {
    /// A tensor's data do not match its type and shape.
    case invalidTensor(name: String, reason: String)
    /// A graph edit was refused; nothing was changed.
    case invalidEdit(String)
    /// The graph has a cycle through the named nodes.
    case cycle(nodes: [String])
    /// A structural rule of the IR is broken.
    case invalidGraph(String)

    public var description: String {
        switch self {
        case .invalidTensor(let n, let r): return "tensor '\(n)': \(r)"
        case .invalidEdit(let r): return "graph edit refused: \(r)"
        case .cycle(let nodes): return "graph has a cycle through nodes \(nodes.prefix(8).joined(separator: ", "))"
        case .invalidGraph(let r): return "invalid graph: \(r)"
        }
    }
}
