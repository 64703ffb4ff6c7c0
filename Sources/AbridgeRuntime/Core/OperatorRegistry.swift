import AbridgeIR

/// Kernels keyed by domain, op type and since-version. A node resolves to the kernel with the
/// greatest since-version not above the opset its model (or function) imports for the domain,
/// as the ONNX operator versioning rules say (docs/Versioning.md).
public final class OperatorRegistry {
    private struct Key: Hashable { let domain: String; let opType: String }
    private var entries: [Key: [(since: Int, factory: KernelFactory)]] = [:]

    public init() {}

    /// Registers `factory` for `domain::opType` from opset `since`.
    public func register(_ opType: String, domain: String = "", since: Int, _ factory: @escaping KernelFactory) {
        let key = Key(domain: Self.normalize(domain), opType: opType)
        entries[key, default: []].append((since, factory))
        entries[key]!.sort { $0.since < $1.since }
    }

    /// Registers the same factory for several since-versions (versions whose changes do not
    /// affect the kernel).
    public func register(_ opType: String, domain: String = "", since versions: [Int], _ factory: @escaping KernelFactory) {
        for v in versions { register(opType, domain: domain, since: v, factory) }
    }

    /// The factory for `domain::opType` at `opset`, or nil.
    public func factory(_ opType: String, domain: String, opset: Int) -> KernelFactory? {
        guard let list = entries[Key(domain: Self.normalize(domain), opType: opType)] else { return nil }
        return list.last { $0.since <= opset }?.factory
    }

    /// The since-versions registered for `domain::opType` (for error messages).
    public func sinceVersions(_ opType: String, domain: String) -> [Int] {
        entries[Key(domain: Self.normalize(domain), opType: opType)]?.map(\.since) ?? []
    }

    /// All registered `(domain, opType)` pairs.
    public var operators: [(domain: String, opType: String)] { entries.keys.map { ($0.domain, $0.opType) } }

    static func normalize(_ d: String) -> String { d == "ai.onnx" ? "" : d }

    /// The registry with every built-in operator.
    public static func standard() -> OperatorRegistry {
        let r = OperatorRegistry()
        for family in StandardOperators.families { family(r) }
        return r
    }
}
