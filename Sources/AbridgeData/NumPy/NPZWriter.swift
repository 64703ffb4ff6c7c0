import Foundation
import ZIPFoundation

/// Writes `.npz` files like `numpy.savez` (members stored) or `numpy.savez_compressed`
/// (members deflated): one `KEY.npy` member per array, encoded by ``NPYWriter``.
///
/// Writing is atomic: the archive is built in a temporary file in the destination folder, flushed,
/// and renamed over the destination. If anything fails the temporary file is removed and an
/// existing file at the destination is left untouched.
public enum NPZWriter {
    /// Writes `arrays` in the given order.
    ///
    /// - Parameters:
    ///   - arrays: key/array pairs; keys must be non-empty, unique and contain no NUL character.
    ///   - url: the destination `.npz` file (replaced if it exists).
    ///   - compressed: `false` (default) stores members like `np.savez`; `true` deflates them
    ///     like `np.savez_compressed`.
    /// - Throws: ``DataError`` of kind ``DataError/Kind/invalidArgument`` for a bad or duplicate key
    ///   or an invalid array, ``DataError/Kind/io`` if the file cannot be written.
    public static func write(_ arrays: [(key: String, array: NumPyArray)], to url: URL,
                             compressed: Bool = false) throws {
        var seen: Set<String> = []
        var members: [(name: String, bytes: [UInt8])] = []
        for (key, array) in arrays {
            guard !key.isEmpty, !key.unicodeScalars.contains("\0") else {
                throw DataError(.invalidArgument, "invalid key '\(key)': keys must be non-empty and contain no NUL",
                                file: url.path)
            }
            guard seen.insert(key).inserted else {
                throw DataError(.invalidArgument, "duplicate key '\(key)'", file: url.path)
            }
            do {
                members.append((key + ".npy", try NPYWriter.encode(array)))
            } catch let error as DataError {
                throw error.located(file: url.path, member: key + ".npy")
            }
        }
        try AtomicReplacement.write(to: url) { temporary in
            try writeArchive(members, to: temporary, compressed: compressed)
        }
    }

    /// Writes `arrays` with keys in sorted order.
    /// - Throws: as ``write(_:to:compressed:)-([(key:String,array:NumPyArray)],_,_)``.
    public static func write(_ arrays: [String: NumPyArray], to url: URL, compressed: Bool = false) throws {
        try write(arrays.sorted { $0.key < $1.key }.map { (key: $0.key, array: $0.value) }, to: url,
                  compressed: compressed)
    }

    /// Builds the archive; it is closed when this function returns (ZIPFoundation closes on deinit).
    private static func writeArchive(_ members: [(name: String, bytes: [UInt8])], to url: URL,
                                     compressed: Bool) throws {
        let archive = try Archive(url: url, accessMode: .create)
        for member in members {
            let bytes = member.bytes
            try archive.addEntry(with: member.name, type: .file, uncompressedSize: Int64(bytes.count),
                                 compressionMethod: compressed ? .deflate : .none,
                                 provider: { position, size in
                let start = Int(position)
                return Data(bytes[start..<min(bytes.count, start + size)])
            })
        }
    }
}
