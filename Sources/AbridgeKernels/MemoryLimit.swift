#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The most bytes one tensor or one kernel buffer may occupy, and the check that every
/// allocation whose size comes from model data or feeds goes through.
///
/// Swift aborts the process ("failed to allocate ... bytes") when `malloc` refuses a request,
/// so a size computed from untrusted input (ConstantOfShape's shape, Resize's scales, Pad's pads,
/// a broadcast of two large feeds) must be refused before it is requested. The limit is the
/// machine's physical memory (`sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE)`): a single
/// buffer larger than all of RAM can never be computed. The environment variable
/// `ABRIDGE_MAX_TENSOR_BYTES` (a positive decimal byte count) replaces it, e.g. on machines with
/// large swap, or to run with a lower cap.
public enum MemoryLimit {
    /// Name of the environment variable that overrides the limit.
    public static let environmentVariable = "ABRIDGE_MAX_TENSOR_BYTES"

    /// The limit in bytes (read once per process).
    public static let bytes: Int = {
        if let text = getenv(environmentVariable).map({ String(cString: $0) }),
           let value = Int(String(text.filter { !$0.isWhitespace })), value > 0 {
            return value
        }
        return physicalMemory ?? (1 << 46)
    }()

    /// A lower limit for the work done inside `withLimit(_:_:)` on this thread or task (nil: none).
    @TaskLocal public static var scoped: Int?

    /// The limit in force here: `bytes`, or a lower `scoped` limit.
    public static var current: Int {
        guard let s = scoped else { return bytes }
        return Swift.min(s, bytes)
    }

    /// Runs `body` with the limit lowered to `limit` bytes (e.g. constant folding, which must
    /// not materialize a large result only to discard it).
    public static func withLimit<R>(_ limit: Int, _ body: () throws -> R) rethrows -> R {
        try $scoped.withValue(limit, operation: body)
    }

    /// Bytes of physical memory, or nil when the system does not say.
    public static var physicalMemory: Int? {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return nil }
        let (product, overflow) = Int(pages).multipliedReportingOverflow(by: Int(pageSize))
        return overflow ? nil : product
    }

    /// `elements * elementSize` bytes when that product neither overflows `Int` nor exceeds
    /// `current`, nil otherwise (also for a negative count or size).
    @inlinable
    public static func byteCount(elements: Int, elementSize: Int) -> Int? {
        guard elements >= 0, elementSize >= 0 else { return nil }
        let (product, overflow) = elements.multipliedReportingOverflow(by: elementSize)
        guard !overflow, product <= current else { return nil }
        return product
    }

    /// The byte size of a row-major buffer of `shape` with `elementSize`-byte elements when it
    /// fits the limit (checked products, so no wrap-around), nil when a dimension is negative,
    /// the element count overflows or the size exceeds `bytes`.
    public static func byteCount(shape: [Int], elementSize: Int) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            guard !o else { return nil }
            n = p
        }
        return byteCount(elements: n, elementSize: elementSize)
    }

    /// The exact byte size of `shape` with `elementSize`-byte elements, for messages: nil when it
    /// overflows `Int`.
    public static func exactByteCount(shape: [Int], elementSize: Int) -> Int? {
        var n = elementSize
        for d in shape {
            let (p, o) = n.multipliedReportingOverflow(by: d)
            guard !o else { return nil }
            n = p
        }
        return n
    }

    /// A description of a refused request, e.g. "needs 17592186044416 bytes, more than the
    /// limit of 24613478400 bytes (physical memory; ABRIDGE_MAX_TENSOR_BYTES changes it)".
    public static func describeRefusal(bytes requested: Int?) -> String {
        let amount = requested.map { "\($0) bytes" } ?? "more bytes than an Int can count"
        if scoped != nil && current < bytes { return "needs \(amount), more than the limit of \(current) bytes for this step" }
        return "needs \(amount), more than the limit of \(bytes) bytes (physical memory; \(environmentVariable) changes it)"
    }
}
