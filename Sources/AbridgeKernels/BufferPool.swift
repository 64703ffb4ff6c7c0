import Synchronization

/// A cache of freed 64-byte-aligned buffers keyed by capacity, so that running a model again
/// reuses the memory of the previous run instead of asking the OS for fresh pages.
///
/// Large `malloc` blocks are `mmap`ed and returned with `munmap` on free, so every run of a CNN
/// page-faults its activations in again (and zero-fills them in the kernel); measured on ResNet-50
/// this was 5-9% of the run time. Buffers below `minimumBytes` go straight to the allocator
/// (cheap, never mapped). Capacities are rounded up to 4 KiB, so the same tensor shapes hit the
/// same buckets run after run. At most `limit` bytes are kept; beyond that, freed buffers are
/// returned to the allocator. Thread-safe (one mutex; taken once per large allocation and free).
public final class BufferPool: Sendable {
    /// The pool tensors and kernel scratch buffers share (256 MiB cap).
    public static let shared = BufferPool(limit: 256 << 20)
    /// Smaller requests bypass the pool.
    public static let minimumBytes = 32 << 10
    /// Alignment of every buffer.
    public static let alignment = 64

    /// Most bytes kept in the cache.
    public let limit: Int
    private struct State {
        /// Free buffers (address bit patterns) by capacity.
        var free: [Int: [Int]] = [:]
        var cachedBytes = 0
    }
    private let state = Mutex(State())

    public init(limit: Int) { self.limit = limit }

    /// The capacity `allocate` gives for `byteCount` bytes: rounded up to 4 KiB when pooled.
    @inlinable
    public static func capacity(for byteCount: Int) -> Int {
        let n = Swift.max(byteCount, 1)
        guard n >= minimumBytes else { return n }
        return (n + 4095) & ~4095
    }

    /// An uninitialized buffer of at least `byteCount` bytes, 64-byte aligned; give it back with
    /// `release(_:capacity:)` using `capacity(for: byteCount)`.
    public func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let cap = Self.capacity(for: byteCount)
        if cap >= Self.minimumBytes {
            let reused: Int? = state.withLock { s in
                guard var list = s.free[cap], let p = list.popLast() else { return nil }
                s.free[cap] = list.isEmpty ? nil : list
                s.cachedBytes -= cap
                return p
            }
            if let reused, let p = UnsafeMutableRawPointer(bitPattern: reused) { return p }
        }
        return UnsafeMutableRawPointer.allocate(byteCount: cap, alignment: Self.alignment)
    }

    /// Returns a buffer from `allocate` (keeps it for reuse while under `limit`, else frees it).
    public func release(_ pointer: UnsafeMutableRawPointer, capacity: Int) {
        if capacity >= Self.minimumBytes {
            let address = Int(bitPattern: pointer)
            let kept = state.withLock { s -> Bool in
                guard s.cachedBytes + capacity <= limit else { return false }
                s.free[capacity, default: []].append(address)
                s.cachedBytes += capacity
                return true
            }
            if kept { return }
        }
        pointer.deallocate()
    }

    /// Frees every cached buffer.
    public func drain() {
        let addresses = state.withLock { s -> [Int] in
            let all = s.free.values.flatMap { $0 }
            s.free = [:]; s.cachedBytes = 0
            return all
        }
        for a in addresses { UnsafeMutableRawPointer(bitPattern: a)?.deallocate() }
    }

    /// Bytes currently cached.
    public var cachedBytes: Int { state.withLock { $0.cachedBytes } }
}
