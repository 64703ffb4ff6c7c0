import AbridgeSupport
#if canImport(Glibc)
import Glibc
#endif

/// The little-endian bytes of a tensor, either owned or a view into a memory-mapped file.
///
/// A view keeps its `MappedRegion` alive, so tensors read from a large model cost no copy and
/// no memory beyond the page cache.
public enum TensorBytes: @unchecked Sendable {
    /// Bytes owned by this value.
    case owned([UInt8])
    /// `count` bytes at `offset` inside a mapped region.
    case mapped(MappedRegion, offset: Int, count: Int)

    /// An empty buffer.
    public static let empty = TensorBytes.owned([])

    /// Number of bytes.
    public var count: Int {
        switch self {
        case .owned(let a): return a.count
        case .mapped(_, _, let c): return c
        }
    }

    /// Calls `body` with the bytes. The pointer is valid only inside `body`.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch self {
        case .owned(let a):
            return try a.withUnsafeBytes(body)
        case .mapped(let region, let offset, let count):
            let base = region.bytes.baseAddress.map { UnsafeRawPointer($0) + offset }
            return try withExtendedLifetime(region) {
                try body(UnsafeRawBufferPointer(start: count == 0 ? nil : base, count: count))
            }
        }
    }

    /// A copy of the bytes as an array.
    public var array: [UInt8] {
        switch self {
        case .owned(let a): return a
        case .mapped: return withUnsafeBytes { Array($0) }
        }
    }

    /// True when both hold the same bytes.
    public func contentEquals(_ other: TensorBytes) -> Bool {
        guard count == other.count else { return false }
        return withUnsafeBytes { a in other.withUnsafeBytes { b in
            a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 } }
    }
}
