/// The element type of a ``NumPyArray``: the subset of NumPy dtypes this module reads and writes.
///
/// Mapping to NumPy `descr` strings (the `.npy` header's `'descr'` value, see ``descr``):
///
/// | case | NumPy | descr written | descr also read |
/// |---|---|---|---|
/// | `bool` | `np.bool_` | `\|b1` | `?`, `<b1`, `=b1`, `>b1` |
/// | `int8`/`int16`/`int32`/`int64` | `np.int8`… | `\|i1`, `<i2`, `<i4`, `<i8` | `=`, `>` byte orders |
/// | `uint8`/`uint16`/`uint32`/`uint64` | `np.uint8`… | `\|u1`, `<u2`, `<u4`, `<u8` | `=`, `>` byte orders |
/// | `float16`/`float32`/`float64` | `np.float16`… | `<f2`, `<f4`, `<f8` | `=`, `>` byte orders |
/// | `complex64`/`complex128` | `np.complex64`… | `<c8`, `<c16` | `=`, `>` byte orders |
/// | `unicode(length: n)` | `np.str_` of n chars (UTF-32) | `<Un` | `=Un`, `>Un` |
/// | `bytes(length: n)` | `np.bytes_` of n bytes | `\|Sn` | `Sn`, `\|an` |
///
/// Not supported (reading throws ``DataError``): object arrays `|O` (pickles, kind
/// ``DataError/Kind/objectArray``), structured dtypes (a list as descr), void `V`,
/// datetime `M8`/`m8`, long double `f16`/`g`, and sizes not listed above
/// (kind ``DataError/Kind/unsupportedDType``).
///
/// In memory, data is always little-endian; big-endian files are byte-swapped on read.
public enum NumPyDType: Sendable, Hashable, CustomStringConvertible {
    /// `np.bool_`: one byte per element, 0 = false, nonzero = true (`|b1`).
    case bool
    /// `np.int8` (`|i1`).
    case int8
    /// `np.int16` (`<i2`).
    case int16
    /// `np.int32` (`<i4`).
    case int32
    /// `np.int64` (`<i8`).
    case int64
    /// `np.uint8` (`|u1`).
    case uint8
    /// `np.uint16` (`<u2`).
    case uint16
    /// `np.uint32` (`<u4`).
    case uint32
    /// `np.uint64` (`<u8`).
    case uint64
    /// `np.float16`, IEEE 754 binary16 (`<f2`).
    case float16
    /// `np.float32` (`<f4`).
    case float32
    /// `np.float64` (`<f8`).
    case float64
    /// Two little-endian `float32` values (real, imaginary) per element.
    case complex64
    /// Two little-endian `float64` values (real, imaginary) per element.
    case complex128
    /// Fixed-width Unicode strings of `length` code points, stored as UTF-32LE, padded with NULs (`<U{length}`).
    case unicode(length: Int)
    /// Fixed-width byte strings of `length` bytes, padded with NULs (`|S{length}`).
    case bytes(length: Int)

    /// Bytes per element. For `unicode(length:)` this is `4 × length`.
    /// (Overflow of huge widths is rejected when the dtype is parsed.)
    public var itemSize: Int {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16, .float16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64, .complex64: return 8
        case .complex128: return 16
        case .unicode(let length): return length &* 4
        case .bytes(let length): return length
        }
    }

    /// The size of the unit that is byte-swapped when converting endianness (1 = never swapped).
    var swapUnit: Int {
        switch self {
        case .bool, .int8, .uint8, .bytes: return 1
        case .int16, .uint16, .float16: return 2
        case .int32, .uint32, .float32, .complex64, .unicode: return 4
        case .int64, .uint64, .float64, .complex128: return 8
        }
    }

    /// The little-endian NumPy `descr` string written to `.npy` headers, e.g. `<f4`, `|b1`, `<U5`, `|S3`.
    public var descr: String {
        switch self {
        case .bool: return "|b1"
        case .int8: return "|i1"
        case .int16: return "<i2"
        case .int32: return "<i4"
        case .int64: return "<i8"
        case .uint8: return "|u1"
        case .uint16: return "<u2"
        case .uint32: return "<u4"
        case .uint64: return "<u8"
        case .float16: return "<f2"
        case .float32: return "<f4"
        case .float64: return "<f8"
        case .complex64: return "<c8"
        case .complex128: return "<c16"
        case .unicode(let length): return "<U\(length)"
        case .bytes(let length): return "|S\(length)"
        }
    }

    /// Same as ``descr``.
    public var description: String { descr }

    /// Whether the dtype is one of the integer types (signed or unsigned, not bool).
    public var isInteger: Bool {
        switch self {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: return true
        default: return false
        }
    }

    /// Whether the dtype is `float16`, `float32` or `float64`.
    public var isFloatingPoint: Bool {
        switch self {
        case .float16, .float32, .float64: return true
        default: return false
        }
    }

    /// Parses a NumPy `descr` string such as `<f4`, `>i8`, `|b1`, `=u2`, `<U5`, `|S3`.
    ///
    /// - Parameter descr: the string value of the header's `'descr'` key.
    /// - Returns: the dtype and whether its data is stored big-endian (and so needs swapping).
    /// - Throws: ``DataError`` of kind ``DataError/Kind/objectArray`` for `|O`,
    ///   ``DataError/Kind/unsupportedDType`` for anything else not in the table above.
    public static func parse(descr: String) throws -> (dtype: NumPyDType, bigEndian: Bool) {
        var rest = Substring(descr)
        var bigEndian = false
        var explicitOrder: Character?
        if let first = rest.first, "<>=|".contains(first) {
            explicitOrder = first
            bigEndian = first == ">" || (first == "=" && !hostIsLittleEndian)
            rest = rest.dropFirst()
        }
        guard let kindChar = rest.first else {
            throw DataError(.unsupportedDType, "empty dtype descr '\(descr)'")
        }
        let sizeText = rest.dropFirst()
        func size() throws -> Int {
            guard !sizeText.isEmpty, sizeText.count <= 12, sizeText.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(sizeText) else {
                throw DataError(.unsupportedDType, "dtype descr '\(descr)' has no valid item size")
            }
            return value
        }
        let dtype: NumPyDType
        switch kindChar {
        case "O":
            throw DataError(.objectArray,
                            "dtype '\(descr)' is an object array (Python pickles); refusing to load it")
        case "?":
            guard sizeText.isEmpty else { throw unsupported(descr) }
            dtype = .bool
        case "b":
            guard try size() == 1 else { throw unsupported(descr) }
            dtype = .bool
        case "i":
            switch try size() {
            case 1: dtype = .int8
            case 2: dtype = .int16
            case 4: dtype = .int32
            case 8: dtype = .int64
            default: throw unsupported(descr)
            }
        case "u":
            switch try size() {
            case 1: dtype = .uint8
            case 2: dtype = .uint16
            case 4: dtype = .uint32
            case 8: dtype = .uint64
            default: throw unsupported(descr)
            }
        case "f":
            switch try size() {
            case 2: dtype = .float16
            case 4: dtype = .float32
            case 8: dtype = .float64
            default: throw unsupported(descr)
            }
        case "c":
            switch try size() {
            case 8: dtype = .complex64
            case 16: dtype = .complex128
            default: throw unsupported(descr)
            }
        case "U":
            let length = try size()
            guard length <= Int.max / 4 else {
                throw DataError(.sizeOverflow, "dtype '\(descr)' item size overflows")
            }
            dtype = .unicode(length: length)
        case "S", "a":
            dtype = .bytes(length: try size())
        default:
            throw unsupported(descr)
        }
        if dtype.swapUnit == 1 {
            bigEndian = false
        } else if explicitOrder == "|" {
            throw DataError(.unsupportedDType, "dtype descr '\(descr)' needs a byte order, not '|'")
        }
        return (dtype, bigEndian)
    }

    private static func unsupported(_ descr: String) -> DataError {
        DataError(.unsupportedDType, "unsupported dtype descr '\(descr)'")
    }

    static var hostIsLittleEndian: Bool { 1.littleEndian == 1 }
}
