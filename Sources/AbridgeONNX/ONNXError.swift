/// Errors reading or writing ONNX files. Each names the file and, where known, the tensor or
/// node and the byte offset.
public enum ONNXError: Error, CustomStringConvertible, Sendable {
    /// The file is not a valid ONNX model (malformed protobuf, inconsistent tensor, ...).
    case invalidModel(path: String, reason: String)
    /// External data cannot be used (bad location, escaping path, out-of-range offset).
    case invalidExternalData(path: String, tensor: String, reason: String)
    /// The model uses a feature this version cannot handle.
    case unsupported(path: String, reason: String)
    /// The input file is missing or unreadable.
    case unreadable(path: String, reason: String)
    /// The output cannot be created.
    case cannotCreate(path: String, reason: String)
    /// A read or write failed.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidModel(let p, let r): return "\(p): invalid ONNX model: \(r)"
        case .invalidExternalData(let p, let t, let r): return "\(p): tensor '\(t)': external data: \(r)"
        case .unsupported(let p, let r): return "\(p): unsupported: \(r)"
        case .unreadable(let p, let r): return "\(p): \(r)"
        case .cannotCreate(let p, let r): return "\(p): cannot create: \(r)"
        case .io(let p, let r): return "\(p): I/O error: \(r)"
        }
    }
}
