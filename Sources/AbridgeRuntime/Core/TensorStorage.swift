import AbridgeIR
import AbridgeKernels
#if canImport(Glibc)
import Glibc
#endif

/// Memory holding a runtime tensor's elements: 64-byte-aligned memory owned by this object, or a
/// read-only view of initializer bytes (a mapped model file) kept alive through `owner`.
///
/// Owned memory comes from `BufferPool.shared` and goes back to it on release, so repeated runs
/// of a model reuse their activation buffers.
///
/// Kernels never write to their inputs; they write only into storage they allocated.
public final class TensorStorage: @unchecked Sendable {
    /// Start of the elements (aligned to at least 16 bytes).
    public let base: UnsafeMutableRawPointer
    /// Size in bytes.
    public let byteCount: Int
    private let owned: Bool
    private let owner: Any?

    /// Allocates `byteCount` uninitialized bytes (64-byte aligned).
    public init(byteCount: Int) {
        self.byteCount = byteCount
        base = BufferPool.shared.allocate(byteCount: byteCount)
        owned = true; owner = nil
    }

    /// Allocates and zero-fills `byteCount` bytes.
    public convenience init(zeroed byteCount: Int) {
        self.init(byteCount: byteCount)
        memset(base, 0, byteCount)
    }

    /// Uses `bytes` without copying when they are 16-byte aligned (keeping `bytes` alive), and
    /// copies them into aligned memory otherwise.
    public init(borrowing bytes: TensorBytes) {
        let (pointer, count) = bytes.withUnsafeBytes { ($0.baseAddress, $0.count) }
        byteCount = count
        if let pointer, Int(bitPattern: pointer) % 16 == 0, case .mapped = bytes {
            base = UnsafeMutableRawPointer(mutating: pointer); owned = false; owner = bytes
        } else {
            base = BufferPool.shared.allocate(byteCount: count)
            if let pointer, count > 0 { base.copyMemory(from: pointer, byteCount: count) }
            owned = true; owner = nil
        }
    }

    deinit { if owned { BufferPool.shared.release(base, capacity: BufferPool.capacity(for: byteCount)) } }
}
