import AbridgeIR
import AbridgeKernels

/// Errors of the runtime. Each names the node, input or tensor concerned.
public enum RuntimeError: Error, CustomStringConvertible, Sendable {
    /// No kernel for this operator at this opset (raised before execution starts).
    case unsupportedOperator(node: String, opType: String, domain: String, opset: Int, available: [Int])
    /// An attribute is missing or malformed.
    case invalidAttribute(node: String, name: String, reason: String)
    /// A node's input has the wrong type or shape, or is missing.
    case invalidInput(node: String, reason: String)
    /// A feed is missing, or its type or shape does not match the graph input.
    case invalidFeed(input: String, reason: String)
    /// A tensor type the runtime cannot hold.
    case unsupportedType(DataType, context: String)
    /// A shape is invalid (negative, overflowing, inconsistent).
    case invalidShape(String)
    /// A value has the wrong type.
    case typeMismatch(String)
    /// An error inside a node, wrapped with the node's label.
    indirect case inNode(node: String, underlying: Error)
    /// The model cannot be executed (cycle, missing value, no graph).
    case invalidModel(String)
    /// A tensor or buffer whose size, computed from the model or the feeds, exceeds
    /// `MemoryLimit.bytes` (physical memory) or overflows `Int`: refused before allocating.
    /// `bytes` is nil when the size overflows.
    case tooLarge(what: String, bytes: Int?, limit: Int)

    public var description: String {
        switch self {
        case .unsupportedOperator(let n, let op, let d, let opset, let available):
            let dom = d.isEmpty ? "ai.onnx" : d
            let have = available.isEmpty ? "no kernel for any opset" : "kernels exist for since-versions \(available.map(String.init).joined(separator: ", "))"
            return "node \(n): operator \(dom)::\(op) at opset \(opset) is not supported (\(have))"
        case .invalidAttribute(let n, let a, let r): return "node \(n): attribute '\(a)': \(r)"
        case .invalidInput(let n, let r): return n.isEmpty ? r : "node \(n): \(r)"
        case .invalidFeed(let i, let r): return "input '\(i)': \(r)"
        case .unsupportedType(let t, let c): return "\(c): tensor type \(t) is not supported"
        case .invalidShape(let r): return "invalid shape: \(r)"
        case .typeMismatch(let r): return r
        case .inNode(let n, let e): return "node \(n): \(e)"
        case .invalidModel(let r): return "cannot run the model: \(r)"
        case .tooLarge(let what, let bytes, _): return "\(what) is too large: \(MemoryLimit.describeRefusal(bytes: bytes))"
        }
    }
}

extension RuntimeError {
    /// The runtime's view of a kernel error: a refused scratch buffer stays `.tooLarge`; every
    /// other kernel error means the node's inputs are inconsistent (`.invalidInput`; the
    /// interpreter adds the node's label). With `op`, the message starts with `op:` (kernel
    /// messages usually start with the op's name already; it is not repeated).
    public init(_ error: KernelError, op: String? = nil) {
        switch error {
        case .tooLarge(let kernel, let buffer, let bytes):
            self = .tooLarge(what: "\(kernel) buffer '\(buffer)'", bytes: bytes, limit: MemoryLimit.current)
        default:
            let text = "\(error)"
            guard let op, !text.hasPrefix("\(op):") else { self = .invalidInput(node: "", reason: text); return }
            self = .invalidInput(node: "", reason: "\(op): \(text)")
        }
    }
}
