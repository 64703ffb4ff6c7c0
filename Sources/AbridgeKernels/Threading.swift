import COpenBLAS
import Dispatch
import Synchronization

/// Global thread-count setting for all kernels (and OpenBLAS).
///
/// Kernels split work into chunks whose boundaries depend only on the problem size and this count, and no
/// kernel in this module combines partial results across chunks (each output element is computed by one
/// thread in a fixed order), so our own kernels are bit-identical for any thread count. The float GEMM
/// path (MatMul, Conv, ConvTranspose) is OpenBLAS: it partitions over M/N, not K, so it is deterministic
/// for a fixed thread count, and in our tests also identical between 1 and 2 threads, but OpenBLAS does
/// not promise the latter.
public enum KernelThreads {
    /// Starts at OpenBLAS's own default (`OPENBLAS_NUM_THREADS` or the core count) so both agree.
    private static let storage = Atomic<Int>(max(1, Int(openblas_get_num_threads())))

    /// Current number of worker threads (>= 1); OpenBLAS's default until `set(_:)` is called.
    public static var count: Int { storage.load(ordering: .relaxed) }

    /// Sets the number of worker threads for kernels and OpenBLAS (`openblas_set_num_threads`).
    /// Values below 1 are treated as 1.
    public static func set(_ n: Int) {
        let value = max(1, min(n, 1024))
        storage.store(value, ordering: .relaxed)
        openblas_set_num_threads(Int32(value))
    }
}

/// A deterministic parallel-for over an index range.
public enum ParallelFor {
    /// Splits `0..<count` into at most `KernelThreads.count` contiguous chunks of at least `minChunk`
    /// indices and calls `body` once per chunk, concurrently (`DispatchQueue.concurrentPerform`).
    ///
    /// Chunk boundaries (`bounds(_:chunks:count:)`) depend only on `count`, `minChunk` and the thread
    /// count. `body` must write disjoint outputs for disjoint ranges. Runs inline when one chunk suffices.
    @inlinable
    public static func run(_ count: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = chunkCount(count, minChunk: minChunk)
        if chunks <= 1 {
            body(0..<count)
            return
        }
        // `body` is only used during this call and must write disjoint outputs per chunk (documented
        // contract), which is what makes sharing it across the worker threads sound.
        withoutActuallyEscaping(body) { escapable in
            let shared = UncheckedSendableBox(escapable)
            DispatchQueue.concurrentPerform(iterations: chunks) { i in
                shared.value(bounds(i, chunks: chunks, count: count))
            }
        }
    }

    /// Number of chunks `run` will use for `count` items.
    @inlinable
    public static func chunkCount(_ count: Int, minChunk: Int) -> Int {
        let byWork = max(1, count / max(1, minChunk))
        return max(1, min(KernelThreads.count, byWork, count))
    }

    /// Index range of chunk `i` of `chunks` over `0..<count`: the first `count % chunks` chunks get one
    /// extra index.
    @inlinable
    public static func bounds(_ i: Int, chunks: Int, count: Int) -> Range<Int> {
        let base = count / chunks, rem = count % chunks
        return (base * i + min(i, rem))..<(base * (i + 1) + min(i + 1, rem))
    }
}

/// Wraps a value that is shared across `concurrentPerform` workers under the disjoint-write contract of
/// `ParallelFor.run`.
@usableFromInline
struct UncheckedSendableBox<Value>: @unchecked Sendable {
    @usableFromInline let value: Value
    @inlinable init(_ value: Value) { self.value = value }
}
