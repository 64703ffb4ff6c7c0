import CProtobufC
#if canImport(Glibc)
import Glibc
#endif

/// Owns every C allocation of an outgoing protobuf-c message tree; frees them all at once.
/// protobuf-c's `free_unpacked` is never called on such trees.
final class CArena {
    private var blocks: [UnsafeMutableRawPointer] = []

    /// Zeroed storage for `count` values of `T`.
    func allocate<T>(_ type: T.Type, count: Int = 1) -> UnsafeMutablePointer<T> {
        let n = Swift.max(count, 1) * MemoryLayout<T>.stride
        guard let raw = calloc(1, n) else { preconditionFailure("out of memory allocating \(n) bytes") }
        blocks.append(raw)
        return raw.bindMemory(to: T.self, capacity: Swift.max(count, 1))
    }

    /// A copy of `values` in arena memory (nil for an empty array).
    func array<T>(_ values: [T]) -> UnsafeMutablePointer<T>? {
        guard !values.isEmpty else { return nil }
        let p = allocate(T.self, count: values.count)
        _ = values.withUnsafeBufferPointer { src in memcpy(p, src.baseAddress!, MemoryLayout<T>.stride * values.count) }
        return p
    }

    /// Bytes as `ProtobufCBinaryData` (copied into the arena).
    func binary(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        ProtobufCBinaryData(len: bytes.count, data: array(bytes))
    }

    /// Bytes of `raw` as `ProtobufCBinaryData` without copying: the caller keeps them alive
    /// until the tree is packed.
    func borrowed(_ raw: UnsafeRawBufferPointer) -> ProtobufCBinaryData {
        ProtobufCBinaryData(len: raw.count, data: UnsafeMutablePointer(mutating: raw.baseAddress?.assumingMemoryBound(to: UInt8.self)))
    }

    /// A UTF-8 string as `ProtobufCBinaryData`.
    func binary(_ s: String) -> ProtobufCBinaryData { binary(Array(s.utf8)) }

    /// Sets an optional string field: returns (has, data).
    func optional(_ s: String?) -> (protobuf_c_boolean, ProtobufCBinaryData) {
        guard let s else { return (0, ProtobufCBinaryData(len: 0, data: nil)) }
        return (1, binary(s))
    }

    /// An array of message pointers.
    func pointers<T>(_ items: [UnsafeMutablePointer<T>]) -> UnsafeMutablePointer<UnsafeMutablePointer<T>?>? {
        guard !items.isEmpty else { return nil }
        let p = allocate(UnsafeMutablePointer<T>?.self, count: items.count)
        for (i, x) in items.enumerated() { p[i] = x }
        return p
    }

    deinit { for b in blocks { free(b) } }
}
