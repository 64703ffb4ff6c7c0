import CAbridgeSystem
#if canImport(Glibc)
import Glibc
#endif

/// Opens files named by untrusted relative paths (ONNX external-data `location`s) strictly
/// beneath a base folder.
///
/// Follows onnx's defence (docs/ExternalDataSecurity.md) and the CVE history behind it
/// (CVE-2022-25882, CVE-2024-27318, CVE-2026-27489/34446/34447): the path must be relative,
/// non-empty, free of NUL, backslashes and `..` components; it is opened with
/// `openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)` (or, on kernels before 5.6, component by
/// component with `O_NOFOLLOW`), so neither a symlinked file nor a symlinked folder can lead
/// outside; the result must be a regular file with exactly one hard link.
public enum ContainedFile {
    /// Opens `relativePath` beneath `directory` read-only.
    /// - Returns: the descriptor (caller closes) and the file size in bytes.
    /// - Throws: `SupportError.invalid` with the reason the path is refused, `.notFound`, or
    ///   `.unreadable`.
    public static func open(_ relativePath: String, beneath directory: String) throws -> (fd: Int32, size: Int) {
        let shown = "\(directory)/\(relativePath)"
        try validate(relativePath, shown: shown)
        let dirfd = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirfd >= 0 else { throw SupportError.unreadable(path: directory, reason: errnoText()) }
        defer { close(dirfd) }
        var fd = abridge_open_beneath(dirfd, relativePath)
        if fd < 0 && errno == ENOSYS { fd = try walk(dirfd, relativePath, shown: shown) }
        guard fd >= 0 else {
            switch errno {
            case ENOENT: throw SupportError.notFound(path: shown)
            case ELOOP, EXDEV: throw SupportError.invalid(path: shown, reason: "resolves through a symbolic link or outside the model's folder")
            default: throw SupportError.unreadable(path: shown, reason: errnoText())
            }
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else { close(fd); throw SupportError.unreadable(path: shown, reason: errnoText()) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { close(fd); throw SupportError.invalid(path: shown, reason: "is not a regular file") }
        guard st.st_nlink == 1 else {
            close(fd); throw SupportError.invalid(path: shown, reason: "has \(st.st_nlink) hard links; a hard-linked data file could be a file outside the model's folder")
        }
        return (fd, Int(st.st_size))
    }

    /// Checks the lexical form of a relative path.
    /// - Throws: `SupportError.invalid` naming the problem.
    public static func validate(_ path: String, shown: String) throws {
        if path.isEmpty { throw SupportError.invalid(path: shown, reason: "empty location") }
        if path.utf8.contains(0) { throw SupportError.invalid(path: shown, reason: "location contains a NUL byte") }
        if path.hasPrefix("/") { throw SupportError.invalid(path: shown, reason: "location is an absolute path") }
        if path.contains("\\") { throw SupportError.invalid(path: shown, reason: "location contains a backslash") }
        if path.count >= 2, path.dropFirst().first == ":" { throw SupportError.invalid(path: shown, reason: "location looks like a drive path") }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        if parts.contains("..") { throw SupportError.invalid(path: shown, reason: "location contains a '..' component") }
        if parts.isEmpty { throw SupportError.invalid(path: shown, reason: "location names no file") }
    }

    /// Fallback for kernels without openat2: open each component with O_NOFOLLOW.
    private static func walk(_ dirfd: Int32, _ path: String, shown: String) throws -> Int32 {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
        var current = dup(dirfd)
        for (i, part) in parts.enumerated() {
            let last = i == parts.count - 1
            let flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (last ? 0 : O_DIRECTORY)
            let next = openat(current, part, flags)
            close(current)
            if next < 0 { return -1 }
            current = next
        }
        return current
    }
}
