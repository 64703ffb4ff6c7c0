import AbridgeSupport
import CProtobufC
#if canImport(Glibc)
import Glibc
#endif

/// A `ProtobufCBuffer` that streams `pack_to_buffer` output to a file descriptor: small pieces
/// are staged in a 1 MiB buffer, pieces of 64 KiB or more go straight to `write(2)` from their
/// source memory (so a mapped tensor is never copied in user space).
final class FileSink {
    private static let stagingSize = 1 << 20
    private static let directThreshold = 1 << 16
    let fd: Int32
    let path: String
    private let staging: UnsafeMutableRawPointer
    private var used = 0
    /// Bytes written so far (including staged ones).
    private(set) var total = 0
    /// The first write error, if any (later appends are ignored).
    private(set) var error: Error?
    /// The C buffer object: a `ProtobufCBuffer` followed by a pointer to this sink.
    let buffer: UnsafeMutablePointer<ProtobufCBuffer>
    private let rawBuffer: UnsafeMutableRawPointer

    init(fd: Int32, path: String) {
        self.fd = fd; self.path = path
        staging = UnsafeMutableRawPointer.allocate(byteCount: FileSink.stagingSize, alignment: 64)
        let headerSize = MemoryLayout<ProtobufCBuffer>.stride
        rawBuffer = UnsafeMutableRawPointer.allocate(byteCount: headerSize + MemoryLayout<UnsafeRawPointer>.stride,
                                                     alignment: MemoryLayout<ProtobufCBuffer>.alignment)
        buffer = rawBuffer.bindMemory(to: ProtobufCBuffer.self, capacity: 1)
        buffer.initialize(to: ProtobufCBuffer(append: { buf, len, data in
            guard let buf, let data, len > 0 else { return }
            let slot = UnsafeMutableRawPointer(buf) + MemoryLayout<ProtobufCBuffer>.stride
            let sink = Unmanaged<FileSink>.fromOpaque(slot.load(as: UnsafeRawPointer.self)).takeUnretainedValue()
            sink.append(UnsafeRawBufferPointer(start: data, count: len))
        }))
        (rawBuffer + headerSize).storeBytes(of: UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque()), as: UnsafeRawPointer.self)
    }

    deinit {
        staging.deallocate()
        rawBuffer.deallocate()
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard error == nil else { return }
        total += bytes.count
        do {
            if bytes.count >= FileSink.directThreshold {
                try flush()
                try AtomicFile.writeAll(fd: fd, bytes, path: path)
            } else {
                if used + bytes.count > FileSink.stagingSize { try flush() }
                (staging + used).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
                used += bytes.count
            }
        } catch { self.error = error }
    }

    /// Writes the staged bytes.
    func flush() throws {
        if let error { throw error }
        guard used > 0 else { return }
        try AtomicFile.writeAll(fd: fd, UnsafeRawBufferPointer(start: staging, count: used), path: path)
        used = 0
    }
}
