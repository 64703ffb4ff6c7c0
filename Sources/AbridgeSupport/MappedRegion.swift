#if canImport(Glibc)
import Glibc
#endif

/// A read-only, memory-mapped byte range of a file, unmapped when the last reference goes away.
///
/// Mapping is `PROT_READ`, `MAP_PRIVATE`; the bytes are never written. If another process truncates
/// the file while it is mapped, reading the lost pages raises SIGBUS; `abridge` never truncates
/// a file it has mapped (outputs are written to a new file and renamed).
public final class MappedRegion: @unchecked Sendable {
    /// The mapped bytes (exactly the requested range; empty for an empty range).
    public let bytes: UnsafeRawBufferPointer
    private let mapBase: UnsafeMutableRawPointer?
    private let mapLength: Int

    /// Maps `length` bytes of the open file `fd` starting at `offset` (any offset: the mapping
    /// starts at the page boundary below it).
    /// - Throws: `SupportError.io` when `mmap` fails.
    public init(fd: Int32, offset: Int, length: Int, path: String) throws {
        guard length > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0); mapBase = nil; mapLength = 0; return
        }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let aligned = offset - offset % page
        let delta = offset - aligned
        let (total, overflow) = length.addingReportingOverflow(delta)
        guard !overflow else { throw SupportError.invalid(path: path, reason: "mapping length overflows") }
        let p = mmap(nil, total, PROT_READ, MAP_PRIVATE, fd, off_t(aligned))
        guard let p, p != MAP_FAILED else {
            throw SupportError.io(path: path, reason: "cannot map \(length) bytes at offset \(offset): \(errnoText())")
        }
        _ = madvise(p, total, MADV_SEQUENTIAL)
        mapBase = p; mapLength = total
        bytes = UnsafeRawBufferPointer(start: p + delta, count: length)
    }

    /// Maps a whole regular file read-only.
    /// - Throws: `SupportError.notFound` (missing file), `.notRegularFile` (a directory or device),
    ///   `.io` for other open or map failures.
    public convenience init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw SupportError.notFound(path: path) }
            throw SupportError.unreadable(path: path, reason: errnoText())
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SupportError.unreadable(path: path, reason: errnoText()) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw SupportError.notRegularFile(path: path) }
        try self.init(fd: fd, offset: 0, length: Int(st.st_size), path: path)
    }

    deinit {
        if let mapBase { munmap(mapBase, mapLength) }
    }
}

/// The text of the current `errno`.
public func errnoText() -> String {
    String(cString: strerror(errno))
}
