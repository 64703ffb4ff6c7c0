import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Atomic replacement of a file: write a temporary sibling, flush it, rename it over the target.
enum AtomicReplacement {
    /// Calls `body` with a fresh temporary path in `url`'s folder, then renames it to `url`.
    /// The temporary file is removed if `body` or the rename fails.
    static func write(to url: URL, _ body: (URL) throws -> Void) throws {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        do {
            try body(temporary)
            try synchronize(temporary)
            guard rename(temporary.path, url.path) == 0 else {
                let reason = String(cString: strerror(errno))
                throw DataError(.io, "cannot rename the temporary file into place: \(reason)", file: url.path)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let dataError = error as? DataError {
                throw dataError.located(file: url.path, member: nil)
            }
            throw DataError(.io, "cannot write file: \(error.localizedDescription)", file: url.path)
        }
    }

    /// Flushes the file's contents to stable storage before it is renamed into place.
    private static func synchronize(_ url: URL) throws {
        let handle = try FileHandle(forUpdating: url)
        defer { try? handle.close() }
        try handle.synchronize()
    }
}
