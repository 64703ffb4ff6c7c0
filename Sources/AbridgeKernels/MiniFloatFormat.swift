/// Description of a small binary floating-point format (8 bits or fewer): FLOAT8E4M3FN, FLOAT8E4M3FNUZ,
/// FLOAT8E5M2, FLOAT8E5M2FNUZ, FLOAT6E2M3, FLOAT6E3M2 and FLOAT4E2M1 (ONNX IR.md "Float8/Float4/Float6").
public struct MiniFloatFormat: Sendable, Equatable, CustomStringConvertible {
    /// How (and whether) NaN and infinity are encoded.
    public enum Specials: Sendable, Equatable {
        /// IEEE-like: exponent all ones is Inf (mantissa 0) or NaN (E5M2).
        case ieee
        /// Only `S.1111.111` is NaN, no infinity (E4M3FN).
        case nanAllOnes
        /// `0x80` (negative zero) is the single NaN, no infinity, no negative zero (FNUZ types).
        case nanNegativeZero
        /// Neither NaN nor infinity (float4/float6 "fn" types).
        case none
    }

    /// ONNX type name, e.g. `FLOAT8E4M3FN`.
    public let name: String
    /// Exponent field width.
    public let exponentBits: Int
    /// Mantissa field width.
    public let mantissaBits: Int
    /// Exponent bias.
    public let bias: Int
    /// Special-value encoding.
    public let specials: Specials

    /// Total width in bits (1 + exponent + mantissa).
    public var bitWidth: Int { 1 + exponentBits + mantissaBits }
    /// Whether the format can represent infinity.
    public var hasInfinity: Bool { specials == .ieee }
    /// The ONNX type name.
    public var description: String { name }

    /// Largest finite value: 448 (E4M3FN), 240 (E4M3FNUZ), 57344 (E5M2, E5M2FNUZ), 6 (E2M1), 7.5 (E2M3), 28 (E3M2).
    public var maxFinite: Double {
        var exponentField = (1 << exponentBits) - 1
        var mantissa = (1 << mantissaBits) - 1
        switch specials {
        case .ieee: exponentField -= 1
        case .nanAllOnes: mantissa -= 1
        case .nanNegativeZero, .none: break
        }
        return Double(sign: .plus, exponent: exponentField - bias, significand: 1 + Double(mantissa) / Double(1 << mantissaBits))
    }

    /// Smallest positive normal value, `2^(1 - bias)`.
    public var minNormal: Double { Double(sign: .plus, exponent: 1 - bias, significand: 1) }

    /// Bit pattern of +max finite.
    var maxFiniteBits: UInt8 {
        var exponentField = (1 << exponentBits) - 1
        var mantissa = (1 << mantissaBits) - 1
        switch specials {
        case .ieee: exponentField -= 1
        case .nanAllOnes: mantissa -= 1
        case .nanNegativeZero, .none: break
        }
        return UInt8(exponentField << mantissaBits | mantissa)
    }

    var signBit: UInt8 { UInt8(1 << (bitWidth - 1)) }

    /// FLOAT8E4M3FN: bias 7, max 448, NaN = S.1111.111, no Inf.
    public static let float8E4M3FN = MiniFloatFormat(name: "FLOAT8E4M3FN", exponentBits: 4, mantissaBits: 3, bias: 7, specials: .nanAllOnes)
    /// FLOAT8E4M3FNUZ: bias 8, max 240, NaN = 0x80, no Inf, no -0.
    public static let float8E4M3FNUZ = MiniFloatFormat(name: "FLOAT8E4M3FNUZ", exponentBits: 4, mantissaBits: 3, bias: 8, specials: .nanNegativeZero)
    /// FLOAT8E5M2: bias 15, max 57344, IEEE-like Inf/NaN.
    public static let float8E5M2 = MiniFloatFormat(name: "FLOAT8E5M2", exponentBits: 5, mantissaBits: 2, bias: 15, specials: .ieee)
    /// FLOAT8E5M2FNUZ: bias 16, max 57344, NaN = 0x80, no Inf, no -0.
    public static let float8E5M2FNUZ = MiniFloatFormat(name: "FLOAT8E5M2FNUZ", exponentBits: 5, mantissaBits: 2, bias: 16, specials: .nanNegativeZero)
    /// FLOAT6E2M3: bias 1, max 7.5, no Inf/NaN.
    public static let float6E2M3 = MiniFloatFormat(name: "FLOAT6E2M3", exponentBits: 2, mantissaBits: 3, bias: 1, specials: .none)
    /// FLOAT6E3M2: bias 3, max 28, no Inf/NaN.
    public static let float6E3M2 = MiniFloatFormat(name: "FLOAT6E3M2", exponentBits: 3, mantissaBits: 2, bias: 3, specials: .none)
    /// FLOAT4E2M1: bias 1, max 6, no Inf/NaN.
    public static let float4E2M1 = MiniFloatFormat(name: "FLOAT4E2M1", exponentBits: 2, mantissaBits: 1, bias: 1, specials: .none)
}
