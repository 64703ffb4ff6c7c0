/// An error raised while reading, writing or converting NumPy data.
///
/// Every error says *what* went wrong (``kind`` and ``message``) and *where*: the file
/// (``file``), the `.npz` member (``member``) and, where it helps, the byte offset
/// (``offset``) inside the `.npy` stream. Its ``description`` joins them into one line, e.g.
///
///     data.npz: member 'x.npy': byte 10: header dict has no key 'shape'
///
/// Errors raised on in-memory values (for example a typed accessor called on the wrong
/// dtype) have no file.
public struct DataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The category of a ``DataError``. Tests and callers match on this; the message is for people.
    public enum Kind: Sendable, Equatable, Hashable {
        /// The file could not be opened, read, written or renamed.
        case io
        /// The file does not start with the `.npy` magic string `\x93NUMPY`.
        case badMagic
        /// The `.npy` format version is not 1.0, 2.0 or 3.0.
        case unsupportedVersion
        /// The header is not a well-formed `{'descr': …, 'fortran_order': …, 'shape': …}` dict.
        case malformedHeader
        /// The dtype is valid NumPy but not supported here (structured, datetime, void, long double, …).
        case unsupportedDType
        /// The dtype is `|O` (pickled Python objects). These are refused and never unpickled.
        case objectArray
        /// The shape has a negative extent or too many dimensions.
        case invalidShape
        /// The element count or byte count of the shape does not fit in `Int`.
        case sizeOverflow
        /// The data ends before the byte count that the header's shape and dtype require.
        case truncated
        /// Bytes follow the array data.
        case trailingBytes
        /// The `.npz` file is not a readable zip archive, or a member is damaged (CRC, deflate stream).
        case badArchive
        /// An `.npz` member's declared size disagrees with the size its `.npy` header implies
        /// (zip-bomb guard).
        case sizeMismatch
        /// The requested `.npz` key does not exist.
        case keyNotFound
        /// A typed accessor was called on an array whose dtype it cannot convert exactly.
        case typeMismatch
        /// A value cannot be represented in the requested type (integer out of range, invalid code point).
        case valueOutOfRange
        /// An argument passed to a constructor or writer is invalid (shape/data mismatch, bad key).
        case invalidArgument
    }

    /// What went wrong, as a category.
    public var kind: Kind
    /// A human-readable explanation of what is wrong.
    public var message: String
    /// The path of the file involved, if any.
    public var file: String?
    /// The `.npz` member name (for example `x.npy`), if the error is inside an archive.
    public var member: String?
    /// The byte offset inside the `.npy` stream where the problem was found, if known.
    public var offset: Int?

    /// Creates an error. Usually produced by the readers and writers of this module.
    public init(_ kind: Kind, _ message: String, file: String? = nil, member: String? = nil, offset: Int? = nil) {
        self.kind = kind
        self.message = message
        self.file = file
        self.member = member
        self.offset = offset
    }

    /// One line: `file: member 'm': byte N: message` (parts that are unknown are left out).
    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let member { parts.append("member '\(member)'") }
        if let offset { parts.append("byte \(offset)") }
        parts.append(message)
        return parts.joined(separator: ": ")
    }

    /// Returns a copy with the file and member filled in where they are still unknown.
    func located(file: String?, member: String?) -> DataError {
        var copy = self
        if copy.file == nil { copy.file = file }
        if copy.member == nil { copy.member = member }
        return copy
    }
}
