/// The parsed header of a `.npy` stream.
///
/// Format reference: NumPy NEP 1 and `numpy.lib.format`. A `.npy` stream is
///
/// 1. the magic string `\x93NUMPY` (6 bytes),
/// 2. the format version, major and minor (2 bytes: 1.0, 2.0 or 3.0),
/// 3. the header length `HLEN`, little-endian: `UInt16` for 1.0, `UInt32` for 2.0 and 3.0,
/// 4. `HLEN` bytes of header: a Python dict literal
///    `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and
///    ended by `\n` (Latin-1 for 1.0/2.0, UTF-8 for 3.0),
/// 5. the raw array data: `product(shape) × itemsize` bytes, C or Fortran order.
public struct NPYHeader: Sendable, Equatable {
    /// The format version, `(major, minor)`: `(1, 0)`, `(2, 0)` or `(3, 0)`.
    public var version: (major: UInt8, minor: UInt8) {
        get { (versionMajor, versionMinor) }
        set { versionMajor = newValue.major; versionMinor = newValue.minor }
    }
    private var versionMajor: UInt8
    private var versionMinor: UInt8
    /// The element type (always little-endian in memory).
    public var dtype: NumPyDType
    /// Whether the stored data is big-endian and must be byte-swapped.
    public var bigEndian: Bool
    /// Whether the stored data is in Fortran (column-major) order.
    public var fortranOrder: Bool
    /// The array shape; `[]` for a 0-d scalar.
    public var shape: [Int]
    /// Offset of the first data byte from the start of the stream (magic + version + length + header).
    public var dataOffset: Int
    /// Number of data bytes the header implies: `product(shape) × dtype.itemSize` (overflow-checked).
    public var dataByteCount: Int

    /// The 6-byte magic string that starts every `.npy` stream.
    public static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    /// Largest header accepted on read (NumPy itself refuses headers over 10 000 bytes by default).
    public static let maximumHeaderLength = 65_536
    /// Largest number of dimensions accepted (NumPy's own limit is 64).
    public static let maximumRank = 64

    /// Headers are equal when every field, including the version, is equal.
    public static func == (lhs: NPYHeader, rhs: NPYHeader) -> Bool {
        lhs.versionMajor == rhs.versionMajor && lhs.versionMinor == rhs.versionMinor && lhs.dtype == rhs.dtype
            && lhs.bigEndian == rhs.bigEndian && lhs.fortranOrder == rhs.fortranOrder && lhs.shape == rhs.shape
            && lhs.dataOffset == rhs.dataOffset && lhs.dataByteCount == rhs.dataByteCount
    }

    /// Parses the header at the start of `bytes`.
    ///
    /// Only the header is examined; `bytes` may hold more or less than the data.
    /// - Throws: ``DataError`` (without file or member; callers add them) of kinds
    ///   ``DataError/Kind/badMagic``, ``DataError/Kind/unsupportedVersion``,
    ///   ``DataError/Kind/truncated``, ``DataError/Kind/malformedHeader``,
    ///   ``DataError/Kind/unsupportedDType``, ``DataError/Kind/objectArray``,
    ///   ``DataError/Kind/invalidShape``, ``DataError/Kind/sizeOverflow``.
    public static func parse(_ bytes: [UInt8]) throws -> NPYHeader {
        try bytes.withUnsafeBytes { try parse($0) }
    }

    static func parse(_ bytes: UnsafeRawBufferPointer) throws -> NPYHeader {
        let magicCount = magic.count
        guard bytes.count >= magicCount else {
            throw DataError(.truncated, "file is \(bytes.count) bytes, too short for the .npy magic string",
                            offset: 0)
        }
        for index in 0..<magicCount where bytes[index] != magic[index] {
            throw DataError(.badMagic, "not a .npy file: the magic string \\x93NUMPY is missing", offset: index)
        }
        guard bytes.count >= 8 else {
            throw DataError(.truncated, "file ends inside the format version", offset: bytes.count)
        }
        let major = bytes[6], minor = bytes[7]
        guard (major == 1 || major == 2 || major == 3) && minor == 0 else {
            throw DataError(.unsupportedVersion,
                            "unsupported .npy format version \(major).\(minor) (supported: 1.0, 2.0, 3.0)",
                            offset: 6)
        }
        let lengthFieldSize = major == 1 ? 2 : 4
        let prefix = 8 + lengthFieldSize
        guard bytes.count >= prefix else {
            throw DataError(.truncated, "file ends inside the header length field", offset: bytes.count)
        }
        var headerLength = 0
        for index in (0..<lengthFieldSize).reversed() {
            headerLength = headerLength << 8 | Int(bytes[8 + index])
        }
        guard headerLength <= maximumHeaderLength else {
            throw DataError(.malformedHeader,
                            "header length \(headerLength) exceeds the limit of \(maximumHeaderLength) bytes",
                            offset: 8)
        }
        guard bytes.count - prefix >= headerLength else {
            throw DataError(.truncated,
                            "header claims \(headerLength) bytes but only \(bytes.count - prefix) remain",
                            offset: bytes.count)
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[prefix..<(prefix + headerLength)])
        let text: String
        if major == 3 {
            guard let decoded = String(validating: headerBytes, as: UTF8.self) else {
                throw DataError(.malformedHeader, "version 3.0 header is not valid UTF-8", offset: prefix)
            }
            text = decoded
        } else {
            // Latin-1: every byte is the code point of the same value.
            text = String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))
        }
        var parser = HeaderDictParser(text: text, baseOffset: prefix)
        let dict = try parser.parseHeader()
        return try make(from: dict, major: major, minor: minor, dataOffset: prefix + headerLength,
                        headerOffset: prefix)
    }

    private static func make(from dict: [String: HeaderValue], major: UInt8, minor: UInt8, dataOffset: Int,
                             headerOffset: Int) throws -> NPYHeader {
        let expected: Set<String> = ["descr", "fortran_order", "shape"]
        let keys = Set(dict.keys)
        for key in expected.sorted() where !keys.contains(key) {
            throw DataError(.malformedHeader, "header dict has no key '\(key)'", offset: headerOffset)
        }
        if let extra = keys.subtracting(expected).sorted().first {
            throw DataError(.malformedHeader, "header dict has unexpected key '\(extra)'", offset: headerOffset)
        }
        let dtype: NumPyDType, bigEndian: Bool
        switch dict["descr"] {
        case .string(let descr)?:
            (dtype, bigEndian) = try NumPyDType.parse(descr: descr)
        case .list?, .tuple?:
            throw DataError(.unsupportedDType, "structured dtypes (a list as 'descr') are not supported",
                            offset: headerOffset)
        default:
            throw DataError(.malformedHeader, "'descr' is not a string", offset: headerOffset)
        }
        guard case .bool(let fortranOrder)? = dict["fortran_order"] else {
            throw DataError(.malformedHeader, "'fortran_order' is not True or False", offset: headerOffset)
        }
        guard case .tuple(let items)? = dict["shape"] else {
            throw DataError(.malformedHeader, "'shape' is not a tuple", offset: headerOffset)
        }
        guard items.count <= maximumRank else {
            throw DataError(.invalidShape, "shape has \(items.count) dimensions (limit \(maximumRank))",
                            offset: headerOffset)
        }
        var shape: [Int] = []
        for item in items {
            guard case .int(let extent) = item else {
                throw DataError(.malformedHeader, "'shape' contains a non-integer", offset: headerOffset)
            }
            guard extent >= 0 else {
                throw DataError(.invalidShape, "shape \(describe(items)) has a negative extent \(extent)",
                                offset: headerOffset)
            }
            shape.append(extent)
        }
        let count: Int
        do {
            count = try NumPyArray.elementCount(of: shape)
        } catch {
            throw DataError(.sizeOverflow, "element count of shape \(describe(items)) overflows",
                            offset: headerOffset)
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow else {
            throw DataError(.sizeOverflow,
                            "byte count of shape \(describe(items)) × item size \(dtype.itemSize) overflows",
                            offset: headerOffset)
        }
        return NPYHeader(versionMajor: major, versionMinor: minor, dtype: dtype, bigEndian: bigEndian,
                         fortranOrder: fortranOrder, shape: shape, dataOffset: dataOffset,
                         dataByteCount: byteCount)
    }

    private static func describe(_ items: [HeaderValue]) -> String {
        let parts = items.map { item -> String in
            if case .int(let value) = item { return String(value) }
            return "?"
        }
        return parts.count == 1 ? "(\(parts[0]),)" : "(\(parts.joined(separator: ", ")))"
    }
}

/// A value of the Python literal subset used in `.npy` headers.
enum HeaderValue: Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case none
    case tuple([HeaderValue])
    case list([HeaderValue])
}

/// A strict parser for the Python dict literal in a `.npy` header.
///
/// Accepts: a dict with string keys; values that are strings (single or double quoted, simple
/// escapes), integers (optionally with a Python 2 `L` suffix), `True`, `False`, `None`, tuples
/// and lists (nested at most 16 deep); any whitespace; trailing commas. After the closing brace
/// only whitespace may follow. Duplicate keys are rejected.
struct HeaderDictParser {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private let baseOffset: Int
    private static let maximumDepth = 16

    init(text: String, baseOffset: Int) {
        scalars = Array(text.unicodeScalars)
        self.baseOffset = baseOffset
    }

    private func error(_ message: String) -> DataError {
        // For Latin-1 headers, scalar index == byte index; for UTF-8 it is an approximation.
        DataError(.malformedHeader, "header dict: \(message)", offset: baseOffset + position)
    }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private mutating func skipWhitespace() {
        while let scalar = current, scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
            position += 1
        }
    }

    private mutating func expect(_ scalar: Unicode.Scalar) throws {
        skipWhitespace()
        guard current == scalar else {
            throw error("expected '\(scalar)' but found \(currentDescription)")
        }
        position += 1
    }

    private var currentDescription: String {
        guard let scalar = current else { return "end of header" }
        return "'\(String(Character(scalar)).debugDescription.dropFirst().dropLast())'"
    }

    mutating func parseHeader() throws -> [String: HeaderValue] {
        try expect("{")
        var dict: [String: HeaderValue] = [:]
        while true {
            skipWhitespace()
            if current == "}" { position += 1; break }
            let keyPosition = position
            guard case .string(let key) = try parseValue(depth: 1) else {
                position = keyPosition
                throw error("dict key is not a string")
            }
            try expect(":")
            let value = try parseValue(depth: 1)
            guard dict[key] == nil else {
                position = keyPosition
                throw error("duplicate key '\(key)'")
            }
            dict[key] = value
            skipWhitespace()
            if current == "," { position += 1; continue }
            if current == "}" { position += 1; break }
            throw error("expected ',' or '}' but found \(currentDescription)")
        }
        skipWhitespace()
        // NumPy pads with spaces and a final newline; a NUL padding is tolerated too.
        while current == "\0" { position += 1; skipWhitespace() }
        guard current == nil else { throw error("unexpected \(currentDescription) after the closing '}'") }
        return dict
    }

    private mutating func parseValue(depth: Int) throws -> HeaderValue {
        guard depth <= Self.maximumDepth else { throw error("values nested too deeply") }
        skipWhitespace()
        guard let scalar = current else { throw error("expected a value but found end of header") }
        switch scalar {
        case "'", "\"": return .string(try parseString())
        case "(":
            let (items, hadComma) = try parseSequence(close: ")", depth: depth)
            // `(5)` is just the integer 5 in Python, not a tuple.
            if items.count == 1 && !hadComma { return items[0] }
            return .tuple(items)
        case "[": return .list(try parseSequence(close: "]", depth: depth).items)
        case "-", "+", "0"..."9": return .int(try parseInt())
        default:
            let start = position
            while let next = current, next.properties.isAlphabetic || next == "_" { position += 1 }
            let word = String(String.UnicodeScalarView(scalars[start..<position]))
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            default:
                position = start
                throw error("unexpected \(word.isEmpty ? currentDescription : "'\(word)'")")
            }
        }
    }

    private mutating func parseSequence(close: Unicode.Scalar, depth: Int) throws
        -> (items: [HeaderValue], hadComma: Bool) {
        position += 1  // opening bracket
        var items: [HeaderValue] = []
        var hadComma = false
        while true {
            skipWhitespace()
            if current == close { position += 1; return (items, hadComma) }
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if current == "," { position += 1; hadComma = true; continue }
            if current == close { position += 1; return (items, hadComma) }
            throw error("expected ',' or '\(close)' but found \(currentDescription)")
        }
    }

    private mutating func parseInt() throws -> Int {
        let start = position
        var negative = false
        if current == "-" || current == "+" {
            negative = current == "-"
            position += 1
        }
        var value = 0
        var digits = 0
        while let scalar = current, scalar.isASCII, ("0"..."9").contains(scalar) {
            let digit = Int(scalar.value - 48)
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = negative ? times10.subtractingReportingOverflow(digit)
                                            : times10.addingReportingOverflow(digit)
            guard !overflow1 && !overflow2 else {
                position = start
                throw DataError(.sizeOverflow, "header dict: integer does not fit in 64 bits",
                                offset: baseOffset + start)
            }
            value = sum
            digits += 1
            position += 1
        }
        guard digits > 0 else {
            position = start
            throw error("malformed integer")
        }
        if current == "L" || current == "l" { position += 1 }  // Python 2 long suffix
        return value
    }

    private mutating func parseString() throws -> String {
        guard let quote = current else { throw error("expected a string") }
        position += 1
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = current else { throw error("unterminated string") }
            position += 1
            if scalar == quote { break }
            if scalar == "\n" { throw error("newline inside a string") }
            if scalar == "\\" {
                guard let escaped = current else { throw error("unterminated string") }
                position += 1
                switch escaped {
                case "\\", "'", "\"": result.append(escaped)
                case "n": result.append("\n")
                case "t": result.append("\t")
                default: throw error("unsupported escape '\\\(escaped)' in a string")
                }
                continue
            }
            result.append(scalar)
        }
        return String(result)
    }
}
