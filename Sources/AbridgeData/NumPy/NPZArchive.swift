import Foundation
import ZIPFoundation

/// Reads `.npz` files: zip archives of `.npy` members as written by `numpy.savez` (stored) and
/// `numpy.savez_compressed` (deflated).
///
/// Keys are member names without the `.npy` suffix (`x.npy` → `x`). Members whose names do not
/// end in `.npy`, and directory entries, are ignored (NumPy does not load them as arrays either).
///
/// Untrusted input is checked strictly; every problem throws a ``DataError`` naming the file and
/// the member:
/// - the archive must be readable by ZIPFoundation and keys must be unique;
/// - zip-bomb guard: a member's declared uncompressed size must equal the size its `.npy` header
///   implies (header + `product(shape) × itemsize`), decompression stops with an error as soon as
///   it would exceed the declared size, and a deflated member may not declare more than deflate's
///   maximum expansion (1032:1) of its compressed size (``DataError/Kind/sizeMismatch``);
/// - the deflate stream must end within the member's compressed bytes and the CRC-32 must match
///   (``DataError/Kind/badArchive``);
/// - the `.npy` stream itself is checked as by ``NPYReader``.
///
/// An `NPZArchive` holds only the file's location and key list; each ``array(forKey:)`` call
/// opens the file and decodes one member, so a single array can be read lazily.
public struct NPZArchive: Sendable {
    /// The archive's location.
    public let url: URL
    /// The array keys, in archive order.
    public let keys: [String]

    /// Bytes read or inflated per step.
    static let chunkSize = 64 * 1024
    /// Deflate cannot expand data by more than about 1032:1.
    static let maximumDeflateRatio: UInt64 = 1032

    /// Opens the `.npz` file at `url` and lists its keys (no array data is decoded).
    /// - Throws: ``DataError`` of kind ``DataError/Kind/io`` if the file cannot be read,
    ///   ``DataError/Kind/badArchive`` if it is not a zip archive or two members map to the same key.
    public init(contentsOf url: URL) throws {
        self.url = url
        let archive = try Self.open(url)
        var keys: [String] = []
        var seen: Set<String> = []
        for entry in archive {
            guard let key = Self.key(for: entry) else { continue }
            guard seen.insert(key).inserted else {
                throw DataError(.badArchive, "two members are named '\(entry.path)'", file: url.path, member: entry.path)
            }
            keys.append(key)
        }
        self.keys = keys
    }

    /// Reads all arrays of the `.npz` file at `url`.
    /// - Throws: ``DataError`` as ``init(contentsOf:)`` and ``array(forKey:)``.
    public static func readAll(contentsOf url: URL) throws -> [String: NumPyArray] {
        try NPZArchive(contentsOf: url).arrays()
    }

    /// Decodes every array in the archive, keyed as ``keys``.
    /// - Throws: ``DataError`` for the first member that fails (see the type documentation).
    public func arrays() throws -> [String: NumPyArray] {
        let archive = try Self.open(url)
        var result: [String: NumPyArray] = [:]
        for entry in archive {
            guard let key = Self.key(for: entry) else { continue }
            result[key] = try Self.readMember(entry, in: archive, url: url)
        }
        guard result.count == keys.count else {
            throw DataError(.badArchive, "the archive changed while it was being read", file: url.path)
        }
        return result
    }

    /// Decodes the array stored under `key` (member `key.npy`), reading only that member.
    /// - Throws: ``DataError`` of kind ``DataError/Kind/keyNotFound`` if there is no such key, or
    ///   any of the member errors in the type documentation.
    public func array(forKey key: String) throws -> NumPyArray {
        let archive = try Self.open(url)
        let memberName = key + ".npy"
        guard keys.contains(key), let entry = archive[memberName] else {
            let known = keys.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
            throw DataError(.keyNotFound, "no array named '\(key)' (keys: \(known)\(keys.count > 20 ? ", …" : ""))",
                            file: url.path)
        }
        return try Self.readMember(entry, in: archive, url: url)
    }

    // MARK: - Internals

    private static func key(for entry: Entry) -> String? {
        guard entry.type != .directory, entry.path.hasSuffix(".npy") else { return nil }
        return String(entry.path.dropLast(4))
    }

    private static func open(_ url: URL) throws -> Archive {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
              FileManager.default.isReadableFile(atPath: url.path) else {
            throw DataError(.io, "cannot read file: it does not exist or is not a readable file", file: url.path)
        }
        do {
            return try Archive(url: url, accessMode: .read)
        } catch {
            throw DataError(.badArchive, "not a readable zip archive (\(error))", file: url.path)
        }
    }

    /// Reads, checks and decodes one member.
    static func readMember(_ entry: Entry, in archive: Archive, url: URL) throws -> NumPyArray {
        let member = entry.path
        func failure(_ kind: DataError.Kind, _ message: String) -> DataError {
            DataError(kind, message, file: url.path, member: member)
        }
        guard entry.type == .file else { throw failure(.badArchive, "member is not a regular file") }
        let declared = entry.uncompressedSize
        guard declared <= UInt64(Int.max) else {
            throw failure(.sizeMismatch, "member declares an impossible uncompressed size \(declared)")
        }
        if entry.isCompressed {
            let (limit, overflow) = entry.compressedSize.multipliedReportingOverflow(by: maximumDeflateRatio)
            guard overflow || declared <= limit + 1024 else {
                throw failure(.sizeMismatch, "member declares \(declared) uncompressed bytes from "
                              + "\(entry.compressedSize) compressed bytes, more than deflate can produce")
            }
        } else if entry.compressedSize != declared {
            throw failure(.sizeMismatch, "stored member declares \(declared) uncompressed but "
                          + "\(entry.compressedSize) compressed bytes")
        }
        if let archiveSize = try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber,
           entry.compressedSize > archiveSize.uint64Value {
            throw failure(.truncated, "member declares \(entry.compressedSize) compressed bytes but the "
                          + "archive is only \(archiveSize.uint64Value) bytes")
        }
        var collector = MemberCollector(declaredSize: Int(declared))
        do {
            let checksum: CRC32
            if entry.isCompressed {
                checksum = try inflate(entry, url: url) { try collector.append($0) }
            } else {
                checksum = try archive.extract(entry, bufferSize: chunkSize, skipCRC32: false) {
                    try collector.append($0)
                }
            }
            try collector.finish()
            guard checksum == entry.checksum else {
                throw DataError(.badArchive, "CRC-32 mismatch: the member is corrupt "
                                + "(stored \(hex(entry.checksum)), computed \(hex(checksum)))")
            }
        } catch let error as DataError {
            throw error.located(file: url.path, member: member)
        } catch {
            throw failure(.badArchive, "cannot read member: \(error)")
        }
        return try collector.bytes.withUnsafeBytes { try NPYReader.decode($0, file: url.path, member: member) }
    }

    private static func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16) }

    /// Inflates a deflated member, reading exactly its compressed bytes.
    ///
    /// ZIPFoundation's own deflate reader keeps asking for input at the end of the file when a
    /// deflate stream never terminates, which spins forever on hostile input. Here the compressed
    /// bytes are served by a bounded provider: past the member's compressed size it supplies one
    /// zero-filled chunk (ZIPFoundation's Linux inflate loop always consumes a full buffer) and
    /// then throws, so a stream that does not end in its own bytes is an error, never a hang.
    private static func inflate(_ entry: Entry, url: URL, consumer: (Data) throws -> Void) throws -> CRC32 {
        guard let headerOffset = ZIPLocator.localHeaderOffset(of: entry) else {
            throw DataError(.badArchive, "cannot locate the member's local header")
        }
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw DataError(.io, "cannot open file: \(error.localizedDescription)")
        }
        defer { try? handle.close() }
        let fileSize = try handle.seekToEnd()
        guard headerOffset <= fileSize, fileSize - headerOffset >= 30 else {
            throw DataError(.badArchive, "local header offset \(headerOffset) is past the end of the file")
        }
        try handle.seek(toOffset: headerOffset)
        let header = [UInt8](try handle.read(upToCount: 30) ?? Data())
        func le(_ at: Int, _ count: Int) -> UInt64 {
            (0..<count).reversed().reduce(0) { $0 << 8 | UInt64(header[at + $1]) }
        }
        guard header.count == 30, le(0, 4) == 0x0403_4B50 else {
            throw DataError(.badArchive, "no local file header at offset \(headerOffset)")
        }
        guard le(8, 2) == 8 else {
            throw DataError(.badArchive, "compression method \(le(8, 2)) is not deflate")
        }
        let dataStart = headerOffset + 30 + le(26, 2) + le(28, 2)
        let compressedSize = entry.compressedSize
        guard dataStart <= fileSize, compressedSize <= fileSize - dataStart else {
            throw DataError(.truncated, "the member's \(compressedSize) compressed bytes run past the end of the file")
        }
        try handle.seek(toOffset: dataStart)
        var remaining = compressedSize
        var paddingServed = false
        return try Data.decompress(size: Int64(compressedSize), bufferSize: chunkSize, skipCRC32: false,
                                   provider: { _, requested -> Data in
            guard remaining > 0 else {
                guard !paddingServed else {
                    throw DataError(.badArchive, "deflate stream is truncated: it does not end within the "
                                    + "member's \(compressedSize) compressed bytes")
                }
                paddingServed = true
                return Data(count: requested)
            }
            let count = Int(min(UInt64(requested), remaining))
            var chunk = try handle.read(upToCount: count) ?? Data()
            guard chunk.count == count else {
                throw DataError(.truncated, "the member's compressed data ends early")
            }
            remaining -= UInt64(count)
            if count < requested {
                chunk.append(Data(count: requested - count))
                paddingServed = true
            }
            return chunk
        }, consumer: consumer)
    }
}

/// Accumulates a member's bytes, checking its `.npy` header against the declared size as soon
/// as the header is complete and refusing to grow past the declared size.
struct MemberCollector {
    let declaredSize: Int
    private(set) var bytes: [UInt8] = []
    private var headerChecked = false

    init(declaredSize: Int) {
        self.declaredSize = declaredSize
    }

    mutating func append(_ chunk: Data) throws {
        guard chunk.count <= declaredSize - bytes.count else {
            throw DataError(.sizeMismatch, "member inflates to more than its declared \(declaredSize) bytes")
        }
        if chunk.isEmpty && bytes.count < declaredSize {
            throw DataError(.truncated, "member data ends after \(bytes.count) of its declared \(declaredSize) bytes")
        }
        bytes.append(contentsOf: chunk)
        if !headerChecked { try checkHeader(final: false) }
    }

    mutating func finish() throws {
        if !headerChecked { try checkHeader(final: true) }
        guard bytes.count == declaredSize else {
            throw DataError(.truncated, "member data ends after \(bytes.count) of its declared \(declaredSize) bytes")
        }
    }

    private mutating func checkHeader(final: Bool) throws {
        let header: NPYHeader
        do {
            header = try NPYHeader.parse(bytes)
        } catch let error as DataError where error.kind == .truncated && !final && bytes.count < declaredSize {
            return  // wait for more bytes
        }
        let (implied, overflow) = header.dataOffset.addingReportingOverflow(header.dataByteCount)
        guard !overflow, implied == declaredSize else {
            throw DataError(.sizeMismatch,
                            "zip entry declares \(declaredSize) bytes but the .npy header (shape \(header.shape) "
                                + "of \(header.dtype)) implies \(overflow ? "more than Int.max" : String(implied))")
        }
        headerChecked = true
    }
}
