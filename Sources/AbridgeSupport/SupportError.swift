/// Errors of the OS-facing layer. Each case names the file and the reason.
public enum SupportError: Error, CustomStringConvertible, Sendable {
    /// The file does not exist.
    case notFound(path: String)
    /// The path exists but is a directory, device or other non-regular file.
    case notRegularFile(path: String)
    /// The file exists but cannot be opened or read (permissions and the like).
    case unreadable(path: String, reason: String)
    /// The file's content or a requested range is invalid.
    case invalid(path: String, reason: String)
    /// The output cannot be created (missing folder, permissions, already exists without force).
    case cannotCreate(path: String, reason: String)
    /// A read or write failed part-way.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let p): return "\(p): no such file"
        case .notRegularFile(let p): return "\(p): not a regular file"
        case .unreadable(let p, let r): return "\(p): cannot read: \(r)"
        case .invalid(let p, let r): return "\(p): \(r)"
        case .cannotCreate(let p, let r): return "\(p): cannot create: \(r)"
        case .io(let p, let r): return "\(p): I/O error: \(r)"
        }
    }
}
