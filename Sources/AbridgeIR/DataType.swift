/// An ONNX tensor element type (`TensorProto.DataType`, onnx 1.23.2, IR version 13).
///
/// A struct over the raw enum number rather than a Swift enum, so that numbers this version does
/// not know survive a round trip unchanged.
public struct DataType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let undefined = DataType(rawValue: 0)
    public static let float = DataType(rawValue: 1)
    public static let uint8 = DataType(rawValue: 2)
    public static let int8 = DataType(rawValue: 3)
    public static let uint16 = DataType(rawValue: 4)
    public static let int16 = DataType(rawValue: 5)
    public static let int32 = DataType(rawValue: 6)
    public static let int64 = DataType(rawValue: 7)
    public static let string = DataType(rawValue: 8)
    public static let bool = DataType(rawValue: 9)
    public static let float16 = DataType(rawValue: 10)
    public static let double = DataType(rawValue: 11)
    public static let uint32 = DataType(rawValue: 12)
    public static let uint64 = DataType(rawValue: 13)
    public static let complex64 = DataType(rawValue: 14)
    public static let complex128 = DataType(rawValue: 15)
    public static let bfloat16 = DataType(rawValue: 16)
    public static let float8e4m3fn = DataType(rawValue: 17)
    public static let float8e4m3fnuz = DataType(rawValue: 18)
    public static let float8e5m2 = DataType(rawValue: 19)
    public static let float8e5m2fnuz = DataType(rawValue: 20)
    public static let uint4 = DataType(rawValue: 21)
    public static let int4 = DataType(rawValue: 22)
    public static let float4e2m1 = DataType(rawValue: 23)
    public static let float8e8m0 = DataType(rawValue: 24)
    public static let uint2 = DataType(rawValue: 25)
    public static let int2 = DataType(rawValue: 26)
    public static let float6e2m3 = DataType(rawValue: 27)
    public static let float6e3m2 = DataType(rawValue: 28)

    /// Every type onnx 1.23.2 defines, in enum order (without `undefined`).
    public static let allKnown: [DataType] = (1...28).map { DataType(rawValue: Int32($0)) }

    /// Bits one element occupies in `raw_data` (packed sub-byte types: 4, 2 or 6), or nil for
    /// `string`, `undefined` and unknown numbers.
    public var bitWidth: Int? {
        switch rawValue {
        case 1, 6, 12: return 32
        case 2, 3, 9, 17, 18, 19, 20, 24: return 8
        case 4, 5, 10, 16: return 16
        case 7, 11, 13, 14: return 64
        case 15: return 128
        case 21, 22, 23: return 4
        case 25, 26: return 2
        case 27, 28: return 6
        default: return nil
        }
    }

    /// Complex types hold two components of this many bits; otherwise equals `bitWidth`.
    public var isComplex: Bool { self == .complex64 || self == .complex128 }

    /// True for the types stored several elements per byte (int4, uint4, float4e2m1, int2, uint2,
    /// float6e2m3, float6e3m2).
    public var isSubByte: Bool { (bitWidth ?? 8) < 8 }

    /// True for types whose values are floating point (any width).
    public var isFloatingPoint: Bool {
        [1, 10, 11, 16, 17, 18, 19, 20, 23, 24, 27, 28].contains(rawValue)
    }

    /// True for integer types (signed or unsigned, any width), not bool.
    public var isInteger: Bool { [2, 3, 4, 5, 6, 7, 12, 13, 21, 22, 25, 26].contains(rawValue) }

    /// True for signed integer types.
    public var isSignedInteger: Bool { [3, 5, 6, 7, 22, 26].contains(rawValue) }

    /// True when this version knows the number.
    public var isKnown: Bool { (0...28).contains(rawValue) }

    /// The number of bytes `count` elements occupy in `raw_data` (sub-byte types packed, the last
    /// byte padded), or nil when the type has no fixed width or the count overflows.
    public func byteCount(forElements count: Int) -> Int? {
        guard count >= 0, let bits = bitWidth else { return nil }
        let (totalBits, o) = count.multipliedReportingOverflow(by: bits)
        if o { return nil }
        return (totalBits + 7) / 8
    }

    /// The ONNX spelling (`FLOAT`, `FLOAT8E4M3FN`, ...), or `DataType(N)` for unknown numbers.
    public var name: String {
        let names = ["UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL",
                     "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16",
                     "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4",
                     "FLOAT4E2M1", "FLOAT8E8M0", "UINT2", "INT2", "FLOAT6E2M3", "FLOAT6E3M2"]
        if rawValue >= 0 && Int(rawValue) < names.count { return names[Int(rawValue)] }
        return "DataType(\(rawValue))"
    }

    /// Lower-case short name as numpy and onnxruntime print it (`float32`, `int8`, `float16`...).
    public var shortName: String {
        switch self {
        case .float: return "float32"
        case .double: return "float64"
        default: return name.lowercased()
        }
    }

    public var description: String { name }

    /// Looks a type up by its ONNX or short name (case-insensitive): `FLOAT`, `float32`, `int8`.
    public init?(name: String) {
        let n = name.uppercased()
        if n == "FLOAT32" { self = .float; return }
        if n == "FLOAT64" { self = .double; return }
        guard let t = DataType.allKnown.first(where: { $0.name == n }) else { return nil }
        self = t
    }
}
